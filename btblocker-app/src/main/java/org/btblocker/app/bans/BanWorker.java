package org.btblocker.app.bans;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanRequest;
import org.btblocker.api.ban.BanSink;
import org.btblocker.api.packet.Addresses;
import org.btblocker.engine.Decision;
import org.btblocker.engine.DecisionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes BLOCK decisions from the queue threads through a bounded queue and, on its own thread, applies the
 * {@link BanPolicy}, bans through the {@link BanSink} and writes the decision's log line. Kernel set latency
 * never stalls a verdict: when the queue is full a decision is counted as dropped (its flow is still blocked).
 *
 * <p>Log line (the seed greps for {@code BLOCK}):
 * {@code BLOCK udp 10.0.0.2:6881 -> 10.0.0.3:51413 detector=dht reason="KRPC get_peers query" ban=10.0.0.2/18000s}
 */
public final class BanWorker implements DecisionListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("btblocker.decision");
    private static final Decision STOP = new Decision(0, 0, 0, 0, 0, 0, 0, false, null, "stop", null, false, false,
            0, 0);

    private final BanPolicy policy;
    private final List<BanSink> sinks;
    private final BanSettings settings;
    private final BlockingQueue<Decision> queue;
    private final Thread thread;
    private final AtomicLong bans = new AtomicLong();
    private final AtomicLong banFailures = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong decisions = new AtomicLong();

    BanWorker(BanSettings settings, List<BanSink> sinks, int capacity) {
        this.settings = settings;
        this.policy = new BanPolicy(settings);
        this.sinks = List.copyOf(sinks);
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, "btblocker-ban");
        this.thread.setDaemon(true);
    }

    /** A worker for the {@code btblocker} config block, banning through every one of {@code sinks}. */
    public static BanWorker create(com.typesafe.config.Config btblocker, List<BanSink> sinks) {
        return new BanWorker(BanSettings.from(btblocker), sinks, 4096);
    }

    /** Reads the ban settings of the {@code btblocker} block, throwing a ConfigException naming a bad key. */
    public static void checkSettings(com.typesafe.config.Config btblocker) {
        BanSettings.from(btblocker);
    }

    /** Starts the worker thread. */
    public BanWorker start() {
        thread.start();
        return this;
    }

    /** Called on a queue thread: never blocks. */
    @Override
    public void onDecision(Decision decision) {
        if (decision.blocked() && !queue.offer(decision)) {
            dropped.incrementAndGet();
        }
    }

    private void run() {
        try {
            while (true) {
                Decision d = queue.take();
                if (d == STOP) {
                    return;
                }
                handle(d);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Applies the policy to one decision and logs it; package-private for tests (runs on the caller). */
    void handle(Decision d) {
        decisions.incrementAndGet();
        BanPolicy.Plan plan = policy.plan(d);
        StringBuilder banned = new StringBuilder();
        for (InetAddress address : plan.addresses()) {
            try {
                for (BanSink sink : sinks) {
                    sink.ban(new BanRequest(address, settings.duration(), d.detector(), d.reason()));
                }
                bans.incrementAndGet();
                if (banned.length() > 0) {
                    banned.append(',');
                }
                // the same (compressed) form as the flow's addresses, so the line can be grepped by address
                banned.append(Addresses.formatAddress(Addresses.hi(address), Addresses.lo(address))).append('/')
                        .append(settings.duration().getSeconds())
                        .append('s');
            } catch (BanException | RuntimeException e) {
                banFailures.incrementAndGet();
                log.error("could not ban {}: {}", address.getHostAddress(), e.getMessage());
            }
        }
        String ban = plan.addresses().isEmpty() ? "none (" + plan.skipped() + ")" : banned.toString();
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

    /** Bans made. */
    public long bans() {
        return bans.get();
    }

    /** Bans the sink refused. */
    public long banFailures() {
        return banFailures.get();
    }

    /** Decisions dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Decisions handled. */
    public long decisions() {
        return decisions.get();
    }

    /** Handles what is queued, then stops the thread (within 5 s). */
    @Override
    public void close() {
        if (thread.isAlive()) {
            try {
                queue.put(STOP);
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
