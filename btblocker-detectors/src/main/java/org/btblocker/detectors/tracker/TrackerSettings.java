package org.btblocker.detectors.tracker;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.btblocker.api.ConfigChecks;

import com.typesafe.config.Config;

/**
 * Settings of the tracker detector, block {@code btblocker.tracker} (defaults in {@code reference.conf}).
 *
 * @param maxPayloadPackets      payload packets of a flow after which, without evidence, the detector gives up
 * @param requireConnectResponse when true a UDP connect request alone is not enough: its response (same
 *                               transaction id) must follow
 * @param harvestPeers           when true, a flow proven by a request (UDP connect, HTTP announce) is watched on
 *                               until the tracker's announce response, whose peers go to the endpoint memory; the
 *                               match comes with that response (so it is the packet dropped), with any unexpected
 *                               packet, or when {@code maxPayloadPackets} is reached
 * @param userAgents             User-Agent tokens of BitTorrent clients; an HTTP request whose first User-Agent
 *                               starts with one (exact token prefix) matches; empty disables the check
 * @param maxRememberedPeers     at most this many peers of one tracker response go to the endpoint memory
 */
record TrackerSettings(int maxPayloadPackets, boolean requireConnectResponse, boolean harvestPeers,
                       List<String> userAgents, int maxRememberedPeers) {

    TrackerSettings {
        if (maxPayloadPackets < 1 || maxPayloadPackets > 1_000) {
            throw new IllegalArgumentException("maxPayloadPackets must be 1..1000: " + maxPayloadPackets);
        }
        if (maxRememberedPeers < 0 || maxRememberedPeers > 10_000) {
            throw new IllegalArgumentException("maxRememberedPeers must be 0..10000: " + maxRememberedPeers);
        }
        userAgents = List.copyOf(userAgents);
        for (String ua : userAgents) {
            if (ua.isEmpty() || !StandardCharsets.US_ASCII.newEncoder().canEncode(ua)) {
                throw new IllegalArgumentException("userAgents entries must be non-empty ASCII: \"" + ua + "\"");
            }
        }
    }

    /** Reads every key of {@code own} ({@code btblocker.tracker}); a missing or bad value throws at startup. */
    private static final String BLOCK = "btblocker.tracker";

    static TrackerSettings from(Config own) {
        int max = ConfigChecks.intIn(own, BLOCK, "maxPayloadPackets", 1, 1_000);
        int peers = ConfigChecks.intIn(own, BLOCK, "maxRememberedPeers", 0, 10_000);
        List<String> agents = own.getStringList("userAgents");
        for (String ua : agents) {
            if (ua.isEmpty() || !StandardCharsets.US_ASCII.newEncoder().canEncode(ua)) {
                throw ConfigChecks.bad(own, BLOCK, "userAgents",
                        "non-empty ASCII tokens, got \"" + ua + "\"");
            }
        }
        return new TrackerSettings(max, own.getBoolean("requireConnectResponse"), own.getBoolean("harvestPeers"),
                agents, peers);
    }

    /** The tokens as ASCII bytes, for the packet path. */
    byte[][] userAgentBytes() {
        byte[][] out = new byte[userAgents.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = userAgents.get(i).getBytes(StandardCharsets.US_ASCII);
        }
        return out;
    }
}
