package org.btblocker.app.metrics;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.btblocker.app.bans.BanWorker;
import org.btblocker.app.daemon.DaemonStats;
import org.btblocker.engine.EndpointMemory;
import org.btblocker.engine.EngineStats;
import org.btblocker.netfilter.nfqueue.LatencyHistogram;
import org.btblocker.netfilter.nfqueue.QueueStats;

/** A DaemonStats with distinct, known numbers in every field, so a test can find each one in the exposition. */
public final class SampleStats {

    public static final Instant STARTED = Instant.parse("2026-12-02T06:00:00Z");
    public static final Instant TAKEN = Instant.parse("2026-12-02T07:00:00Z");

    private SampleStats() {
    }

    public static DaemonStats of(long scale) {
        long[] buckets = new long[LatencyHistogram.BOUNDS_SECONDS.length + 1];
        buckets[0] = 5 * scale;      // <= 10 us
        buckets[3] = 3 * scale;      // <= 100 us
        buckets[buckets.length - 1] = 1;   // > 1 s
        DaemonStats.Queue q0 = new DaemonStats.Queue(0, true, 2,
                new QueueStats(1000 * scale, 990 * scale, 10 * scale, 3, 4, 500 * scale, 1, 2, 5, 6),
                new EngineStats.Snapshot(900 * scale, 80, 7 * scale, 20, 2, 30, 1, 9, 11, 12, 13, 1, 14, 15, 42,
                        Map.of("handshake", 4 * scale, "dht", 3 * scale)),
                new LatencyHistogram.Snapshot(buckets, 2_500_000_000L));
        DaemonStats.Queue q1 = new DaemonStats.Queue(1, false, 0, QueueStats.ZERO, null, null);
        BanWorker.Stats bans = new BanWorker.Stats(15, 1, 6 * scale, 2, 3, 1, 4, 8, 5, 0, List.of(
                new BanWorker.SinkStats("ipset", 9 * scale, 1, 2, 3, 4, 0, 20, 40_000_000L, null),
                new BanWorker.SinkStats("crowdsec", 1, 5, 7, 0, 0, 3, 12, 3_000_000_000L, "connection refused")));
        return new DaemonStats(TAKEN, STARTED, "0.1.0-test", List.of(q0, q1),
                List.of("handshake", "tracker", "dht"), List.of("ipset", "crowdsec"), bans,
                new EndpointMemory.Snapshot(17, 6, 25, 65536, 31, 44, 2), 3, 1, TAKEN.minusSeconds(60),
                "btblocker.queueNum: expected an integer", 0, 77);
    }
}
