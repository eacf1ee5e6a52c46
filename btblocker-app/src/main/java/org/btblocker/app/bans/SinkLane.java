package org.btblocker.app.bans;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.btblocker.api.ban.BanEntry;
import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanRequest;
import org.btblocker.api.ban.BanSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers bans to one sink on the sink's own thread, so a slow or unreachable sink (an HTTP API that is down) never
 * delays another sink, the ban worker or a verdict.
 *
 * <ul>
 *   <li><b>Batching:</b> bans queued together go out in one {@link BanSink#banAll} call (up to
 *   {@link #MAX_BATCH}).</li>
 *   <li><b>Retry:</b> a retryable failure ({@link BanException#isRetryable()}) is retried with exponential backoff
 *   (1 s doubling to 60 s) until it succeeds; nothing is lost meanwhile: the journal holds every ban, and a lane
 *   whose queue overflowed catches up from it ({@link #resync}). A permanent failure is counted and logged.</li>
 *   <li><b>Reconcile:</b> {@link #resync} re-adds the journal's active bans that the sink lost (an {@code ipset
 *   flush}, a reboot): by listing the sink when it can list, else by sending the bans newer than the last one
 *   delivered.</li>
 * </ul>
 * Counters are atomics read by the stats snapshot.
 */
final class SinkLane implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SinkLane.class);

    static final int MAX_BATCH = 256;
    static final int CAPACITY = 8192;
    private static final long FIRST_BACKOFF_MILLIS = 1000;
    private static final long MAX_BACKOFF_MILLIS = 60_000;

    /** What the lane does next. */
    private sealed interface Op {
    }

    private record Ban(long seq, BanRequest request) implements Op {
    }

    private record Unban(InetAddress address) implements Op {
    }

    private record Resync(List<BanJournal.Entry> active, boolean startup) implements Op {
    }

    private record Stop() implements Op {
    }

    private final String name;
    private final BanSink sink;
    private final InstantSource clock;
    private final Sleeper sleeper;
    private final BlockingQueue<Op> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Thread thread;
    private volatile boolean stopping;
    private volatile boolean overflowed;
    /** Highest journal sequence number delivered; bans above it are sent again by a resync of a sink that cannot list. */
    private volatile long delivered;

    final AtomicLong added = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong restored = new AtomicLong();
    final AtomicLong unbans = new AtomicLong();
    final AtomicLong requestNanos = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    private volatile String lastError;

    /** How the lane waits between retries; tests pass one that moves a clock instead of sleeping. */
    @FunctionalInterface
    interface Sleeper {
        /** @return false when interrupted (the lane stops) */
        boolean sleep(long millis);
    }

    SinkLane(String name, BanSink sink, InstantSource clock, Sleeper sleeper, long deliveredSeq) {
        this.name = name;
        this.sink = sink;
        this.clock = clock;
        this.sleeper = sleeper;
        this.delivered = deliveredSeq;
        this.thread = new Thread(this::run, "btblocker-sink-" + name);
        this.thread.setDaemon(true);
    }

    static Sleeper realSleep() {
        return millis -> {
            try {
                Thread.sleep(millis);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        };
    }

    SinkLane start() {
        thread.start();
        return this;
    }

    String name() {
        return name;
    }

    BanSink sink() {
        return sink;
    }

    /** Queues a ban; when the queue is full the lane resyncs from the journal later. Never blocks. */
    void ban(long seq, BanRequest request) {
        if (!queue.offer(new Ban(seq, request))) {
            overflowed = true;
        }
    }

    /** Queues an unban. */
    void unban(InetAddress address) {
        if (!queue.offer(new Unban(address))) {
            overflowed = true;
        }
    }

    /**
     * Queues a reconcile against the journal's {@code active} bans; at {@code startup} (and after an overflow) a sink
     * that cannot list gets every ban it has not acknowledged.
     */
    void resync(List<BanJournal.Entry> active, boolean startup) {
        boolean wasOverflowed = overflowed;
        overflowed = false;
        if (!queue.offer(new Resync(active, startup || wasOverflowed))) {
            overflowed = true;
        }
    }

    /** Bans waiting to be delivered. */
    int queued() {
        return queue.size();
    }

    /** The last delivered journal sequence number (persisted by the worker for sinks that cannot list). */
    long delivered() {
        return delivered;
    }

    /** The last failure's message, or null. */
    String lastError() {
        return lastError;
    }

    private void run() {
        List<Ban> batch = new ArrayList<>(MAX_BATCH);
        try {
            while (true) {
                Op op = queue.take();
                if (op instanceof Stop) {
                    return;
                }
                if (op instanceof Ban b) {
                    batch.add(b);
                    while (batch.size() < MAX_BATCH && queue.peek() instanceof Ban) {
                        batch.add((Ban) queue.poll());
                    }
                    deliver(batch);
                    batch.clear();
                } else if (op instanceof Unban u) {
                    unbanNow(u.address());
                } else if (op instanceof Resync r) {
                    reconcile(r.active(), r.startup());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends one batch, retrying retryable failures with backoff until it succeeds or the lane stops. */
    private void deliver(List<Ban> batch) {
        List<BanRequest> requests = new ArrayList<>(batch.size());
        for (Ban b : batch) {
            requests.add(b.request());
        }
        long backoff = FIRST_BACKOFF_MILLIS;
        while (true) {
            try {
                timed(() -> sink.banAll(requests));
                added.addAndGet(requests.size());
                delivered = Math.max(delivered, batch.get(batch.size() - 1).seq());
                if (lastError != null) {
                    log.info("ban sink {}: delivering again ({} bans)", name, requests.size());
                    lastError = null;
                }
                return;
            } catch (BanException | RuntimeException e) {
                boolean retry = e instanceof BanException be && be.isRetryable();
                note(e.getMessage(), retry);
                if (!retry) {
                    failed.addAndGet(requests.size());
                    return;
                }
                retries.incrementAndGet();
                if (stopping || !sleeper.sleep(backoff)) {
                    failed.addAndGet(requests.size());
                    return;
                }
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            }
        }
    }

    private void unbanNow(InetAddress address) {
        try {
            timed(() -> sink.unban(address));
            unbans.incrementAndGet();
        } catch (BanException | RuntimeException e) {
            note("unban " + address.getHostAddress() + ": " + e.getMessage(), false);
        }
    }

    private void reconcile(List<BanJournal.Entry> active, boolean startup) {
        Instant now = clock.instant();
        List<Ban> missing = new ArrayList<>();
        if (sink.canList()) {
            Set<InetAddress> present = new HashSet<>();
            try {
                for (BanEntry e : sink.list()) {
                    present.add(e.address());
                }
            } catch (BanException | RuntimeException e) {
                note("listing for a resync failed: " + e.getMessage(), false);
                return;
            }
            for (BanJournal.Entry e : active) {
                BanRequest r = e.request(now);
                if (r != null && !present.contains(e.address())) {
                    missing.add(new Ban(e.seq(), r));
                }
            }
        } else if (startup) {
            for (BanJournal.Entry e : active) {
                BanRequest r = e.request(now);
                if (r != null && e.seq() > delivered) {
                    missing.add(new Ban(e.seq(), r));
                }
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        log.info("ban sink {}: re-adding {} ban(s) it does not hold, with the time each has left", name,
                missing.size());
        for (int i = 0; i < missing.size(); i += MAX_BATCH) {
            List<Ban> part = missing.subList(i, Math.min(missing.size(), i + MAX_BATCH));
            long before = added.get();
            deliver(new ArrayList<>(part));
            restored.addAndGet(added.get() - before);
        }
    }

    @FunctionalInterface
    private interface SinkCall {
        void run() throws BanException;
    }

    private void timed(SinkCall call) throws BanException {
        long start = System.nanoTime();
        try {
            call.run();
        } finally {
            requestNanos.addAndGet(System.nanoTime() - start);
            requests.incrementAndGet();
        }
    }

    /** Logs a failure once per distinct message (a sink that is down does not flood the log). */
    private void note(String failure, boolean retrying) {
        // sinks name themselves in their messages ("crowdsec: ..."); the line says "ban sink crowdsec:" once
        String message = failure != null && failure.startsWith(name + ": ") ? failure.substring(name.length() + 2)
                : String.valueOf(failure);
        if (!message.equals(lastError)) {
            if (retrying) {
                log.warn("ban sink {}: {}; retrying with backoff, nothing is lost", name, message);
            } else {
                log.error("ban sink {}: {}", name, message);
            }
        }
        lastError = message;
    }

    /** Average time of one sink call, for the stats. */
    Duration averageRequest() {
        long n = requests.get();
        return n == 0 ? Duration.ZERO : Duration.ofNanos(requestNanos.get() / n);
    }

    /**
     * Delivers what is queued (up to {@code waitMillis}), then stops the thread and closes the sink. Bans still
     * queued are in the journal and reach the sink after the next start.
     */
    void close(long waitMillis) {
        stopping = true;
        queue.offer(new Stop());
        try {
            thread.join(waitMillis);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(TimeUnit.SECONDS.toMillis(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sink.close();
    }

    @Override
    public void close() {
        close(5000);
    }
}
