package org.btblocker.engine;

import java.security.SecureRandom;

import org.btblocker.api.EndpointKnowledge;

/**
 * Endpoints ({@code ip:port}) proven to speak BitTorrent, so that later flows to or from them are recognised even
 * when encrypted (like nDPI's BitTorrent cache). Bounded: a 4-way set-associative table of fixed size, where a new
 * entry replaces an expired one or else the one closest to expiry; entries expire {@code ttlNanos} after they were
 * last confirmed. The hash is seeded at random so that an attacker cannot aim entries at one set.
 *
 * <p>Thread-safe (the daemon's queue threads share one); touched only at flow start and on detections, never per
 * packet of a decided flow, so a monitor is cheap enough.
 */
final class EndpointMemory implements EndpointKnowledge {

    private static final int WAYS = 4;

    private final long[] hi;
    private final long[] lo;
    private final int[] port;      // port + 1, so 0 means empty
    private final long[] expires;
    private final int setMask;
    private final long ttlNanos;
    private final long seed = new SecureRandom().nextLong();
    private long now;

    EndpointMemory(int maxEntries, long ttlNanos) {
        int sets = Integer.highestOneBit(Math.max(WAYS, maxEntries) / WAYS);
        this.hi = new long[sets * WAYS];
        this.lo = new long[sets * WAYS];
        this.port = new int[sets * WAYS];
        this.expires = new long[sets * WAYS];
        this.setMask = sets - 1;
        this.ttlNanos = ttlNanos;
    }

    /** Advances the clock used for expiry (the engine calls this before detectors run). */
    synchronized void setNow(long nowNanos) {
        this.now = nowNanos;
    }

    private int setBase(long h, long l, int p) {
        long z = seed ^ h;
        z = (z ^ (z >>> 31)) * 0x9e3779b97f4a7c15L ^ l;
        z = (z ^ (z >>> 29)) * 0xbf58476d1ce4e5b9L ^ p;
        z ^= z >>> 32;
        return ((int) z & setMask) * WAYS;
    }

    @Override
    public synchronized boolean isKnownPeer(long h, long l, int p) {
        int base = setBase(h, l, p);
        for (int w = base; w < base + WAYS; w++) {
            if (port[w] == p + 1 && lo[w] == l && hi[w] == h) {
                return expires[w] - now > 0;
            }
        }
        return false;
    }

    @Override
    public synchronized void rememberPeer(long h, long l, int p) {
        if (p <= 0 || p > 65535) {
            return;
        }
        int base = setBase(h, l, p);
        int victim = base;
        for (int w = base; w < base + WAYS; w++) {
            if (port[w] == p + 1 && lo[w] == l && hi[w] == h) {
                victim = w;
                break;
            }
            if (port[w] == 0 || expires[w] - expires[victim] < 0) {
                victim = w;
            }
        }
        hi[victim] = h;
        lo[victim] = l;
        port[victim] = p + 1;
        expires[victim] = now + ttlNanos;
    }

    /** Number of live entries (for metrics and tests; walks the table). */
    synchronized int size() {
        int n = 0;
        for (int w = 0; w < port.length; w++) {
            if (port[w] != 0 && expires[w] - now > 0) {
                n++;
            }
        }
        return n;
    }

    /** Capacity in entries. */
    int capacity() {
        return port.length;
    }
}
