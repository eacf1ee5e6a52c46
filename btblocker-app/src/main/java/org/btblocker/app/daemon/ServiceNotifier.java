package org.btblocker.app.daemon;

import java.time.Duration;

import org.btblocker.netfilter.systemd.SystemdNotifier;

/**
 * What the daemon tells its service manager (systemd's {@code sd_notify}): ready once queues are bound and rules
 * installed, a one-line status, watchdog pings while every queue thread is alive, reloading, stopping. The default
 * does nothing (no service manager).
 */
interface ServiceNotifier {

    /** Tells nothing to nobody. */
    ServiceNotifier NONE = new ServiceNotifier() { };

    /** systemd's {@code sd_notify} when {@code NOTIFY_SOCKET} is set, else {@link #NONE}. */
    static ServiceNotifier fromEnvironment() {
        SystemdNotifier systemd = SystemdNotifier.fromEnvironment();
        if (!systemd.isEnabled()) {
            return NONE;
        }
        return new ServiceNotifier() {
            @Override
            public void ready(String status) {
                systemd.ready(status);
            }

            @Override
            public void status(String status) {
                systemd.status(status);
            }

            @Override
            public void reloading() {
                systemd.reloading();
            }

            @Override
            public void stopping() {
                systemd.stopping();
            }

            @Override
            public void watchdog() {
                systemd.watchdog();
            }

            @Override
            public Duration watchdogInterval() {
                return systemd.watchdogInterval();
            }
        };
    }

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
