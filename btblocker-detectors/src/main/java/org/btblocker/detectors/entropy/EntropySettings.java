package org.btblocker.detectors.entropy;

import org.btblocker.api.ConfigChecks;

import com.typesafe.config.Config;

/**
 * Settings of the entropy (MSE) detector, block {@code btblocker.entropy}; {@code threshold} and
 * {@code minPayloadSize} default to the seed keys {@code btblocker.entropyThreshold} and
 * {@code btblocker.minPayloadSize} by substitution in {@code reference.conf}.
 *
 * @param threshold       bias-corrected entropy, in bits per byte, a first payload must reach to count as random;
 *                        higher is less sensitive
 * @param minPayloadSize  first payloads shorter than this are never counted as random
 * @param maxUtpDatagrams UDP datagrams of a flow inspected, looking for uTP data packets, before giving up
 * @param minResponderPort flows to a responder port below this are never matched (0 = all ports); services on
 *                        well-known ports (Telegram's MTProto on 443, for one) also open with random bytes,
 *                        while BitTorrent clients listen on unprivileged ports
 */
record EntropySettings(double threshold, int minPayloadSize, int maxUtpDatagrams, int minResponderPort) {

    static final int MAX_DATAGRAMS_LIMIT = 0xffff;

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
        if (minResponderPort < 0 || minResponderPort > 0xffff) {
            throw new IllegalArgumentException("minResponderPort out of range: " + minResponderPort);
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
        int minResponderPort = ConfigChecks.intIn(own, BLOCK, "minResponderPort", 0, 0xffff); // 0 = every port
        return new EntropySettings(threshold, minPayloadSize, maxUtpDatagrams, minResponderPort);
    }
}
