package org.btblocker.app.daemon;

import java.time.Duration;

/**
 * What the daemon tells its service manager (systemd's {@code sd_notify}): ready once queues are bound and rules
 * installed, a one-line status, watchdog pings while every queue thread is alive, reloading, stopping. The default
 * does nothing (no service manager).
 */
interface ServiceNotifier {

    /** Tells nothing to nobody. */
    ServiceNotifier NONE = new ServiceNotifier() { };

    default void ready(String status) {
    }

    default void status(String status) {
    }

    default void reloading() {
    }

    default void stopping() {
    }

    default void watchdog() {
    }

    /** How often the service manager expects a watchdog ping; {@link Duration#ZERO} when it expects none. */
    default Duration watchdogInterval() {
        return Duration.ZERO;
    }
}
