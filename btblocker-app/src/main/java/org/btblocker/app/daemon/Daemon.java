package org.btblocker.app.daemon;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanSink;
import org.btblocker.app.bans.BanJournal;
import org.btblocker.app.bans.BanWorker;
import org.btblocker.app.bans.ConfiguredSinks;
import org.btblocker.app.bans.DetectionLog;
import org.btblocker.app.control.ControlCommands;
import org.btblocker.app.control.ControlServer;
import org.btblocker.app.errors.ExitCodes;
import org.btblocker.app.errors.UserException;
import org.btblocker.app.metrics.MetricsServer;
import org.btblocker.app.metrics.MetricsSettings;
import org.btblocker.engine.EndpointMemory;
import org.btblocker.netfilter.firewall.FirewallException;
import org.btblocker.netfilter.firewall.FirewallManager;
import org.btblocker.netfilter.firewall.FirewallPlan;
import org.btblocker.netfilter.firewall.RulesetWatch;
import org.btblocker.netfilter.nfqueue.QueueService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * {@code btblocker run}: the one place that wires the daemon together, and the owner of its long-lived state.
 *
 * <pre>
 *  Daemon (owns, creates, closes; SIGHUP → reload, SIGTERM → close)
 *   ├─ RuntimeSnapshot (immutable)   settings, engine setup, sink setups, firewall: swapped whole on reload
 *   ├─ EndpointMemory, BanJournal    long-lived: survive reloads (and the journal restarts and reboots)
 *   ├─ QueueSet                      queueNum.. : thread + engine + QueueRuntime each, supervised
 *   │     kernel ─NFQUEUE─► QueueService ─► QueueRuntime ─► Engine.inspect ─► verdict + mark
 *   │                                                          │ BLOCK decision
 *   ├─ BanWorker ◄────────────────────────────────────────────┘  policy → journal → SinkLane per sink
 *   ├─ firewall rules (FirewallManager)
 *   └─ supervisor thread             restarts queues, pings the watchdog, publishes DaemonStats every second
 * </pre>
 *
 * <p>Start order: every setting read and checked (nothing touched yet) → instance lock → prerequisite checks → ban
 * journal → ban worker → sinks opened (they create their sets) → queues bound → firewall rules installed → ready.
 * Any failure undoes what was done before it, so a failed start leaves no rule behind. Stop (SIGTERM/SIGINT) runs it
 * backwards: rules removed first (traffic flows unqueued), then queues unbound, bans delivered, sinks closed.
 */
public final class Daemon implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    private final Supplier<Config> configSource;
    private final ServiceNotifier notifier;
    private final InstantSource clock = InstantSource.system();
    private final Instant startedAt = clock.instant();
    private final ClassLoader loader;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /**
     * The manager that installed the rules also removes them: it knows what the firewall looked like before (kept in
     * the runtime directory, so a daemon started after a kill -9 knows it too).
     */
    private FirewallManager firewallManager;

    private RuntimeSnapshot.Published published;
    private InstanceLock lock;
    private EndpointMemory endpoints;
    private BanJournal journal;
    private BanWorker banWorker;
    private final Map<ConfiguredSinks.ConfiguredSink, BanSink> openSinks = new LinkedHashMap<>();
    private QueueSet queues;
    private FirewallPlan installedPlan;
    private ScheduledExecutorService supervisor;
    private MetricsServer metrics;
    private ControlServer control;
    private DetectionLog detectionLog;
    private volatile DaemonStats stats;
    private volatile Throwable fatal;
    private long reloadsOk;
    private long reloadsFailed;
    private Instant lastReload;
    private String lastReloadResult;
    private long nextStatsLogNanos;
    private long lastBypassed;
    private long nextFirewallCheckNanos;
    private long firewallRepairs;
    private RulesetWatch rulesetWatch;
    private long rulesetChangesChecked;
    private long rulesetChangesLastTick;
    private boolean closed;

    private Daemon(Supplier<Config> configSource, ServiceNotifier notifier, ClassLoader loader) {
        this.configSource = configSource;
        this.notifier = notifier;
        this.loader = loader;
    }

    /**
     * Starts the daemon, or fails with a one-line {@link UserException} having undone every step.
     *
     * @param configSource reads the configuration (again on every reload)
     * @param loader       where detectors and ban sinks are found (built in and plugins)
     */
    public static Daemon start(Supplier<Config> configSource, ClassLoader loader) {
        return start(configSource, loader, ServiceNotifier.fromEnvironment());
    }

    static Daemon start(Supplier<Config> configSource, ClassLoader loader, ServiceNotifier notifier) {
        Daemon daemon = new Daemon(configSource, notifier, loader);
        try {
            daemon.startSteps();
            return daemon;
        } catch (RuntimeException | Error e) {
            daemon.close();
            throw e;
        }
    }

    private void startSteps() {
        Config root = configSource.get();
        // The journal's worker is the sinks' feed; the snapshot is built with a stand-in feed first, because
        // building it touches nothing (the sinks are configured, not opened) and the worker needs its settings.
        RuntimeSnapshot snapshot = RuntimeSnapshot.build(1, root, loader, org.btblocker.api.ban.BanFeed.NONE);
        lock = InstanceLock.acquire(snapshot.runtimeDirectory());
        firewallManager = FirewallManager.system(snapshot.runtimeDirectory().resolve("netns-" + InstanceLock.netnsId()
                + ".firewall"));
        if (snapshot.manageFirewall()) {
            List<String> problems = FirewallManager.probe(snapshot.firewall());
            if (!problems.isEmpty()) {
                throw new UserException(ExitCodes.RUNTIME, problems.get(0) + (problems.size() > 1 ? " (and "
                        + (problems.size() - 1) + " more: " + String.join("; ", problems.subList(1, problems.size()))
                        + ")" : ""));
            }
        }
        FirewallManager.hostWarnings(snapshot.firewall()).forEach(w -> log.warn("{}", w));
        MetricsSettings metricsSettings = MetricsSettings.from(root.getConfig("btblocker"));
        if (metricsSettings.enabled()) {
            metrics = MetricsServer.start(metricsSettings, this::stats);   // a busy port fails before anything else
        }
        endpoints = EndpointMemory.from(root);
        journal = BanJournal.open(snapshot.stateDirectory(), clock);
        banWorker = BanWorker.create(root.getConfig("btblocker"), journal, clock).start();
        detectionLog = DetectionLog.open(root.getString("btblocker.detectionLog"));
        await(banWorker.useDetectionLog(detectionLog), "handing the detection log to the ban worker");
        snapshot = RuntimeSnapshot.build(1, root, loader, banWorker);
        published = new RuntimeSnapshot.Published(snapshot);

        Map<ConfiguredSinks.ConfiguredSink, BanSink> sinks = openSinks(snapshot.sinks(), Map.of());
        openSinks.putAll(sinks);
        await(banWorker.useSinks(byName(openSinks)), "handing the sinks to the ban worker");
        control = startControl(snapshot.runtimeDirectory());

        queues = QueueSet.bind(published, endpoints, banWorker, QueueService::start, supervision(root));

        if (snapshot.manageFirewall()) {
            FirewallPlan plan = FirewallPlan.of(snapshot.firewall());
            try {
                firewallManager.install(plan);
            } catch (FirewallException e) {
                throw new UserException(ExitCodes.RUNTIME, "installing firewall rules failed (nothing was left "
                        + "installed): " + e.getMessage(), e);
            }
            installedPlan = plan;
            rulesetWatch = RulesetWatch.start();
        }

        log.info("btblocker running: queues {} on interfaces {}, detectors {}, banSinks {}, banDuration {}, {} "
                + "bans restored from {}{}{}", queues.describe(), snapshot.firewall().interfaces(),
                snapshot.engine().detectorNames(), snapshot.sinks().names(), root.getString("btblocker.banDuration"),
                journal.active(clock.instant()).size(), journal.file(), snapshot.monitorOnly() ? ", monitorOnly" : "",
                snapshot.manageFirewall() ? ", firewall rules installed"
                        : ", firewall.manage = false (see: btblocker firewall print)");
        publishStats(snapshot);
        notifier.ready(statusLine());
        supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "btblocker-supervisor");
            t.setDaemon(true);
            return t;
        });
        nextStatsLogNanos = System.nanoTime() + snapshot.statsInterval().toNanos();
        nextFirewallCheckNanos = System.nanoTime() + snapshot.firewallCheckInterval().toNanos();
        supervisor.scheduleWithFixedDelay(this::supervise, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Reads and checks every setting {@code run} would use, touching nothing (for {@code check-config}).
     *
     * @return a one-line summary of what would run
     * @throws ConfigException naming the key of the first bad setting
     */
    public static String check(Config root, ClassLoader loader) {
        RuntimeSnapshot s = RuntimeSnapshot.build(1, root, loader, org.btblocker.api.ban.BanFeed.NONE);
        supervision(root);
        MetricsSettings metrics = MetricsSettings.from(root.getConfig("btblocker"));
        String detectionLog = root.getString("btblocker.detectionLog");
        return "detectors " + s.engine().detectorNames() + ", queueNum " + s.queue().queueNum()
                + (s.queueCount() > 1 ? " (" + s.queueCount() + " queues)" : "") + ", interfaces "
                + s.firewall().interfaces() + ", banSinks " + s.sinks().names() + ", banDuration "
                + root.getString("btblocker.banDuration") + (s.monitorOnly() ? ", monitorOnly" : "") + ", metrics "
                + (metrics.enabled() ? "on " + metrics.endpoint() : "off")
                + (detectionLog.isBlank() ? "" : ", detectionLog " + detectionLog);
    }

    private ControlServer startControl(java.nio.file.Path runtimeDirectory) {
        try {
            return ControlServer.start(runtimeDirectory, new ControlCommands(this::stats, banWorker, clock));
        } catch (java.io.IOException e) {
            throw new UserException(ExitCodes.RUNTIME, "btblocker.runtimeDirectory " + runtimeDirectory
                    + ": cannot make the control socket " + ControlServer.SOCKET + " (" + e.getMessage() + ")", e);
        }
    }

    private static QueueSet.Supervision supervision(Config root) {
        Config s = root.getConfig("btblocker.supervision");
        return new QueueSet.Supervision(s.getInt("maxRestarts"), s.getDuration("window"),
                s.getDuration("stallTimeout"));
    }

    /**
     * Opens the sinks of {@code wanted}, reusing those of {@code reuse} whose setup is equal; on a failure closes the
     * ones it opened (never the reused ones) and throws one line.
     */
    private static Map<ConfiguredSinks.ConfiguredSink, BanSink> openSinks(ConfiguredSinks wanted,
            Map<ConfiguredSinks.ConfiguredSink, BanSink> reuse) {
        Map<ConfiguredSinks.ConfiguredSink, BanSink> opened = new LinkedHashMap<>();
        List<BanSink> fresh = new ArrayList<>();
        for (ConfiguredSinks.ConfiguredSink s : wanted.sinks()) {
            BanSink existing = reuse.get(s);
            if (existing != null) {
                opened.put(s, existing);
                continue;
            }
            try {
                BanSink sink = s.setup().open();
                fresh.add(sink);
                opened.put(s, sink);
                log.info("ban sink {} open: {}", s.name(), s.setup().describe());
            } catch (BanException | RuntimeException e) {
                fresh.forEach(BanSink::close);
                throw new UserException(ExitCodes.RUNTIME, "ban sink " + s.name() + ": " + e.getMessage(), e);
            }
        }
        return opened;
    }

    private static Map<String, BanSink> byName(Map<ConfiguredSinks.ConfiguredSink, BanSink> sinks) {
        Map<String, BanSink> m = new LinkedHashMap<>();
        sinks.forEach((k, v) -> m.put(k.name(), v));
        return m;
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f, String what) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out " + what, e);
        }
    }

    /**
     * Re-reads the configuration and applies it without losing flows, bans or endpoint memory (SIGHUP): a new
     * snapshot is built and checked first, new sinks are opened, then queues (when their numbers changed) and
     * firewall rules follow, and the snapshot is published to the queue threads. An invalid configuration, or a sink
     * that cannot open, changes nothing: one ERROR line, the running configuration stays in force.
     *
     * @return "ok" or the one-line reason the reload was refused
     */
    public synchronized String reload() {
        if (closed) {
            return "stopping";
        }
        notifier.reloading();
        lastReload = clock.instant();
        RuntimeSnapshot current = published.get();
        Map<ConfiguredSinks.ConfiguredSink, BanSink> sinks = Map.of();
        DetectionLog newLog = detectionLog;
        try {
            RuntimeSnapshot next = RuntimeSnapshot.build(current.generation() + 1, configSource.get(), loader,
                    banWorker);
            List<String> restartOnly = new ArrayList<>(next.engine().restartOnlyChanges(current.engine()));
            if (!next.stateDirectory().equals(current.stateDirectory())) {
                restartOnly.add("btblocker.stateDirectory");
            }
            if (!next.runtimeDirectory().equals(current.runtimeDirectory())) {
                restartOnly.add("btblocker.runtimeDirectory");
            }
            if (!MetricsSettings.from(next.root().getConfig("btblocker")).equals(
                    MetricsSettings.from(current.root().getConfig("btblocker")))) {
                restartOnly.add("btblocker.metrics");
            }
            String logPath = next.root().getString("btblocker.detectionLog");
            boolean logChanged = !logPath.equals(current.root().getString("btblocker.detectionLog"));
            if (logChanged && current.root().getString("btblocker.detectionLog").isBlank()) {
                restartOnly.add("btblocker.detectionLog (the flows' first bytes)");
            }
            newLog = logChanged ? DetectionLog.open(logPath) : detectionLog;
            sinks = openSinks(next.sinks(), openSinks);
            if (next.queuesDifferFrom(current)) {
                // the same numbers cannot be bound twice: old ones go first; meanwhile --queue-bypass lets packets pass
                queues.close();
                published.set(next);
                queues = QueueSet.bind(published, endpoints, banWorker, QueueService::start,
                        supervision(next.root()));
            }
            if (!next.firewall().equals(current.firewall()) || next.manageFirewall() != current.manageFirewall()) {
                applyFirewall(next);
            }
            published.set(next);
            await(banWorker.reconfigure(next.root().getConfig("btblocker")), "reconfiguring the ban worker");
            await(banWorker.useSinks(byName(sinks)), "handing the sinks to the ban worker");
            if (newLog != detectionLog) {
                await(banWorker.useDetectionLog(newLog), "handing the detection log to the ban worker");
                if (detectionLog != null) {
                    detectionLog.close();
                }
                detectionLog = newLog;
            }
            openSinks.clear();
            openSinks.putAll(sinks);
            reloadsOk++;
            lastReloadResult = "ok";
            log.info("configuration reloaded: detectors {}, banSinks {}, queues {}{}", next.engine().detectorNames(),
                    next.sinks().names(), queues.describe(), restartOnly.isEmpty() ? ""
                            : "; these take effect at the next restart: " + String.join(", ", restartOnly));
            publishStats(next);
        } catch (ConfigException | UserException | IllegalStateException | IllegalArgumentException e) {
            // sinks this reload opened and nobody took over
            List<BanSink> kept = new ArrayList<>(openSinks.values());
            sinks.values().stream().filter(v -> kept.stream().noneMatch(k -> k == v)).forEach(BanSink::close);
            if (newLog != null && newLog != detectionLog) {
                newLog.close();
            }
            reloadsFailed++;
            lastReloadResult = e.getMessage();
            log.error("reload refused, the running configuration stays in force: {}", e.getMessage());
        }
        notifier.ready(statusLine());
        return lastReloadResult;
    }

    private void applyFirewall(RuntimeSnapshot next) {
        try {
            if (next.manageFirewall()) {
                FirewallPlan plan = FirewallPlan.of(next.firewall());
                if (installedPlan == null) {
                    firewallManager.install(plan);
                } else if (!plan.print().equals(installedPlan.print())) {
                    firewallManager.replace(plan);      // one transaction per family: never a half-filled chain
                }                                       // unchanged: not touched
                installedPlan = plan;
            } else if (installedPlan != null) {
                firewallManager.remove(installedPlan);
                installedPlan = null;
            }
        } catch (FirewallException e) {
            throw new UserException(ExitCodes.RUNTIME, "changing the firewall rules failed: " + e.getMessage(), e);
        }
    }

    /** The supervisor's second: queues checked (restarted when dead), watchdog, stats published and logged. */
    private void supervise() {
        try {
            long now = System.nanoTime();
            boolean healthy;
            synchronized (this) {
                if (closed) {
                    return;
                }
                healthy = queues.check(now);
                RuntimeSnapshot s = published.get();
                if (now - nextFirewallCheckNanos >= 0 || rulesetSettled()) {
                    nextFirewallCheckNanos = now + s.firewallCheckInterval().toNanos();
                    repairFirewall();
                }
                if (now - nextStatsLogNanos >= 0) {
                    nextStatsLogNanos = now + s.statsInterval().toNanos();
                    sampleBypassed();
                    publishStats(s);
                    logStats();
                } else {
                    publishStats(s);
                }
            }
            if (healthy) {
                notifier.watchdog();
            }
        } catch (UserException e) {
            log.error("{}", e.getMessage());
            fatal = e;
            stopped.countDown();
        } catch (RuntimeException e) {
            log.error("supervisor: {}", e.toString(), e);
        }
    }

    /**
     * True once the rule set changed (an nf_tables notification) and then stayed quiet for a supervisor tick: an
     * operator's script of several commands is checked once, after its last command.
     */
    private boolean rulesetSettled() {
        if (rulesetWatch == null) {
            return false;
        }
        long c = rulesetWatch.changes();
        boolean settled = c != rulesetChangesChecked && c == rulesetChangesLastTick;
        rulesetChangesLastTick = c;
        if (settled) {
            rulesetChangesChecked = c;
        }
        return settled;
    }

    /**
     * Puts our rules back when they went under us (an operator's {@code nft flush ruleset} or {@code iptables -F}):
     * one WARN line naming what was missing, a reinstall, one count in {@link DaemonStats#firewallRepairs()}. A
     * reinstall that fails is logged and tried again at the next check.
     */
    private void repairFirewall() {
        FirewallPlan plan = installedPlan;
        if (plan == null) {
            return;
        }
        List<String> missing = firewallManager.missing(plan);
        if (missing.isEmpty()) {
            return;
        }
        log.warn("firewall rules changed under btblocker (missing: {}); installing them again",
                String.join(", ", missing.size() > 4 ? missing.subList(0, 4) : missing)
                        + (missing.size() > 4 ? " and " + (missing.size() - 4) + " more" : ""));
        try {
            firewallManager.install(plan);
            firewallRepairs++;
            log.info("firewall rules installed again ({} repair(s) so far)", firewallRepairs);
        } catch (FirewallException e) {
            log.error("installing the firewall rules again failed: {}; trying again at the next check",
                    e.getMessage());
        }
    }

    /** Reads how many packets our queue rules matched (one iptables call per stats interval, never per scrape). */
    private void sampleBypassed() {
        if (installedPlan == null) {
            lastBypassed = -1;
            return;
        }
        long matched = firewallManager.queuedByRules();
        long received = queues.receivedTotal();
        // With FAIL_OPEN the kernel lets packets of a full queue through without telling us: count them here.
        long bypassed = matched < 0 ? -1 : Math.max(0, matched - received);
        if (bypassed > lastBypassed && lastBypassed >= 0) {
            log.warn("{} packets bypassed the queue since the last report (queue full or btblocker too slow); {} in "
                    + "all: consider btblocker.queue.count or btblocker.queue.maxLength", bypassed - lastBypassed,
                    bypassed);
        }
        lastBypassed = bypassed;
    }

    private void publishStats(RuntimeSnapshot s) {
        if (banWorker == null || queues == null) {
            return;
        }
        stats = new DaemonStats(clock.instant(), startedAt, version(), queues.snapshot(),
                s.engine().detectorNames(), s.sinks().names(), banWorker.stats(),
                endpoints.snapshot(System.nanoTime()), reloadsOk, reloadsFailed, lastReload, lastReloadResult,
                firewallRepairs, lastBypassed);
        notifier.status(statusLine());
    }

    /** One summary line per queue and one for the bans, from the published snapshot. */
    private void logStats() {
        DaemonStats d = stats;
        for (DaemonStats.Queue q : d.queues()) {
            MDC.put("queue", String.valueOf(q.queueNum()));
            var e = q.engine();
            log.info("queue {}: {} packets ({} accepted, {} dropped), flows {} active / {} blocked / {} allowed, {} "
                    + "socket overruns, {} lost ids, detector errors {}, restarts {}, {} flows joined mid-stream, {} "
                    + "packets failed the source check", q.queueNum(),
                    q.queue().received(), q.queue().accepted(), q.queue().dropped(), e == null ? 0 : e.activeFlows(),
                    e == null ? 0 : e.flowsBlocked(), e == null ? 0 : e.flowsAllowed(), q.queue().overruns(),
                    q.queue().gaps(), e == null ? 0 : e.detectorErrors(), q.restarts(),
                    e == null ? 0 : e.midStreamFlows(), e == null ? 0 : e.unverifiedPackets());
            MDC.remove("queue");
        }
        BanWorker.Stats b = d.bans();
        log.info("bans: {} active, {} made, {} decisions dropped (ban queue full), endpoint memory {} proven / {} "
                + "corroborated / {} claimed; firewall repairs {}, packets bypassed the queue {}", b.active(),
                b.bans(), b.dropped(), d.endpoints().proven(), d.endpoints().corroborated(), d.endpoints().claimed(),
                d.firewallRepairs(), d.bypassedPackets());
    }

    private String statusLine() {
        DaemonStats d = stats;
        if (d == null) {
            return "starting";
        }
        long flows = 0;
        long packets = 0;
        for (DaemonStats.Queue q : d.queues()) {
            flows += q.engine() == null ? 0 : q.engine().activeFlows();
            packets += q.queue().received();
        }
        return "queues " + queues.describe() + ", " + packets + " packets, " + flows + " flows, " + d.bans().active()
                + " bans active, detectors " + String.join(",", d.detectors());
    }

    private static String version() {
        String v = Daemon.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    /** The latest published picture of the daemon (at most a second old). */
    public DaemonStats stats() {
        return stats;
    }

    /** The ban worker (the control socket's ban commands go through it). */
    public BanWorker bans() {
        return banWorker;
    }

    /** Packets the kernel let through our NFQUEUE rules without queueing them (full queue), -1 if unknown. */
    public long bypassedPackets() {
        return lastBypassed;
    }

    /**
     * Blocks until {@link #close()} has run or the daemon failed for good.
     *
     * @return null after a clean stop, else the failure that should end the process with status 1
     */
    public Throwable awaitStop() throws InterruptedException {
        stopped.await();
        return fatal;
    }

    /** Blocks until stopped, or for at most {@code timeout}. */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The failure that ended the daemon (a queue that kept failing), or null. */
    public Throwable failure() {
        return fatal;
    }

    /** Removes our rules, unbinds the queues, finishes queued bans and closes the sinks. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        notifier.stopping();
        if (supervisor != null) {
            supervisor.shutdownNow();
        }
        if (rulesetWatch != null) {
            rulesetWatch.close();
        }
        if (control != null) {
            control.close();
        }
        if (metrics != null) {
            metrics.close();
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
        if (queues != null) {
            queues.close();
            if (published != null) {
                publishStats(published.get());
                logStats();
            }
        }
        if (banWorker != null) {
            banWorker.close();
        } else {
            openSinks.values().forEach(BanSink::close);
        }
        if (detectionLog != null) {
            detectionLog.close();
        }
        if (journal != null) {
            journal.close();
        }
        if (lock != null) {
            lock.close();
        }
        stopped.countDown();
    }
}
