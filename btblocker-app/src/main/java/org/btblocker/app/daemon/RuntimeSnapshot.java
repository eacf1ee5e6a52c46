package org.btblocker.app.daemon;

import java.nio.file.Path;
import java.time.Duration;

import org.btblocker.api.ban.BanFeed;
import org.btblocker.app.Settings;
import org.btblocker.app.bans.ConfiguredSinks;
import org.btblocker.engine.EngineSetup;
import org.btblocker.netfilter.firewall.FirewallSettings;
import org.btblocker.netfilter.nfqueue.QueueConfig;

import com.typesafe.config.Config;

/**
 * Everything the running daemon does, read and checked from one configuration, with no side effect: the engine
 * setup (detectors created once to check their settings), the ban sinks' setups, the firewall and queue settings.
 * Immutable. A start builds the first one; a reload builds a new one off the packet threads and, only when that
 * succeeded, publishes it with one volatile write ({@link Published}); each queue thread picks it up at its next
 * packet.
 *
 * @param generation       increases with every published snapshot
 * @param root             the resolved configuration
 * @param engine           detectors and engine settings
 * @param sinks            the configured ban sinks (not opened)
 * @param firewall         the rules' settings, with the sinks' enforcements
 * @param queue            queue settings of the first queue ({@code queueNum})
 * @param queueCount       how many queues ({@code queue.count})
 * @param monitorOnly      detect and log only
 * @param manageFirewall   install and remove our rules
 * @param statsInterval    how often the summary line is logged
 * @param stateDirectory   where the ban journal lives
 * @param runtimeDirectory where the instance lock and control socket live
 */
record RuntimeSnapshot(long generation, Config root, EngineSetup engine, ConfiguredSinks sinks,
                       FirewallSettings firewall, QueueConfig queue, int queueCount, boolean monitorOnly,
                       boolean manageFirewall, Duration statsInterval, Path stateDirectory, Path runtimeDirectory) {

    /**
     * Reads and checks every setting of {@code root}.
     *
     * @param loader where detectors and ban sinks are found (built in and plugins)
     * @param feed   the daemon's ban worker, handed to sinks that receive bans from outside
     * @throws com.typesafe.config.ConfigException naming the key of the first bad setting
     */
    static RuntimeSnapshot build(long generation, Config root, ClassLoader loader, BanFeed feed) {
        Config b = root.getConfig("btblocker");
        Settings.validate(root);
        EngineSetup engine = EngineSetup.of(root, loader);
        ConfiguredSinks sinks = ConfiguredSinks.configure(root, loader, feed);
        FirewallSettings firewall = FirewallSettings.from(b, sinks.enforcements());
        QueueConfig queue = QueueConfig.from(root);
        Duration statsInterval = b.getDuration("statsInterval");
        if (statsInterval.isNegative() || statsInterval.isZero()) {
            throw org.btblocker.api.ConfigChecks.bad(b, "btblocker", "statsInterval", "a positive duration, got "
                    + b.getValue("statsInterval").render());
        }
        return new RuntimeSnapshot(generation, root, engine, sinks, firewall, queue, firewall.queueCount(),
                b.getBoolean("monitorOnly"), b.getBoolean("firewall.manage"), statsInterval,
                Path.of(b.getString("stateDirectory")), Path.of(b.getString("runtimeDirectory")));
    }

    /** True when {@code other} binds other queues (numbers, count or queue settings). */
    boolean queuesDifferFrom(RuntimeSnapshot other) {
        return !queue.equals(other.queue) || queueCount != other.queueCount;
    }

    /**
     * The one place the current snapshot is published: written by the daemon (start, reload), read by every queue
     * thread at each packet (a plain load on x86, no lock).
     */
    static final class Published {
        private volatile RuntimeSnapshot current;

        Published(RuntimeSnapshot first) {
            this.current = first;
        }

        RuntimeSnapshot get() {
            return current;
        }

        void set(RuntimeSnapshot next) {
            current = next;
        }
    }
}
