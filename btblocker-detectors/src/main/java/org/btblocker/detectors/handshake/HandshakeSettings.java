package org.btblocker.detectors.handshake;

import org.btblocker.api.ConfigChecks;

import com.typesafe.config.Config;

/**
 * Settings of the handshake detector, block {@code btblocker.handshake} (defaults in {@code reference.conf}).
 *
 * @param maxPayloadPackets   payload packets of a flow (both directions) after which, without evidence, the detector
 *                            gives up on the flow
 * @param minFrames           consecutive valid peer-wire messages in one direction, at least one of them of a
 *                            fixed-length kind, that count as evidence on a flow whose handshake was not seen
 * @param maxRememberedPeers  at most this many peers of one ut_pex message go to the endpoint memory
 */
record HandshakeSettings(int maxPayloadPackets, int minFrames, int maxRememberedPeers) {

    HandshakeSettings {
        if (maxPayloadPackets < 1 || maxPayloadPackets > 1_000) {
            throw new IllegalArgumentException("maxPayloadPackets must be 1..1000: " + maxPayloadPackets);
        }
        if (minFrames < 2 || minFrames > 255) {
            throw new IllegalArgumentException("minFrames must be 2..255: " + minFrames);
        }
        if (maxRememberedPeers < 0 || maxRememberedPeers > 10_000) {
            throw new IllegalArgumentException("maxRememberedPeers must be 0..10000: " + maxRememberedPeers);
        }
    }

    /** Reads every key of {@code own} ({@code btblocker.handshake}); a missing or bad value throws at startup. */
    private static final String BLOCK = "btblocker.handshake";

    static HandshakeSettings from(Config own) {
        return new HandshakeSettings(
                ConfigChecks.intIn(own, BLOCK, "maxPayloadPackets", 1, 1_000),
                ConfigChecks.intIn(own, BLOCK, "minFrames", 2, 255),
                ConfigChecks.intIn(own, BLOCK, "maxRememberedPeers", 0, 10_000));
    }
}
