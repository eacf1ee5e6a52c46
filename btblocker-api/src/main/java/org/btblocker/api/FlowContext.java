package org.btblocker.api;

/**
 * What a detector knows about the flow of the packet it is inspecting. A flow is one TCP connection or one UDP
 * conversation: protocol plus the two endpoints, both directions together.
 *
 * <p>Implemented by the engine; one instance is reused for every packet, so a detector must not keep it after
 * {@code inspect} returns. Counters describe the flow <em>before</em> the current packet.
 *
 * <p>Detectors are shared by all flows and hold no per-flow fields: per-flow state lives in {@code long} slots
 * that the engine keeps for each (flow, detector) pair, zero when the flow starts. The number of slots is what
 * {@link DetectorProvider#stateSlots()} asked for.
 */
public interface FlowContext {

    /** Who sent the current packet. */
    Direction direction();

    /** Packets (with or without payload) of this flow before the current one, both directions. */
    int packetIndex();

    /** Packets of this flow before the current one in the current packet's direction. */
    int packetIndexInDirection();

    /** Packets with payload before the current one, both directions. */
    int payloadIndex();

    /** Packets with payload before the current one in the current packet's direction. */
    int payloadIndexInDirection();

    /** Payload bytes before the current packet, both directions. */
    long bytesSoFar();

    /** Payload bytes before the current packet in the current packet's direction. */
    long bytesInDirection();

    /**
     * True when packets were seen in both directions, the current one included. Packets whose source failed the
     * reverse-path check (likely forged) do not count as a side seen.
     */
    boolean hasBothDirections();

    /**
     * True when bytes of this flow passed without being inspected: its opening was never seen (the connection is
     * older than the daemon, or its first packets bypassed a full queue) or a TCP stream has a hole. Detectors
     * that recognise a protocol from the middle of a stream should do so here; the first payload is not the
     * stream's start. The engine keeps such a flow under inspection past {@code maxPacketsPerFlow}.
     */
    default boolean isMidStream() {
        return false;
    }

    /**
     * Asks the engine to keep this flow under inspection past {@code maxPacketsPerFlow}, up to
     * {@code maxPacketsMidStream}: for a detector that has already seen a protocol's opening and needs what follows
     * to prove it (a complete MSE/PE key exchange, then the peer-wire lengths), and that bounds its own wait. Where
     * the engine has no such bound, nothing happens.
     */
    default void keepInspecting() {
    }

    /**
     * False when the current packet failed the reverse-path check: it arrived on an interface that does not route
     * back to its source, so its source address is likely forged. The engine already keeps such packets from
     * making a flow two-way and from claiming endpoints; true where no check is made.
     */
    default boolean isSourceVerified() {
        return true;
    }

    /** This detector's state slot {@code index} for this flow (0 at flow start). */
    long slot(int index);

    /** Sets this detector's state slot {@code index} for this flow. */
    void setSlot(int index, long value);

    /** Endpoint knowledge shared across flows (query it with {@link #nowNanos()}). */
    EndpointKnowledge endpoints();

    /**
     * Claims that {@code ip:port} is a BitTorrent endpoint because the current packet lists it (a peer in a tracker
     * reply, a node in a DHT reply, a PEX {@code added} entry). The engine records the claim with the packet's
     * sender as its source, and refuses it (returns false) when the flow has not carried traffic both ways, when
     * this packet or this source has claimed too many endpoints already, or for port 0 / an all-zero address.
     */
    boolean claimPeer(long hi, long lo, int port);

    /** The engine's clock, in nanoseconds; only differences are meaningful. */
    long nowNanos();
}
