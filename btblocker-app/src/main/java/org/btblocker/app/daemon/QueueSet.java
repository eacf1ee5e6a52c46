package org.btblocker.app.daemon;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.btblocker.app.errors.ExitCodes;
import org.btblocker.app.errors.UserException;
import org.btblocker.engine.DecisionListener;
import org.btblocker.engine.EndpointMemory;
import org.btblocker.engine.Engine;
import org.btblocker.engine.EngineStats;
import org.btblocker.netfilter.nfqueue.LatencyHistogram;
import org.btblocker.netfilter.nfqueue.QueueBindException;
import org.btblocker.netfilter.nfqueue.QueueConfig;
import org.btblocker.netfilter.nfqueue.QueueService;
import org.btblocker.netfilter.nfqueue.QueueStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's queues, {@code queueNum ..} ({@code queue.count} for TCP, as many again for UDP with
 * {@code queue.separateUdp}): one thread, one engine and one
 * {@link QueueRuntime} each, all engines sharing the daemon's endpoint memory and ban worker.
 *
 * <p>Supervised ({@link #check}, called every second by the supervisor): a queue whose thread died (its socket
 * failed, the handler broke) is logged, counted and bound again with a fresh engine, so it never stays silently
 * unbound with {@code --queue-bypass} letting everything through; more than {@code supervision.maxRestarts}
 * failures of one queue within {@code supervision.window} make the daemon exit with status 1, so that systemd
 * ({@code Restart=on-failure}) starts a clean process. A thread that is alive but whose receive loop stopped
 * advancing for {@code supervision.stallTimeout} (stuck in a detector, say) cannot be stopped from Java: it is
 * reported, and the watchdog pings stop, so systemd's watchdog restarts the process.
 */
final class QueueSet implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueueSet.class);

    /** How a queue socket is opened; the default in production, a namespace switch in tests. */
    @FunctionalInterface
    interface Binder {
        QueueService bind(QueueConfig config, QueueRuntime runtime) throws QueueBindException;
    }

    /** One queue and its supervision state. */
    static final class Slot {
        final QueueConfig config;
        QueueService service;
        QueueRuntime runtime;
        int restarts;
        final Deque<Long> failures = new ArrayDeque<>();
        long lastLoops = -1;
        long loopsChangedAt;
        boolean stalled;
        QueueStats before = QueueStats.ZERO;
        /** Counters of this queue's earlier engines and bindings (null before the first restart). */
        EngineStats.Snapshot engineBefore;
        LatencyHistogram.Snapshot latencyBefore;

        Slot(QueueConfig config) {
            this.config = config;
        }

        /** Packets this queue received over all its bindings. */
        long receivedTotal() {
            QueueService s = service;
            return before.received() + (s == null ? 0 : s.stats().received());
        }
    }

    private final RuntimeSnapshot.Published published;
    private final EndpointMemory endpoints;
    private final DecisionListener listener;
    private final Binder binder;
    private final Supervision supervision;
    private final List<Slot> slots = new ArrayList<>();

    /**
     * The supervisor's limits.
     *
     * @param maxRestarts  restarts of one queue tolerated within {@code window}
     * @param window       the window
     * @param stallTimeout how long a running loop may stand still before the queue counts as stuck
     */
    record Supervision(int maxRestarts, Duration window, Duration stallTimeout) {
    }

    private QueueSet(RuntimeSnapshot.Published published, EndpointMemory endpoints, DecisionListener listener,
                     Binder binder, Supervision supervision) {
        this.published = published;
        this.endpoints = endpoints;
        this.listener = listener;
        this.binder = binder;
        this.supervision = supervision;
    }

    /**
     * Binds every queue of the published snapshot; on a failure unbinds those bound and throws one line.
     *
     * @throws UserException exit 1, the kernel's reason (busy, no module, no capability)
     */
    static QueueSet bind(RuntimeSnapshot.Published published, EndpointMemory endpoints, DecisionListener listener,
                         Binder binder, Supervision supervision) {
        QueueSet set = new QueueSet(published, endpoints, listener, binder, supervision);
        RuntimeSnapshot s = published.get();
        try {
            for (int n = 0; n < s.queueCount(); n++) {
                Slot slot = new Slot(s.queue().withQueueNum(s.queue().queueNum() + n));
                set.start(slot);
                set.slots.add(slot);
            }
            return set;
        } catch (QueueBindException e) {
            set.close();
            throw new UserException(ExitCodes.RUNTIME, e.getMessage(), e);
        } catch (RuntimeException e) {
            set.close();
            throw e;
        }
    }

    private void start(Slot slot) throws QueueBindException {
        RuntimeSnapshot s = published.get();
        // every flow row allocated at once: a daemon's memory for flows is known at start and never doubles;
        // the detection log wants each decided flow's first bytes; without it the byte column is not allocated
        Engine engine = Engine.builder(s.root()).setup(s.engine()).endpoints(endpoints).listener(listener)
                .initialFlows(Integer.MAX_VALUE)
                .captureOpenings(!s.root().getString("btblocker.detectionLog").isBlank()).build();
        QueueRuntime runtime = new QueueRuntime(published, engine);
        slot.service = binder.bind(slot.config, runtime);
        slot.runtime = runtime;
        slot.lastLoops = -1;
        slot.stalled = false;
    }

    /**
     * Restarts dead queues and notices stuck ones.
     *
     * @return true when every queue is alive and advancing (the watchdog may be pinged)
     * @throws UserException exit 1 when a queue failed too often: the daemon must exit
     */
    boolean check(long nowNanos) {
        boolean healthy = true;
        for (Slot slot : slots) {
            QueueService s = slot.service;
            if (s == null || !s.isRunning()) {
                healthy = false;
                restart(slot, s, nowNanos);
                continue;
            }
            long loops = s.loops();
            if (loops != slot.lastLoops) {
                slot.lastLoops = loops;
                slot.loopsChangedAt = nowNanos;
                if (slot.stalled) {
                    log.warn("NFQUEUE queue {}: its thread is advancing again", slot.config.queueNum());
                    slot.stalled = false;
                }
            } else if (nowNanos - slot.loopsChangedAt > supervision.stallTimeout().toNanos()) {
                if (!slot.stalled) {
                    log.error("NFQUEUE queue {}: its thread has not advanced for {} s (stuck in a detector?); new "
                            + "packets wait for it and fail open only when the queue is full; watchdog pings stop so "
                            + "the service manager restarts btblocker", slot.config.queueNum(),
                            supervision.stallTimeout().toSeconds());
                    slot.stalled = true;
                }
                healthy = false;
            }
        }
        return healthy;
    }

    private void restart(Slot slot, QueueService dead, long nowNanos) {
        Throwable cause = dead == null ? null : dead.failure();
        if (dead != null) {
            slot.before = slot.before.plus(dead.stats());
            slot.latencyBefore = plus(slot.latencyBefore, dead.latency().snapshot());
            dead.close();
        }
        if (slot.runtime != null) {
            EngineStats.Snapshot last = slot.runtime.engine().stats().snapshot();
            slot.engineBefore = slot.engineBefore == null ? last : slot.engineBefore.plus(last);
            slot.runtime = null;
        }
        slot.failures.addLast(nowNanos);
        while (!slot.failures.isEmpty() && nowNanos - slot.failures.peekFirst() > supervision.window().toNanos()) {
            slot.failures.removeFirst();
        }
        String why = cause == null ? "its thread ended" : cause.getMessage();
        if (slot.failures.size() > supervision.maxRestarts()) {
            throw new UserException(ExitCodes.RUNTIME, "NFQUEUE queue " + slot.config.queueNum() + " failed "
                    + slot.failures.size() + " times within " + supervision.window().toSeconds() + " s (last: " + why
                    + "); exiting so that the service manager starts btblocker afresh");
        }
        log.error("NFQUEUE queue {} stopped ({}); binding it again ({} restart(s) so far)", slot.config.queueNum(),
                why, slot.restarts + 1);
        try {
            start(slot);
            slot.restarts++;
            log.info("NFQUEUE queue {} bound again", slot.config.queueNum());
        } catch (QueueBindException | RuntimeException e) {
            slot.service = null;
            log.error("NFQUEUE queue {}: binding it again failed: {}; trying again in a second",
                    slot.config.queueNum(), e.getMessage());
        }
    }

    /** The queues' picture for the stats snapshot. */
    List<DaemonStats.Queue> snapshot() {
        List<DaemonStats.Queue> out = new ArrayList<>();
        for (Slot slot : slots) {
            QueueService s = slot.service;
            QueueRuntime r = slot.runtime;
            QueueStats total = slot.before.plus(s == null ? QueueStats.ZERO : s.stats());
            EngineStats.Snapshot engine = r == null ? slot.engineBefore
                    : slot.engineBefore == null ? r.engine().stats().snapshot()
                    : slot.engineBefore.plus(r.engine().stats().snapshot());
            LatencyHistogram.Snapshot latency = s == null ? slot.latencyBefore
                    : plus(slot.latencyBefore, s.latency().snapshot());
            out.add(new DaemonStats.Queue(slot.config.queueNum(), s != null && s.isRunning() && !slot.stalled,
                    slot.restarts, total, engine, latency));
        }
        return out;
    }

    /** Bucket counts and sums added up (either may be null). */
    static LatencyHistogram.Snapshot plus(LatencyHistogram.Snapshot a, LatencyHistogram.Snapshot b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        long[] counts = a.counts().clone();
        for (int i = 0; i < counts.length && i < b.counts().length; i++) {
            counts[i] += b.counts()[i];
        }
        return new LatencyHistogram.Snapshot(counts, a.sumNanos() + b.sumNanos());
    }

    /** Packets received by every queue over all bindings. */
    long receivedTotal() {
        long n = 0;
        for (Slot slot : slots) {
            n += slot.receivedTotal();
        }
        return n;
    }

    /** The queue numbers, e.g. "0..1". */
    String describe() {
        if (slots.isEmpty()) {
            return "none";
        }
        int first = slots.get(0).config.queueNum();
        int last = slots.get(slots.size() - 1).config.queueNum();
        return first == last ? String.valueOf(first) : first + ".." + last;
    }

    /** Test access: the slots. */
    List<Slot> slots() {
        return slots;
    }

    /** Stops every queue thread and unbinds the queues. */
    @Override
    public void close() {
        for (Slot slot : slots) {
            if (slot.service != null) {
                slot.service.close();
            }
        }
    }
}
