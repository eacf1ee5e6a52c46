package org.btblocker.detectors.entropy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

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
    static EntropySettings from(Config own) {
        double threshold = own.getDouble("threshold");
        if (!(threshold > 0 && threshold <= 8)) {
            throw new ConfigException.BadValue(own.origin(), "threshold",
                    "expected bits per byte, more than 0 and at most 8, got " + threshold);
        }
        int minPayloadSize = own.getInt("minPayloadSize");
        if (minPayloadSize < 1 || minPayloadSize > 0xffff) {
            throw new ConfigException.BadValue(own.origin(), "minPayloadSize",
                    "expected a byte count from 1 to 65535, got " + minPayloadSize);
        }
        int maxUtpDatagrams = own.getInt("maxUtpDatagrams");
        if (maxUtpDatagrams < 1 || maxUtpDatagrams > MAX_DATAGRAMS_LIMIT) {
            throw new ConfigException.BadValue(own.origin(), "maxUtpDatagrams",
                    "expected an integer from 1 to " + MAX_DATAGRAMS_LIMIT + ", got " + maxUtpDatagrams);
        }
        int minResponderPort = own.getInt("minResponderPort");
        if (minResponderPort < 0 || minResponderPort > 0xffff) {
            throw new ConfigException.BadValue(own.origin(), "minResponderPort",
                    "expected a port from 0 to 65535 (0 = all ports), got " + minResponderPort);
        }
        return new EntropySettings(threshold, minPayloadSize, maxUtpDatagrams, minResponderPort);
    }
}
