package org.btblocker.api;

import com.typesafe.config.Config;

/**
 * Creates a {@link Detector}; found with {@link java.util.ServiceLoader}. A plugin jar lists its implementation in
 * {@code META-INF/services/org.btblocker.api.DetectorProvider} and ships its defaults in its own
 * {@code reference.conf} under {@code btblocker.<name> { ... }}.
 *
 * <p>The provider's {@link #name()} is the one word used everywhere: in {@code btblocker.detectors}, as the config
 * block {@code btblocker.<name>}, and as {@code detector=<name>} in log lines and scan output.
 */
public interface DetectorProvider {

    /** The API major version this module defines; the engine refuses providers built for another one. */
    int API_VERSION = 2;

    /** Lower-case name, {@code [a-z][a-z0-9_-]*}. */
    String name();

    /** One line for {@code btblocker detectors}. */
    default String description() {
        return name();
    }

    /** Which packets the detector wants. */
    Interest interest();

    /** How many {@code long} state slots per flow the detector uses (0 to 8). */
    default int stateSlots() {
        return 1;
    }

    /** The API version this provider was compiled against; leave the default. */
    default int apiVersion() {
        return API_VERSION;
    }

    /**
     * Creates the detector from its own configuration block, {@code btblocker.<name>}, with the defaults of every
     * {@code reference.conf} applied and substitutions resolved. Read every key here, eagerly, so that a bad value
     * fails at startup.
     *
     * @throws com.typesafe.config.ConfigException when a setting is missing or invalid
     */
    Detector create(Config ownConfig);
}
