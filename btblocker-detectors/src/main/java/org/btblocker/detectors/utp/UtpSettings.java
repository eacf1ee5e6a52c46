package org.btblocker.detectors.utp;

import org.btblocker.api.ConfigChecks;

import com.typesafe.config.Config;

/**
 * Settings of the uTP detector, block {@code btblocker.utp}.
 *
 * @param minHeadersMidStream valid headers (both directions together, each direction at least one) needed to
 *                            recognise a connection joined after its SYN
 * @param minHeadersOneWay    advancing headers from one side, with nothing valid from the other, that recognise a
 *                            connection seen in one direction only; 0 disables that rule
 * @param maxDatagrams        datagrams of a flow inspected before giving up on it
 */
record UtpSettings(int minHeadersMidStream, int minHeadersOneWay, int maxDatagrams) {

    static final int MIN_HEADERS_LIMIT = 2;
    static final int MAX_HEADERS_LIMIT = 255;
    static final int MAX_DATAGRAMS_LIMIT = 0xffff;
    static final int MIN_ONE_WAY = 4;

    UtpSettings {
        if (minHeadersMidStream < MIN_HEADERS_LIMIT || minHeadersMidStream > MAX_HEADERS_LIMIT) {
            throw new IllegalArgumentException("minHeadersMidStream out of range: " + minHeadersMidStream);
        }
        if (minHeadersOneWay != 0 && (minHeadersOneWay < MIN_ONE_WAY || minHeadersOneWay > MAX_HEADERS_LIMIT)) {
            throw new IllegalArgumentException("minHeadersOneWay out of range: " + minHeadersOneWay);
        }
        if (maxDatagrams < 2 || maxDatagrams > MAX_DATAGRAMS_LIMIT) {
            throw new IllegalArgumentException("maxDatagrams out of range: " + maxDatagrams);
        }
    }

    /** Reads every key of {@code btblocker.utp} eagerly. */
    private static final String BLOCK = "btblocker.utp";

    static UtpSettings from(Config own) {
        int minHeaders = ConfigChecks.intIn(own, BLOCK, "minHeadersMidStream", MIN_HEADERS_LIMIT, MAX_HEADERS_LIMIT);
        int oneWay = own.getInt("minHeadersOneWay");
        if (oneWay != 0 && (oneWay < MIN_ONE_WAY || oneWay > MAX_HEADERS_LIMIT)) {
            throw ConfigChecks.bad(own, BLOCK, "minHeadersOneWay",
                    "0 (off) or an integer from " + MIN_ONE_WAY + " to " + MAX_HEADERS_LIMIT + ", got " + oneWay);
        }
        int maxDatagrams = ConfigChecks.intIn(own, BLOCK, "maxDatagrams", 2, MAX_DATAGRAMS_LIMIT);
        return new UtpSettings(minHeaders, oneWay, maxDatagrams);
    }
}
