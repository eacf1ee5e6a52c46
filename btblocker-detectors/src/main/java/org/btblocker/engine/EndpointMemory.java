package org.btblocker.engine;

import java.security.SecureRandom;
import java.time.Duration;

import org.btblocker.api.ConfigChecks;
import org.btblocker.api.EndpointKnowledge;
import org.btblocker.api.packet.Addresses;

import com.typesafe.config.Config;

/**
 * Endpoints ({@code ip:port}) known to speak BitTorrent, so that later flows to them are recognised even when
 * encrypted or still without payload (like nDPI's BitTorrent cache), with how well each is known
 * ({@link EndpointKnowledge.Standing}):
 * <ul>
 *   <li><b>proven</b> by the engine: a two-way flow that a detector matched on the flow's own bytes;</li>
 *   <li><b>claimed</b> by what a BitTorrent message listed (tracker peers, DHT nodes and values, PEX), recording
 *   which source network made the claim (the sender's /24 for IPv4, /48 for IPv6);</li>
 *   <li><b>corroborated</b> when two different source networks claimed it, or when the claim came from a source
 *   that is itself proven (a tracker or DHT node seen answering in a two-way exchange). One unproven source never
 *   gets further, so a host that sends forged peer lists cannot make an endpoint block on its own.</li>
 * </ul>
 * What one source network may claim is bounded ({@code maxClaimsPerSource} per {@code claimWindow}); claims never
 * push out a proven entry.
 *
 * <p>Bounded: a 4-way set-associative table of fixed size; a new entry takes an empty or expired way, else the
 * weakest, soonest-to-expire one. Entries expire {@code ttl} after they were last confirmed. Hashes are seeded at
 * random so that an attacker cannot aim entries at one set.
 *
 * <p>One per daemon, shared by every queue's engine; it outlives reloads. Thread-safe: lookups (at flow start) are
 * optimistic reads that never block, claims and proofs take a write lock; nothing here runs per packet of a decided
 * flow. Time is passed with every call (each queue thread has its own clock reading).
 */
public final class EndpointMemory implements EndpointKnowledge {

    private static final int WAYS = 4;
    private static final byte PROVEN_FLAG = 1;
    private static final int BUDGET_SLOTS = 4096;

    private final long[] hi;
    private final long[] lo;
    private final int[] port;      // port + 1, so 0 means empty
    private final long[] expires;
    private final byte[] flags;
    private final int[] claimant1; // source network hash of the first claim, 0 = none
    private final int[] claimant2; // a second, different source network
    private final int setMask;
    private final long ttlNanos;
    private final int maxClaimsPerSource;
    private final long claimWindowNanos;
    private final long seed = new SecureRandom().nextLong();
    private final java.util.concurrent.locks.StampedLock lock = new java.util.concurrent.locks.StampedLock();

    // claim budgets, direct-mapped by source network hash
    private final int[] budgetSource = new int[BUDGET_SLOTS];
    private final long[] budgetWindowStart = new long[BUDGET_SLOTS];
    private final int[] budgetUsed = new int[BUDGET_SLOTS];

    private long proofs;
    private long claims;
    private long claimsRefused;

    /**
     * @param maxEntries         capacity (rounded down to a power of two, at least 4)
     * @param ttl                how long an entry lives after it was last confirmed
     * @param maxClaimsPerSource claims one source network may add per {@code claimWindow}
     * @param claimWindow        the window of that budget
     */
    public EndpointMemory(int maxEntries, Duration ttl, int maxClaimsPerSource, Duration claimWindow) {
        int sets = Integer.highestOneBit(Math.max(WAYS, maxEntries) / WAYS);
        this.hi = new long[sets * WAYS];
        this.lo = new long[sets * WAYS];
        this.port = new int[sets * WAYS];
        this.expires = new long[sets * WAYS];
        this.flags = new byte[sets * WAYS];
        this.claimant1 = new int[sets * WAYS];
        this.claimant2 = new int[sets * WAYS];
        this.setMask = sets - 1;
        this.ttlNanos = ttl.toNanos();
        this.maxClaimsPerSource = maxClaimsPerSource;
        this.claimWindowNanos = claimWindow.toNanos();
    }

    /**
     * The memory {@code btblocker.endpointMemory} describes.
     *
     * @throws com.typesafe.config.ConfigException naming the key of a bad value
     */
    public static EndpointMemory from(Config root) {
        Config c = root.getConfig("btblocker");
        int entries = ConfigChecks.intIn(c, "btblocker", "endpointMemory.maxEntries", 4, 1 << 24);
        Duration ttl = EngineSettings.positive(c, "endpointMemory.ttl");
        int perSource = ConfigChecks.intIn(c, "btblocker", "endpointMemory.maxClaimsPerSource", 1, 1 << 20);
        Duration window = EngineSettings.positive(c, "endpointMemory.claimWindow");
        return new EndpointMemory(entries, ttl, perSource, window);
    }

    private int setBase(long h, long l, int p) {
        long z = seed ^ h;
        z = (z ^ (z >>> 31)) * 0x9e3779b97f4a7c15L ^ l;
        z = (z ^ (z >>> 29)) * 0xbf58476d1ce4e5b9L ^ p;
        z ^= z >>> 32;
        return ((int) z & setMask) * WAYS;
    }

    /** A non-zero hash of the network a claim comes from: the /24 of an IPv4 sender, the /48 of an IPv6 one. */
    private int sourceNetwork(long srcHi, long srcLo) {
        boolean v4 = srcHi == 0 && (srcLo & 0xffff_ffff_0000_0000L) == Addresses.IPV4_MAPPED_PREFIX;
        long z = seed ^ (v4 ? srcLo & ~0xffL : srcHi & ~0xffffL) * 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 29)) * 0xbf58476d1ce4e5b9L;
        int h = (int) (z ^ (z >>> 32));
        return h == 0 ? 1 : h;
    }

    private int find(long h, long l, int p) {
        int base = setBase(h, l, p);
        for (int w = base; w < base + WAYS; w++) {
            if (port[w] == p + 1 && lo[w] == l && hi[w] == h) {
                return w;
            }
        }
        return -1;
    }

    private Standing standingOf(int w, long now) {
        if (w < 0 || expires[w] - now <= 0) {
            return Standing.UNKNOWN;
        }
        if ((flags[w] & PROVEN_FLAG) != 0) {
            return Standing.PROVEN;
        }
        return claimant2[w] != 0 ? Standing.CORROBORATED : Standing.CLAIMED;
    }

    /**
     * Lock-free in the common case: every new flow asks this on its first packet, from every queue thread, while
     * writes (claims, proofs) are rare. An optimistic read that a concurrent write invalidated is retried under the
     * lock.
     */
    @Override
    public Standing standing(long h, long l, int p, long nowNanos) {
        long stamp = lock.tryOptimisticRead();
        if (stamp != 0) {
            Standing s = standingOf(find(h, l, p), nowNanos);
            if (lock.validate(stamp)) {
                return s;
            }
        }
        stamp = lock.readLock();
        try {
            return standingOf(find(h, l, p), nowNanos);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** Records that {@code ip:port} was seen speaking BitTorrent in a two-way flow (the engine's proofs). */
    void prove(long h, long l, int p, long nowNanos) {
        if (p <= 0 || p > 65535) {
            return;
        }
        long stamp = lock.writeLock();
        try {
            proveLocked(h, l, p, nowNanos);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    private void proveLocked(long h, long l, int p, long nowNanos) {
        int w = find(h, l, p);
        if (w < 0) {
            w = victim(setBase(h, l, p), nowNanos, true);
            occupy(w, h, l, p);
        }
        flags[w] |= PROVEN_FLAG;
        expires[w] = nowNanos + ttlNanos;
        proofs++;
    }

    /**
     * Records a claim from the sender {@code src:srcPort} that listed {@code ip:port} as a BitTorrent endpoint. A
     * sender that is itself proven counts as two sources: what a tracker or DHT node we saw answering says is
     * corroborated at once.
     *
     * @return false when refused: bad port, the source network's budget is spent, or only proven entries could make
     *         room
     */
    boolean claim(long h, long l, int p, long srcHi, long srcLo, int srcPort, long nowNanos) {
        if (p <= 0 || p > 65535) {
            return false;
        }
        long stamp = lock.writeLock();
        try {
            return claimLocked(h, l, p, srcHi, srcLo, srcPort, nowNanos);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    private boolean claimLocked(long h, long l, int p, long srcHi, long srcLo, int srcPort, long nowNanos) {
        int source = sourceNetwork(srcHi, srcLo);
        boolean vouched = standingOf(find(srcHi, srcLo, srcPort), nowNanos) == Standing.PROVEN;
        int w = find(h, l, p);
        if (w >= 0 && expires[w] - nowNanos > 0) {
            if ((flags[w] & PROVEN_FLAG) != 0 || claimant1[w] == source || claimant2[w] == source) {
                return true;                       // nothing new: no budget spent, no expiry refreshed
            }
            if (!spend(source, nowNanos)) {
                return false;
            }
            if (claimant1[w] == 0) {
                claimant1[w] = source;
            } else if (claimant2[w] == 0) {
                claimant2[w] = source;
            }
            if (vouched && claimant2[w] == 0) {
                claimant2[w] = vouch(source);
            }
            expires[w] = nowNanos + ttlNanos;
            claims++;
            return true;
        }
        if (!spend(source, nowNanos)) {
            return false;
        }
        if (w < 0) {
            w = victim(setBase(h, l, p), nowNanos, false);
            if (w < 0) {
                claimsRefused++;
                return false;
            }
            occupy(w, h, l, p);
        } else {
            flags[w] = 0;                           // an expired entry starts over
            claimant2[w] = 0;
        }
        claimant1[w] = source;
        if (vouched) {
            claimant2[w] = vouch(source);
        }
        expires[w] = nowNanos + ttlNanos;
        claims++;
        return true;
    }

    /** The second claimant a proven source stands for: never equal to a real source network's hash. */
    private static int vouch(int source) {
        int v = ~source;
        return v == 0 ? 2 : v;
    }

    /** Takes one claim from the source network's budget for the current window; false when it is spent. */
    private boolean spend(int source, long now) {
        int slot = source & (BUDGET_SLOTS - 1);
        if (budgetSource[slot] != source || now - budgetWindowStart[slot] >= claimWindowNanos) {
            budgetSource[slot] = source;           // a colliding network takes the slot over: bounded memory
            budgetWindowStart[slot] = now;
            budgetUsed[slot] = 0;
        }
        if (budgetUsed[slot] >= maxClaimsPerSource) {
            claimsRefused++;
            return false;
        }
        budgetUsed[slot]++;
        return true;
    }

    /**
     * The way of set {@code base} to overwrite: an empty or expired one, else the weakest (claimed before
     * corroborated before proven), soonest to expire. A claim ({@code forProof} false) never takes a proven way:
     * -1 when all four are proven.
     */
    private int victim(int base, long now, boolean forProof) {
        int best = -1;
        for (int w = base; w < base + WAYS; w++) {
            if (port[w] == 0 || expires[w] - now <= 0) {
                return w;
            }
            Standing s = standingOf(w, now);
            if (!forProof && s == Standing.PROVEN) {
                continue;
            }
            if (best < 0) {
                best = w;
                continue;
            }
            int c = s.compareTo(standingOf(best, now));
            if (c < 0 || c == 0 && expires[w] - expires[best] < 0) {
                best = w;
            }
        }
        return best;
    }

    private void occupy(int w, long h, long l, int p) {
        hi[w] = h;
        lo[w] = l;
        port[w] = p + 1;
        flags[w] = 0;
        claimant1[w] = 0;
        claimant2[w] = 0;
    }

    /**
     * What the memory holds now, by standing, and what it has done (for metrics and {@code btblocker status}).
     * Walks the table: call it from a timer, not per packet.
     */
    public Snapshot snapshot(long nowNanos) {
        long stamp = lock.readLock();
        try {
            return snapshotLocked(nowNanos);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    private Snapshot snapshotLocked(long nowNanos) {
        int claimed = 0;
        int corroborated = 0;
        int proven = 0;
        for (int w = 0; w < port.length; w++) {
            if (port[w] != 0) {
                switch (standingOf(w, nowNanos)) {
                    case CLAIMED -> claimed++;
                    case CORROBORATED -> corroborated++;
                    case PROVEN -> proven++;
                    default -> { }
                }
            }
        }
        return new Snapshot(claimed, corroborated, proven, port.length, proofs, claims, claimsRefused);
    }

    /**
     * Counts from {@link #snapshot}.
     *
     * @param claimed        live entries claimed by one source
     * @param corroborated   live entries claimed by two or more source networks
     * @param proven         live entries proven by a flow
     * @param capacity       entries the table holds at most
     * @param proofs         proofs recorded since start
     * @param claims         claims accepted since start
     * @param claimsRefused  claims refused (a source over its budget, or no room beside proven entries)
     */
    public record Snapshot(int claimed, int corroborated, int proven, int capacity, long proofs, long claims,
                           long claimsRefused) {
        /** Live entries of any standing. */
        public int size() {
            return claimed + corroborated + proven;
        }
    }
}
