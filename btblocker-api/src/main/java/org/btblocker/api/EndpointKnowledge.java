package org.btblocker.api;

/**
 * What the engine knows about endpoints ({@code ip:port}) across flows, shared by all flows and queues. Bounded and
 * expiring. Addresses use the two-long form of {@link org.btblocker.api.packet.Addresses}. Time is passed with
 * each call ({@link FlowContext#nowNanos()}), so a lookup never depends on another thread's clock.
 *
 * <p>Knowledge has a {@link Standing}. Only the engine proves an endpoint: a flow that a detector matched on the
 * flow's own bytes ({@link Verdict#match}) once traffic went both ways. Detectors only <em>claim</em> endpoints
 * that a BitTorrent message lists (DHT nodes and values, tracker peers, PEX), through
 * {@link FlowContext#claimPeer}; a claim from one source never makes an endpoint block on its own.
 */
public interface EndpointKnowledge {

    /** How much is known about an endpoint, weakest first. */
    enum Standing {
        /** Nothing, or expired. */
        UNKNOWN,
        /** Listed as a peer by one source: a lead, not evidence. */
        CLAIMED,
        /** Listed by at least two independent sources (different networks). */
        CORROBORATED,
        /** Seen speaking BitTorrent itself, in a two-way flow. */
        PROVEN;

        /** True when this standing is at least {@code other}. */
        public boolean atLeast(Standing other) {
            return compareTo(other) >= 0;
        }
    }

    /** The standing of {@code ip:port} at {@code nowNanos}. Allocation-free, safe from any thread. */
    Standing standing(long hi, long lo, int port, long nowNanos);
}
