package org.btblocker.detectors.lsd;

import com.typesafe.config.Config;

/**
 * Settings of the lsd detector, block {@code btblocker.lsd}; defaults in {@code reference.conf}.
 *
 * @param acceptUnicast also match announces sent to port 6771 of a unicast address (BEP 14 only defines the
 *                      multicast groups; off by default)
 */
record LsdSettings(boolean acceptUnicast) {

    /** Reads every key of {@code own} eagerly. */
    static LsdSettings from(Config own) {
        return new LsdSettings(own.getBoolean("acceptUnicast"));
    }
}
