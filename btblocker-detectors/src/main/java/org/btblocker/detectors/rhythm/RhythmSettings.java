package org.btblocker.detectors.rhythm;

import org.btblocker.api.ConfigChecks;

import com.typesafe.config.Config;

/**
 * Settings of the rhythm detector, block {@code btblocker.rhythm} (defaults in {@code reference.conf}).
 *
 * @param minHits    packet ends of one direction that fall a whole number of piece messages after an earlier packet
 *                   end of that direction, needed for a match
 * @param maxPackets payload packets of a flow (both directions) inspected before the detector gives up on it
 */
record RhythmSettings(int minHits, int maxPackets) {

    static final int MAX_HITS = 255;
    static final int MAX_PACKETS = 4096;

    RhythmSettings {
        if (minHits < 2 || minHits > MAX_HITS) {
            throw new IllegalArgumentException("minHits must be 2.." + MAX_HITS + ": " + minHits);
        }
        if (maxPackets < 1 || maxPackets > MAX_PACKETS) {
            throw new IllegalArgumentException("maxPackets must be 1.." + MAX_PACKETS + ": " + maxPackets);
        }
    }

    private static final String BLOCK = "btblocker.rhythm";

    /** Reads every key of {@code own} ({@code btblocker.rhythm}); a missing or bad value throws at startup. */
    static RhythmSettings from(Config own) {
        return new RhythmSettings(ConfigChecks.intIn(own, BLOCK, "minHits", 2, MAX_HITS),
                ConfigChecks.intIn(own, BLOCK, "maxPackets", 1, MAX_PACKETS));
    }
}
