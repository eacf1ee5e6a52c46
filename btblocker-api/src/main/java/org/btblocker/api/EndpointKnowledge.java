package org.btblocker.api;

/**
 * What the engine knows about endpoints ({@code ip:port}) across flows: which were proven to speak BitTorrent.
 * Bounded and expiring; shared by all flows of an engine. Addresses use the two-long form of
 * {@link org.btblocker.api.packet.Addresses}.
 *
 * <p>Detectors add peers they learn about from the protocol itself (nodes in a DHT reply, peers in a tracker
 * reply or a PEX message). Only do so from a flow that carried traffic in both directions
 * ({@link FlowContext#hasBothDirections()}), so that a spoofed one-way packet cannot plant entries.
 */
public interface EndpointKnowledge {

    /** True when {@code ip:port} was proven BitTorrent and has not expired. */
    boolean isKnownPeer(long hi, long lo, int port);

    /** Records {@code ip:port} as a BitTorrent endpoint (refreshes its expiry when already known). */
    void rememberPeer(long hi, long lo, int port);
}
