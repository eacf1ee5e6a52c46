package org.btblocker.app.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanSink;
import org.btblocker.api.ban.BanFeed;
import org.btblocker.app.Settings;
import org.btblocker.app.errors.ExitCodes;
import org.btblocker.app.errors.UserException;
import org.btblocker.app.bans.BanWorker;
import org.btblocker.app.bans.ConfiguredSinks;
import org.btblocker.engine.Engine;
import org.btblocker.netfilter.firewall.FirewallException;
import org.btblocker.netfilter.firewall.FirewallManager;
import org.btblocker.netfilter.firewall.FirewallPlan;
import org.btblocker.netfilter.firewall.FirewallSettings;
import org.btblocker.netfilter.nfqueue.QueueBindException;
import org.btblocker.netfilter.nfqueue.QueueConfig;
import org.btblocker.netfilter.nfqueue.QueueService;
import org.btblocker.netfilter.nfqueue.QueueStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import com.typesafe.config.Config;

/**
 * {@code btblocker run}: the one place that wires the daemon together.
 *
 * <pre>
 *  kernel ─NFQUEUE─► QueueService (thread per queue) ─► QueueWorker ─► Engine.inspect ─► verdict + mark
 *                                                                        │ BLOCK decision
 *                                                                        ▼
 *                                                  BanWorker (own thread): BanPolicy ─► BanSink (ipset / nft)
 * </pre>
 *
 * <p>Start order: settings (every key, eagerly) → prerequisite checks → ban sink (creates the sets) → queues bound →
 * firewall rules installed. Any failure undoes what was done before it, so a failed start leaves no rule behind.
 * Stop (SIGTERM/SIGINT) runs it backwards: rules removed first (traffic flows unqueued), then queues unbound.
 */
public final class Daemon implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    private final Config root;
    private final List<QueueService> queues = new ArrayList<>();
    private final List<QueueWorker> workers = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<BanSink> sinks = new ArrayList<>();
    private BanWorker banWorker;
    private FirewallPlan installedPlan;
    /** The manager that installed the rules also removes them: it knows what the firewall looked like before. */
    private final FirewallManager firewallManager = FirewallManager.system();
    private ScheduledExecutorService statsTimer;
    private boolean closed;
    private volatile long lastBypassed;

    private Daemon(Config root) {
        this.root = root;
    }

    /**
     * Starts the daemon, or fails with a one-line {@link UserException} having undone every step.
     *
     * @param root the resolved configuration
     */
    public static Daemon start(Config root) {
        Daemon daemon = new Daemon(root);
        try {
            daemon.startSteps();
            return daemon;
        } catch (RuntimeException | Error e) {
            daemon.close();
            throw e;
        }
    }

    private void startSteps() {
        Config b = root.getConfig("btblocker");
        Settings.validate(root);
        ConfiguredSinks configured = ConfiguredSinks.configure(root, Daemon.class.getClassLoader(), BanFeed.NONE);
        FirewallSettings firewall = FirewallSettings.from(b, configured.enforcements());
        boolean manage = b.getBoolean("firewall.manage");
        boolean monitorOnly = b.getBoolean("monitorOnly");
        QueueConfig base = QueueConfig.from(root);
        int queueCount = b.getInt("queue.count");

        List<String> problems = FirewallManager.probe(firewall);
        if (!problems.isEmpty()) {
            throw new UserException(ExitCodes.RUNTIME, problems.get(0)
                + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more: " + String.join("; ",
                problems.subList(1, problems.size())) + ")" : ""));
        }

        sinks.addAll(openSinks(configured));
        banWorker = BanWorker.create(b, sinks).start();

        Engine first = null;
        for (int n = 0; n < queueCount; n++) {
            Engine.Builder builder = Engine.builder(root).listener(banWorker);
            if (first != null) {
                builder.shareEndpointsWith(first);
            }
            Engine engine = builder.build();
            first = first == null ? engine : first;
            QueueWorker worker = new QueueWorker(engine, firewall.marks(), monitorOnly, manage);
            try {
                queues.add(QueueService.start(base.withQueueNum(base.queueNum() + n), worker));
            } catch (QueueBindException e) {
                throw new UserException(ExitCodes.RUNTIME, e.getMessage(), e);
            }
            workers.add(worker);
        }

        if (manage) {
            FirewallPlan plan = FirewallPlan.of(firewall);
            try {
                firewallManager.install(plan);
            } catch (FirewallException e) {
                throw new UserException(ExitCodes.RUNTIME, "installing firewall rules failed (nothing was left "
                    + "installed): " + e.getMessage(), e);
            }
            installedPlan = plan;
        }

        log.info("btblocker running: queues {}..{} on interfaces {}, detectors {}, banSinks {}, banDuration {} s{}{}",
            base.queueNum(), base.queueNum() + queueCount - 1, firewall.interfaces(), first.detectorNames(),
            configured.names(), b.getString("banDuration"), monitorOnly ? ", monitorOnly" : "",
            manage ? ", firewall rules installed" : ", firewall.manage = false (see: btblocker firewall print)");
        statsTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "btblocker-stats");
            t.setDaemon(true);
            return t;
        });
        long every = b.getDuration("statsInterval", TimeUnit.SECONDS);
        statsTimer.scheduleAtFixedRate(this::logStats, every, every, TimeUnit.SECONDS);
    }

    /**
     * Opens every configured sink (creating their sets); on a failure closes the ones opened and throws one line.
     */
    private static List<BanSink> openSinks(ConfiguredSinks configured) {
        List<BanSink> opened = new ArrayList<>();
        for (ConfiguredSinks.ConfiguredSink s : configured.sinks()) {
            try {
                opened.add(s.setup().open());
            } catch (BanException e) {
                opened.forEach(BanSink::close);
                throw new UserException(ExitCodes.RUNTIME, "ban sink " + s.name() + ": " + e.getMessage(), e);
            }
        }
        return opened;
    }

    /** One summary line: what each queue saw and decided, overruns, and bans. */
    void logStats() {
        for (int n = 0; n < queues.size(); n++) {
            QueueStats s = queues.get(n).stats();
            Engine e = workers.get(n).engine();
            MDC.put("queue", String.valueOf(queues.get(n).queueNum()));
            log.info("queue {}: {} packets ({} accepted, {} dropped), flows {} active / {} blocked / {} allowed, "
                    + "{} socket overruns, {} lost ids, detector errors {}", queues.get(n).queueNum(), s.received(),
                s.accepted(), s.dropped(), e.activeFlows(), e.flowsBlocked(), e.flowsAllowed(), s.overruns(),
                s.gaps(), e.detectorErrors());
            MDC.remove("queue");
        }
        if (installedPlan != null && !queues.isEmpty()) {
            long matched = FirewallManager.system().queuedByRules();
            long received = 0;
            for (QueueService queue : queues) {
                received += queue.stats().received();
            }
            // With FAIL_OPEN the kernel lets packets of a full queue through without telling us: count them here.
            long bypassed = matched < 0 ? -1 : Math.max(0, matched - received);
            if (bypassed > lastBypassed && lastBypassed >= 0) {
                log.warn("{} packets bypassed the queue since the last report (queue full or btblocker too slow); "
                    + "{} in all: consider btblocker.queue.count or btblocker.queue.maxLength", bypassed - lastBypassed,
                    bypassed);
            }
            lastBypassed = bypassed;
        }
        if (banWorker != null) {
            log.info("bans: {} made, {} failed, {} decisions dropped (ban queue full)", banWorker.bans(),
                banWorker.banFailures(), banWorker.dropped());
        }
    }

    /** Packets the kernel let through our NFQUEUE rules without queueing them (full queue), -1 if unknown. */
    public long bypassedPackets() {
        return lastBypassed;
    }

    /** Statistics of queue {@code n} (for tests and metrics). */
    public QueueStats queueStats(int n) {
        return queues.get(n).stats();
    }

    /** Blocks until {@link #close()} has run. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Removes our rules, unbinds the queues, finishes queued bans and closes the sink. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (statsTimer != null) {
            statsTimer.shutdownNow();
        }
        if (installedPlan != null) {
            try {
                firewallManager.remove(installedPlan);
                log.info("firewall rules removed");
            } catch (FirewallException e) {
                log.error("removing firewall rules failed: {}; remove chains {} / {} by hand", e.getMessage(),
                    FirewallPlan.CHAIN, FirewallPlan.SAVE_CHAIN);
            }
        }
        for (QueueService queue : queues) {
            queue.close();
        }
        if (!queues.isEmpty()) {
            logStats();
        }
        if (banWorker != null) {
            banWorker.close();
        }
        sinks.forEach(BanSink::close);
        stopped.countDown();
    }
}
