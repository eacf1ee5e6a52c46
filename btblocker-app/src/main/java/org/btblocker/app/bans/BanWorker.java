package org.btblocker.app.bans;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.btblocker.api.ban.BanFeed;
import org.btblocker.api.ban.BanRequest;
import org.btblocker.api.ban.BanSink;
import org.btblocker.api.packet.Addresses;
import org.btblocker.app.json.Json;
import org.btblocker.engine.Decision;
import org.btblocker.engine.DecisionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.typesafe.config.Config;

/**
 * The one owner of the ban list. Every ban and unban, whoever asks for it, goes through its bounded queue and is
 * handled on its own thread, in order:
 * <pre>
 *  queue threads: BLOCK decisions ─┐
 *  a fleet feed (CrowdSec pull) ───┼─► queue ─► BanPolicy (detections) ─► BanJournal (durable) ─► SinkLane × sinks
 *  operator (control socket) ──────┘                                                        (own thread each)
 * </pre>
 * Kernel set latency or a remote API never stalls a verdict: {@link #onDecision} only offers to the queue, and a
 * full queue drops the decision and counts it (its flow is still blocked). Every second the journal is forced to
 * disk and the sinks' delivery marks are saved; every {@code ban.reconcileInterval} each sink is reconciled against
 * the journal (bans it lost are re-added with the time they have left).
 *
 * <p>Log line (the seed greps for {@code BLOCK}):
 * {@code BLOCK udp 10.0.0.2:6881 -> 10.0.0.3:51413 detector=dht reason="KRPC get_peers query" ban=10.0.0.2/18000s}
 */
public final class BanWorker implements DecisionListener, BanFeed, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("btblocker.decision");
    private static final Logger ops = LoggerFactory.getLogger(BanWorker.class);
    private static final int CAPACITY = 4096;
    private static final long TICK_MILLIS = 1000;
    /** The file the sinks' delivery marks are kept in, beside the journal. */
    static final String DELIVERED_FILE = "sinks.delivered";

    /** One unit of work for the worker thread. */
    private sealed interface Op {
    }

    private record Detected(Decision decision) implements Op {
    }

    private record Fleet(BanRequest request) implements Op {
    }

    private record FleetUnban(InetAddress address, String why) implements Op {
    }

    private record Task<T>(Function<BanWorker, T> work, CompletableFuture<T> result) implements Op {
        void run(BanWorker w) {
            try {
                result.complete(work.apply(w));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }
    }

    private record Stop() implements Op {
    }

    private final BlockingQueue<Op> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final BanJournal journal;
    private final InstantSource clock;
    private final SinkLane.Sleeper sleeper;
    private final Path deliveredFile;
    private final Thread thread;
    private final Map<String, Long> deliveredMarks;

    // owned by the worker thread
    private BanPolicy policy;
    private BanSettings settings;
    private final Map<String, SinkLane> lanes = new LinkedHashMap<>();
    private Instant nextReconcile;
    private Map<String, Long> savedMarks = Map.of();
    private DetectionLog detectionLog;

    private final AtomicLong decisions = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong bans = new AtomicLong();
    private final AtomicLong notBanned = new AtomicLong();
    private final AtomicLong fleetBans = new AtomicLong();
    private final AtomicLong fleetUnbans = new AtomicLong();
    private final AtomicLong operatorChanges = new AtomicLong();
    private volatile int activeBans;
    private volatile List<SinkLane> laneView = List.of();

    BanWorker(BanSettings settings, BanJournal journal, InstantSource clock, SinkLane.Sleeper sleeper,
              Path stateDirectory) {
        this.settings = settings;
        this.policy = new BanPolicy(settings);
        this.journal = journal;
        this.clock = clock;
        this.sleeper = sleeper;
        this.deliveredFile = stateDirectory.resolve(DELIVERED_FILE);
        this.deliveredMarks = readMarks(deliveredFile);
        this.savedMarks = Map.copyOf(deliveredMarks);
        this.nextReconcile = clock.instant().plus(settings.reconcileInterval());
        this.activeBans = journal.active(clock.instant()).size();
        this.thread = new Thread(this::run, "btblocker-ban");
        this.thread.setDaemon(true);
    }

    /**
     * A worker for the {@code btblocker} block over an open journal, with no sinks yet ({@link #useSinks}).
     *
     * @throws com.typesafe.config.ConfigException naming a bad {@code ban.*} key
     */
    public static BanWorker create(Config btblocker, BanJournal journal, InstantSource clock) {
        return new BanWorker(BanSettings.from(btblocker), journal, clock, SinkLane.realSleep(),
                Path.of(btblocker.getString("stateDirectory")));
    }

    /** Reads the ban settings of the {@code btblocker} block, throwing a ConfigException naming a bad key. */
    public static void checkSettings(Config btblocker) {
        BanSettings.from(btblocker);
    }

    /** Starts the worker thread. */
    public BanWorker start() {
        thread.start();
        return this;
    }

    /**
     * Makes {@code sinks} (by name) the sinks bans go to, on the worker thread: a lane whose sink is the same
     * instance is kept; new sinks get a lane and are reconciled against the journal at once (the bans of an earlier
     * run reach them with the time they have left); lanes of sinks no longer named are closed, with their sinks.
     */
    public CompletableFuture<Void> useSinks(Map<String, BanSink> sinks) {
        Map<String, BanSink> copy = new LinkedHashMap<>(sinks);
        return submit(w -> {
            w.replaceLanes(copy);
            return null;
        });
    }

    /** Takes new ban settings (a reload), on the worker thread; one-way evidence gathered so far is kept. */
    public CompletableFuture<Void> reconfigure(Config btblocker) {
        BanSettings next = BanSettings.from(btblocker);
        return submit(w -> {
            w.settings = next;
            w.policy = w.policy.withSettings(next);
            return null;
        });
    }

    private void replaceLanes(Map<String, BanSink> sinks) {
        List<BanJournal.Entry> active = journal.active(clock.instant());
        for (var it = lanes.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            if (sinks.get(e.getKey()) != e.getValue().sink()) {
                e.getValue().close();
                it.remove();
            }
        }
        for (Map.Entry<String, BanSink> s : sinks.entrySet()) {
            if (!lanes.containsKey(s.getKey())) {
                SinkLane lane = new SinkLane(s.getKey(), s.getValue(), clock, sleeper,
                        deliveredMarks.getOrDefault(s.getKey(), 0L)).start();
                lane.resync(active, true);
                lanes.put(s.getKey(), lane);
            }
        }
        laneView = List.copyOf(lanes.values());
    }

    /** Called on a queue thread: never blocks. */
    @Override
    public void onDecision(Decision decision) {
        if (decision.blocked() && !queue.offer(new Detected(decision))) {
            dropped.incrementAndGet();
        }
    }

    /** A fleet's ban (a {@link BanFeed} for sinks such as CrowdSec's pull); never blocks. */
    @Override
    public boolean ban(BanRequest request) {
        return queue.offer(new Fleet(request));
    }

    /** A fleet's unban; never blocks. */
    @Override
    public boolean unban(InetAddress address, String why) {
        return queue.offer(new FleetUnban(address, why));
    }

    /** Bans {@code address} by hand ({@code btblocker bans add}). */
    public CompletableFuture<BanJournal.Entry> add(InetAddress address, Duration duration, String reason) {
        return submit(w -> w.operatorBan(new BanRequest(address, duration == null ? w.settings.duration() : duration,
                "operator", reason, BanRequest.Origin.OPERATOR)));
    }

    /**
     * Bans many addresses by hand in one go ({@code btblocker bans import}); a null duration means
     * {@code banDuration}. Allowlisted addresses are skipped.
     *
     * @return how many were banned
     */
    public CompletableFuture<Integer> addAll(List<InetAddress> addresses, List<Duration> durations, String detector,
                                             String reason) {
        List<InetAddress> a = List.copyOf(addresses);
        List<Duration> d = new ArrayList<>(durations);
        return submit(w -> {
            int n = 0;
            for (int i = 0; i < a.size(); i++) {
                if (w.settings.allowlist().contains(a.get(i))) {
                    continue;
                }
                Duration duration = d.get(i) == null ? w.settings.duration() : d.get(i);
                BanRequest request = new BanRequest(a.get(i), duration, detector, reason, BanRequest.Origin.OPERATOR);
                BanJournal.Entry e = w.journal.ban(request);
                for (SinkLane lane : w.lanes.values()) {
                    lane.ban(e.seq(), request);
                }
                n++;
            }
            w.operatorChanges.addAndGet(n);
            w.activeBans = w.journal.active(w.clock.instant()).size();
            return n;
        });
    }

    /**
     * Makes {@code log} (null: none) the detection log every BLOCK decision is written to, on the worker thread.
     * The caller closes the one it replaces.
     */
    public CompletableFuture<Void> useDetectionLog(DetectionLog log) {
        return submit(w -> {
            w.detectionLog = log;
            return null;
        });
    }

    /** {@code banDuration} in force. */
    public CompletableFuture<Duration> banDuration() {
        return submit(w -> w.settings.duration());
    }

    /** Lifts a ban by hand ({@code btblocker bans del}); completes with false when it was not banned. */
    public CompletableFuture<Boolean> remove(InetAddress address) {
        return submit(w -> {
            boolean was = w.journal.unban(address, "operator");
            w.lanes.values().forEach(l -> l.unban(address));
            w.operatorChanges.incrementAndGet();
            w.activeBans = w.journal.active(w.clock.instant()).size();
            return was;
        });
    }

    /** The active bans, from the journal. */
    public CompletableFuture<List<BanJournal.Entry>> list() {
        return submit(w -> w.journal.active(w.clock.instant()));
    }

    private <T> CompletableFuture<T> submit(Function<BanWorker, T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            if (!queue.offer(new Task<>(work, result), 5, TimeUnit.SECONDS)) {
                result.completeExceptionally(new IllegalStateException("the ban queue is full; try again"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.completeExceptionally(e);
        }
        return result;
    }

    private void run() {
        try {
            while (true) {
                Op op = queue.poll(TICK_MILLIS, TimeUnit.MILLISECONDS);
                if (op instanceof Stop) {
                    return;
                }
                if (op != null) {
                    handle(op);
                }
                tick();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            tick();
        }
    }

    private long lastTick;

    /** The once-a-second work: journal to disk, delivery marks saved, reconcile when due. */
    private void tick() {
        long now = System.nanoTime();
        if (now - lastTick < TICK_MILLIS * 1_000_000L) {
            return;
        }
        lastTick = now;
        journal.sync();
        saveMarks();
        Instant wall = clock.instant();
        if (!wall.isBefore(nextReconcile)) {
            nextReconcile = wall.plus(settings.reconcileInterval());
            List<BanJournal.Entry> active = journal.active(wall);
            activeBans = active.size();
            lanes.values().forEach(l -> l.resync(active, false));
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void handle(Op op) {
        if (op instanceof Detected d) {
            handle(d.decision());
        } else if (op instanceof Fleet f) {
            fleet(f.request());
        } else if (op instanceof FleetUnban u) {
            if (journal.unban(u.address(), u.why())) {
                lanes.values().forEach(l -> l.unban(u.address()));
                fleetUnbans.incrementAndGet();
                activeBans = journal.active(clock.instant()).size();
            }
        } else if (op instanceof Task t) {
            t.run(this);
        }
    }

    private void fleet(BanRequest request) {
        if (settings.allowlist().contains(request.address()) || settings.monitorOnly()) {
            notBanned.incrementAndGet();
            return;
        }
        BanJournal.Entry existing = journal.get(request.address());
        if (existing != null && !existing.expires().isBefore(clock.instant().plus(request.duration()))) {
            return;                      // already banned at least as long: nothing to tell the sinks
        }
        record(request);
        fleetBans.incrementAndGet();
    }

    private BanJournal.Entry operatorBan(BanRequest request) {
        if (settings.allowlist().contains(request.address())) {
            throw new IllegalArgumentException(request.address().getHostAddress() + " is in btblocker.allowlist: "
                    + "it is never banned");
        }
        operatorChanges.incrementAndGet();
        return record(request);
    }

    private BanJournal.Entry record(BanRequest request) {
        BanJournal.Entry e = journal.ban(request);
        for (SinkLane lane : lanes.values()) {
            lane.ban(e.seq(), request);
        }
        activeBans = journal.active(clock.instant()).size();
        return e;
    }

    /** Applies the policy to one decision and logs it; package-private for tests (runs on the caller). */
    void handle(Decision d) {
        decisions.incrementAndGet();
        BanPolicy.Plan plan = policy.plan(d, clock.instant());
        StringBuilder banned = new StringBuilder();
        for (InetAddress address : plan.addresses()) {
            record(new BanRequest(address, settings.duration(), d.detector(), d.reason()));
            bans.incrementAndGet();
            if (banned.length() > 0) {
                banned.append(',');
            }
            // the same (compressed) form as the flow's addresses, so the line can be grepped by address
            banned.append(Addresses.formatAddress(Addresses.hi(address), Addresses.lo(address))).append('/')
                    .append(settings.duration().getSeconds()).append('s');
        }
        if (plan.addresses().isEmpty()) {
            notBanned.incrementAndGet();
        }
        String ban = plan.addresses().isEmpty() ? "none (" + plan.skipped() + ")" : banned.toString();
        if (detectionLog != null) {
            detectionLog.offer(d, settings.monitorOnly() ? "monitor" : "block", ban, clock.instant());
        }
        log.atInfo()
                .addKeyValue("action", settings.monitorOnly() ? "monitor" : "block")
                .addKeyValue("proto", d.protocolName())
                .addKeyValue("src", d.initiator())
                .addKeyValue("dst", d.responder())
                .addKeyValue("detector", d.detector())
                .addKeyValue("reason", d.reason())
                .addKeyValue("ban", ban)
                .log("BLOCK{} {} {} -> {} detector={} reason=\"{}\" ban={}",
                        settings.monitorOnly() ? " (monitorOnly: not dropped)" : "", d.protocolName(),
                        d.initiator(), d.responder(), d.detector(), d.reason(), ban);
    }

    private static Map<String, Long> readMarks(Path file) {
        Map<String, Long> marks = new LinkedHashMap<>();
        try {
            if (Files.exists(file)) {
                Map<String, Object> m = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8).strip());
                if (m != null) {
                    m.forEach((k, v) -> {
                        if (v instanceof Long n) {
                            marks.put(k, n);
                        }
                    });
                }
            }
        } catch (IOException e) {
            ops.warn("cannot read {} ({}); sinks that cannot list their bans get every active ban again", file,
                    e.getMessage());
        }
        return marks;
    }

    private void saveMarks() {
        Map<String, Long> now = new LinkedHashMap<>(deliveredMarks);
        for (SinkLane lane : lanes.values()) {
            now.put(lane.name(), lane.delivered());
        }
        if (now.equals(savedMarks)) {
            return;
        }
        try {
            Path tmp = deliveredFile.resolveSibling(DELIVERED_FILE + ".tmp");
            Files.writeString(tmp, Json.value(new StringBuilder(), now).append('\n'), StandardCharsets.UTF_8);
            Files.move(tmp, deliveredFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            savedMarks = now;
            deliveredMarks.putAll(now);
        } catch (IOException e) {
            ops.warn("cannot save {}: {}", deliveredFile, e.getMessage());
        }
    }

    /**
     * Counters of the ban worker and its sinks, for the stats snapshot; callable from any thread.
     */
    public Stats stats() {
        List<SinkStats> sinks = new ArrayList<>();
        for (SinkLane l : laneView) {
            sinks.add(new SinkStats(l.name(), l.added.get(), l.failed.get(), l.retries.get(), l.restored.get(),
                    l.unbans.get(), l.queued(), l.requests.get(), l.requestNanos.get(), l.lastError()));
        }
        return new Stats(decisions.get(), dropped.get(), bans.get(), notBanned.get(), fleetBans.get(),
                fleetUnbans.get(), operatorChanges.get(), activeBans, journal.expired(), queue.size(),
                List.copyOf(sinks));
    }

    /**
     * What the ban worker has done.
     *
     * @param decisions       BLOCK decisions handled
     * @param dropped         decisions dropped because the queue was full (their flows were still blocked)
     * @param bans            addresses banned for a detection
     * @param notBanned       decisions that banned nobody (anti-spoofing, allowlist, monitorOnly, ban.target)
     * @param fleetBans       bans applied from a fleet feed
     * @param fleetUnbans     fleet bans lifted
     * @param operatorChanges bans added or lifted by hand
     * @param active          bans running now (the journal's)
     * @param expired         bans that ran out since start
     * @param queued          work waiting in the worker's queue
     * @param sinks           per sink
     */
    public record Stats(long decisions, long dropped, long bans, long notBanned, long fleetBans, long fleetUnbans,
                        long operatorChanges, int active, long expired, int queued, List<SinkStats> sinks) {
    }

    /**
     * One sink's delivery counters.
     *
     * @param name         the sink
     * @param added        bans it accepted
     * @param failed       bans it refused for good
     * @param retries      retried deliveries (retryable failures)
     * @param restored     bans re-added because the sink had lost them (reboot, flush) or missed them
     * @param unbans       unbans it carried out
     * @param queued       bans waiting for it
     * @param requests     calls made to it
     * @param requestNanos time spent in those calls
     * @param lastError    the last failure, or null when the last call succeeded
     */
    public record SinkStats(String name, long added, long failed, long retries, long restored, long unbans,
                            int queued, long requests, long requestNanos, String lastError) {
    }

    /** Handles what is queued, stops the thread (within 5 s), then delivers what the lanes hold and closes them. */
    @Override
    public void close() {
        if (thread.isAlive()) {
            try {
                queue.put(new Stop());
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (SinkLane lane : lanes.values()) {
            lane.close(2000);
        }
        lastTick = 0;
        saveMarks();
        lanes.clear();
        laneView = List.of();
    }
}
