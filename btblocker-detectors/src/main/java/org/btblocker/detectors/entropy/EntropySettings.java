package org.btblocker.detectors.entropy;

import org.btblocker.api.ConfigChecks;

import com.typesafe.config.Config;

/**
 * Settings of the entropy (MSE) detector, block {@code btblocker.entropy}; {@code threshold} and
 * {@code minPayloadSize} default to the seed keys {@code btblocker.entropyThreshold} and
 * {@code btblocker.minPayloadSize} by substitution in {@code reference.conf}.
 *
 * @param threshold       bias-corrected entropy, in bits per byte, the first segment of each key-exchange flight must
 *                        reach to count as random; higher is less sensitive
 * @param minPayloadSize  key-exchange flights shorter than this are never taken for MSE
 * @param maxUtpDatagrams UDP datagrams of a flow inspected, looking for the first uTP data packet, before giving up
 * @param maxFlights      flights after the key exchange within which the peer-wire lengths must show
 */
record EntropySettings(double threshold, int minPayloadSize, int maxUtpDatagrams, int maxFlights) {

    static final int MAX_DATAGRAMS_LIMIT = 0xffff;
    static final int MAX_FLIGHTS_LIMIT = 200;

    EntropySettings {
        if (!(threshold > 0 && threshold <= 8)) {
            throw new IllegalArgumentException("threshold out of range: " + threshold);
        }
        if (minPayloadSize < 1 || minPayloadSize > 0xffff) {
            throw new IllegalArgumentException("minPayloadSize out of range: " + minPayloadSize);
        }
        if (maxUtpDatagrams < 1 || maxUtpDatagrams > MAX_DATAGRAMS_LIMIT) {
            throw new IllegalArgumentException("maxUtpDatagrams out of range: " + maxUtpDatagrams);
        }
        if (maxFlights < 1 || maxFlights > MAX_FLIGHTS_LIMIT) {
            throw new IllegalArgumentException("maxFlights out of range: " + maxFlights);
        }
    }

    /** Reads every key of {@code btblocker.entropy} eagerly. */
    private static final String BLOCK = "btblocker.entropy";

    static EntropySettings from(Config own) {
        double threshold = own.getDouble("threshold");
        if (!(threshold > 0 && threshold <= 8)) {
            throw ConfigChecks.bad(own, BLOCK, "threshold",
                    "bits per byte, more than 0 and at most 8, got " + threshold);
        }
        int minPayloadSize = ConfigChecks.intIn(own, BLOCK, "minPayloadSize", 1, 0xffff);
        int maxUtpDatagrams = ConfigChecks.intIn(own, BLOCK, "maxUtpDatagrams", 1, MAX_DATAGRAMS_LIMIT);
        int maxFlights = ConfigChecks.intIn(own, BLOCK, "maxFlights", 1, MAX_FLIGHTS_LIMIT);
        return new EntropySettings(threshold, minPayloadSize, maxUtpDatagrams, maxFlights);
    }
}
