package org.btblocker.netfilter.nfqueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A fixed-bucket histogram of verdict latency (from reading a packet off the queue socket to sending its verdict),
 * written by the queue thread with plain arithmetic and opaque stores, read from any thread. One observation per
 * verdict message, so the cost is two clock reads per batch, not per packet.
 */
public final class LatencyHistogram {

    /** Upper bounds of the buckets, in seconds (the last bucket is everything above). */
    public static final double[] BOUNDS_SECONDS = {
        0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0,
    };
    private static final long[] BOUNDS_NANOS = new long[BOUNDS_SECONDS.length];
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        for (int i = 0; i < BOUNDS_SECONDS.length; i++) {
            BOUNDS_NANOS[i] = Math.round(BOUNDS_SECONDS[i] * 1e9);
        }
    }

    private final long[] counts = new long[BOUNDS_SECONDS.length + 1];
    private final long[] sum = new long[1];

    /** Records one latency (queue thread only). */
    void record(long nanos) {
        int b = 0;
        while (b < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[b]) {
            b++;
        }
        LONGS.setOpaque(counts, b, counts[b] + 1);
        LONGS.setOpaque(sum, 0, sum[0] + Math.max(0, nanos));
    }

    /** The counts now: {@code counts[i]} observations in bucket {@code i} (not cumulative), and their sum. */
    public Snapshot snapshot() {
        long[] c = new long[counts.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = (long) LONGS.getOpaque(counts, i);
        }
        return new Snapshot(c, (long) LONGS.getOpaque(sum, 0));
    }

    /**
     * Bucket counts at one moment.
     *
     * @param counts   observations per bucket, {@link #BOUNDS_SECONDS} order, the overflow bucket last
     * @param sumNanos the sum of all observations
     */
    public record Snapshot(long[] counts, long sumNanos) {
        /** Observations in all. */
        public long count() {
            long n = 0;
            for (long c : counts) {
                n += c;
            }
            return n;
        }
    }
}
