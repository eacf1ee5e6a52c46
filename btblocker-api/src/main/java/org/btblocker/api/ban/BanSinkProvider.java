package org.btblocker.api.ban;

/**
 * Creates a ban sink; found with {@link java.util.ServiceLoader} through
 * {@code META-INF/services/org.btblocker.api.ban.BanSinkProvider}, exactly like detectors. Selected by
 * {@code btblocker.banSinks = [ipset, crowdsec]} (the seed's {@code btblocker.banSink = ipset} is the one-sink alias).
 *
 * <p>A sink is set up in two steps so that a bad configuration is refused before anything is touched:
 * {@link #configure} reads and checks the settings and has no side effect; {@link BanSinkSetup#open()} then creates
 * what the sink needs (kernel sets, a login). The provider's {@link #name()} is its config block,
 * {@code btblocker.<name> { ... }}, shipped with defaults in the plugin's own {@code reference.conf}.
 */
public interface BanSinkProvider {

    /** The API major version of ban sinks; the daemon refuses providers built for another one. */
    int API_VERSION = 1;

    /** Lower-case name, {@code [a-z][a-z0-9_-]*}: {@code ipset}, {@code nftables}, {@code log}, {@code crowdsec}. */
    String name();

    /** One line for {@code btblocker detectors} and logs. */
    default String description() {
        return name();
    }

    /** The API version this provider was compiled against; leave the default. */
    default int apiVersion() {
        return API_VERSION;
    }

    /**
     * Reads and checks every setting this sink uses, eagerly, touching nothing (no socket, no file, no kernel
     * object).
     *
     * @throws com.typesafe.config.ConfigException naming the full key path of a missing or invalid setting
     */
    BanSinkSetup configure(BanSinkContext context);
}
