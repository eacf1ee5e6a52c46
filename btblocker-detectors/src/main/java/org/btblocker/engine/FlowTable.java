package org.btblocker.engine;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Open-addressed flow table over parallel primitive columns: no object per flow, nothing allocated per packet once
 * the table has grown to its working size. Both directions of a flow share one entry: the key holds the two
 * endpoints in a canonical order (A = the smaller of the two), and a flag says which of them is the initiator.
 *
 * <p>Bounded: the table grows by doubling up to {@code maxFlows} entries at a load factor of 1/2, then stays at
 * that size. When it is full, an insert evicts the least recently seen entry among a few near the new key's home
 * slot (sampled LRU), so a flood of new flows costs the attacker only the eviction of other flows, never memory.
 * The hash is keyed with a random seed so that colliding keys cannot be precomputed.
 *
 * <p>Linear probing with backward-shift deletion (no tombstones). Mutable; owned by one engine thread.
 */
final class FlowTable {

    static final byte EMPTY = 0, INSPECTING = 1, ALLOWED = 2, BLOCKED = 3;

    /** {@link #flags} bits. */
    static final int INITIATOR_IS_A = 1, INITIATOR_SEEN = 1 << 1, RESPONDER_SEEN = 1 << 2, SYN_SEEN = 1 << 3,
            SYN_ACK_SEEN = 1 << 4, HANDSHAKE_ACK_SEEN = 1 << 5, INITIATOR_PAYLOAD = 1 << 6,
            RESPONDER_PAYLOAD = 1 << 7, MATCH_PROVES = 1 << 8, ENDPOINTS_PROVEN = 1 << 9,
            UNVERIFIED_SEEN = 1 << 10, MID_STREAM = 1 << 11, INITIATOR_SEQ_KNOWN = 1 << 12,
            RESPONDER_SEQ_KNOWN = 1 << 13;

    private static final int EVICTION_SAMPLE = 16;

    private final int maxCapacity;
    int slotsPerFlow;
    private final long seed;

    int capacity;
    int mask;
    int size;

    long[] aHi, aLo, bHi, bLo;
    int[] ports;          // portA << 16 | portB
    byte[] protocol;
    int[] hashes;
    byte[] state;
    int[] flags;
    int[] packets;        // [2 * i + direction]
    int[] payloadPackets; // [2 * i + direction]
    long[] bytes;         // [2 * i + direction]
    long[] lastSeen;
    int[] liveDetectors;
    int[] handshakeSeq;   // next TCP sequence number expected in the three-way handshake
    int[] nextSeq;        // [2 * i + direction]: next TCP sequence number of that direction's stream
    byte[] decidedBy;     // detector index + 1 for decided flows, 0 when none
    long[] slots;         // [slotsPerFlow * i + detector slot base + n]
    /** With {@link #openingBytes} > 0: the first payload bytes of each direction, [(2 * i + direction) * n ..]. */
    byte[] openings;
    byte[] openingLength; // [2 * i + direction]
    final int openingBytes;

    FlowTable(int initialCapacity, int maxFlows, int slotsPerFlow) {
        this(initialCapacity, maxFlows, slotsPerFlow, 0);
    }

    /** A table that also keeps the first {@code openingBytes} (at most 127) payload bytes of each direction. */
    FlowTable(int initialCapacity, int maxFlows, int slotsPerFlow, int openingBytes) {
        if (openingBytes < 0 || openingBytes > Byte.MAX_VALUE) {
            throw new IllegalArgumentException("openingBytes must be 0..127: " + openingBytes);
        }
        this.openingBytes = openingBytes;
        if (maxFlows < 2) {
            throw new IllegalArgumentException("maxFlows must be >= 2: " + maxFlows);
        }
        this.maxCapacity = Integer.highestOneBit(Math.max(4, maxFlows - 1)) << 1;
        this.slotsPerFlow = slotsPerFlow;
        this.seed = new SecureRandom().nextLong();
        allocate(Math.min(maxCapacity, Math.max(16, Integer.highestOneBit(Math.max(1, initialCapacity - 1)) << 1)));
    }

    /** An empty table of {@code newCapacity} entries with the settings and hash seed of {@code template}. */
    private FlowTable(FlowTable template, int newCapacity) {
        this.maxCapacity = template.maxCapacity;
        this.slotsPerFlow = template.slotsPerFlow;
        this.openingBytes = template.openingBytes;
        this.seed = template.seed;
        allocate(newCapacity);
    }

    private void allocate(int newCapacity) {
        capacity = newCapacity;
        mask = newCapacity - 1;
        aHi = new long[newCapacity];
        aLo = new long[newCapacity];
        bHi = new long[newCapacity];
        bLo = new long[newCapacity];
        ports = new int[newCapacity];
        protocol = new byte[newCapacity];
        hashes = new int[newCapacity];
        state = new byte[newCapacity];
        flags = new int[newCapacity];
        packets = new int[2 * newCapacity];
        payloadPackets = new int[2 * newCapacity];
        bytes = new long[2 * newCapacity];
        lastSeen = new long[newCapacity];
        liveDetectors = new int[newCapacity];
        handshakeSeq = new int[newCapacity];
        nextSeq = new int[2 * newCapacity];
        decidedBy = new byte[newCapacity];
        slots = new long[Math.max(1, slotsPerFlow * newCapacity)];
        openings = new byte[2 * openingBytes * newCapacity];
        openingLength = new byte[openingBytes > 0 ? 2 * newCapacity : 0];
    }

    /** The most entries the table holds before it evicts. */
    int maxEntries() {
        return maxCapacity / 4 * 3;
    }

    /** True when (hi1, lo1, port1) sorts before or equal to (hi2, lo2, port2), unsigned. */
    static boolean isCanonicalFirst(long hi1, long lo1, int port1, long hi2, long lo2, int port2) {
        if (hi1 != hi2) {
            return Long.compareUnsigned(hi1, hi2) < 0;
        }
        if (lo1 != lo2) {
            return Long.compareUnsigned(lo1, lo2) < 0;
        }
        return port1 <= port2;
    }

    int hash(int proto, long aH, long aL, long bH, long bL, int portPair) {
        long h = seed ^ proto;
        h = mix(h ^ aH);
        h = mix(h ^ aL);
        h = mix(h ^ bH);
        h = mix(h ^ bL);
        h = mix(h ^ portPair);
        return (int) (h ^ (h >>> 32));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** Index of the entry with this canonical key, or -1. */
    int find(int proto, long aH, long aL, long bH, long bL, int portPair, int hash) {
        int i = hash & mask;
        while (true) {
            if (state[i] == EMPTY) {
                return -1;
            }
            if (hashes[i] == hash && ports[i] == portPair && aLo[i] == aL && bLo[i] == bL && aHi[i] == aH
                    && bHi[i] == bH && protocol[i] == (byte) proto) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /** True when the next insert would have to evict an entry first. */
    boolean isFull() {
        return size >= maxEntries();
    }

    /**
     * Inserts a new entry (the key must not be present, and the table must not be {@link #isFull() full}) and
     * returns its index, with every column zeroed and the state {@link #INSPECTING}.
     */
    int insert(int proto, long aH, long aL, long bH, long bL, int portPair, int hash) {
        if (size + 1 > capacity / 2 && capacity < maxCapacity) {
            grow();
        }
        int i = hash & mask;
        while (state[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        aHi[i] = aH;
        aLo[i] = aL;
        bHi[i] = bH;
        bLo[i] = bL;
        ports[i] = portPair;
        protocol[i] = (byte) proto;
        hashes[i] = hash;
        state[i] = INSPECTING;
        size++;
        return i;
    }

    /** The least recently seen entry among a few at and after the home slot of {@code hash} (sampled LRU). */
    int evictionCandidate(int hash) {
        int best = -1;
        for (int n = 0, i = hash & mask; n < EVICTION_SAMPLE; n++, i = (i + 1) & mask) {
            if (state[i] != EMPTY && (best < 0 || lastSeen[i] - lastSeen[best] < 0)) {
                best = i;
            }
        }
        for (int i = 0; best < 0 && i < capacity; i++) { // the sample held only empty slots
            if (state[i] != EMPTY) {
                best = i;
            }
        }
        return best;
    }

    /** Removes entry {@code i}, shifting back later entries of its probe run (no tombstones). */
    void remove(int i) {
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (state[j] == EMPTY) {
                break;
            }
            int home = hashes[j] & mask;
            // Entry j may move into the hole unless its home lies cyclically in (hole, j].
            boolean homeBetween = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!homeBetween) {
                move(j, hole);
                hole = j;
            }
        }
        clear(hole);
        size--;
    }

    private void move(int from, int to) {
        copyEntry(this, from, to);
    }

    /** Copies every column of entry {@code from} of {@code src} into entry {@code to} of this table. */
    private void copyEntry(FlowTable src, int from, int to) {
        aHi[to] = src.aHi[from];
        aLo[to] = src.aLo[from];
        bHi[to] = src.bHi[from];
        bLo[to] = src.bLo[from];
        ports[to] = src.ports[from];
        protocol[to] = src.protocol[from];
        hashes[to] = src.hashes[from];
        state[to] = src.state[from];
        flags[to] = src.flags[from];
        packets[2 * to] = src.packets[2 * from];
        packets[2 * to + 1] = src.packets[2 * from + 1];
        payloadPackets[2 * to] = src.payloadPackets[2 * from];
        payloadPackets[2 * to + 1] = src.payloadPackets[2 * from + 1];
        bytes[2 * to] = src.bytes[2 * from];
        bytes[2 * to + 1] = src.bytes[2 * from + 1];
        lastSeen[to] = src.lastSeen[from];
        liveDetectors[to] = src.liveDetectors[from];
        handshakeSeq[to] = src.handshakeSeq[from];
        nextSeq[2 * to] = src.nextSeq[2 * from];
        nextSeq[2 * to + 1] = src.nextSeq[2 * from + 1];
        decidedBy[to] = src.decidedBy[from];
        System.arraycopy(src.slots, from * slotsPerFlow, slots, to * slotsPerFlow, slotsPerFlow);
        if (openingBytes > 0) {
            System.arraycopy(src.openings, 2 * from * openingBytes, openings, 2 * to * openingBytes,
                    2 * openingBytes);
            openingLength[2 * to] = src.openingLength[2 * from];
            openingLength[2 * to + 1] = src.openingLength[2 * from + 1];
        }
    }

    private void clear(int i) {
        state[i] = EMPTY;
        flags[i] = 0;
        packets[2 * i] = packets[2 * i + 1] = 0;
        payloadPackets[2 * i] = payloadPackets[2 * i + 1] = 0;
        bytes[2 * i] = bytes[2 * i + 1] = 0;
        liveDetectors[i] = 0;
        handshakeSeq[i] = 0;
        nextSeq[2 * i] = nextSeq[2 * i + 1] = 0;
        decidedBy[i] = 0;
        Arrays.fill(slots, i * slotsPerFlow, (i + 1) * slotsPerFlow, 0L);
        if (openingBytes > 0) {
            openingLength[2 * i] = openingLength[2 * i + 1] = 0;  // the bytes past a length are never read
        }
    }

    /**
     * Gives every entry a fresh, zeroed row of {@code newSlotsPerFlow} detector slots (a reload changed the
     * detectors); keys, counters and decisions stay.
     */
    void reslot(int newSlotsPerFlow) {
        slotsPerFlow = newSlotsPerFlow;
        slots = new long[Math.max(1, newSlotsPerFlow * capacity)];
    }

    /** Empties the table without giving back its memory. */
    void clearAll() {
        Arrays.fill(state, EMPTY);
        Arrays.fill(flags, 0);
        Arrays.fill(packets, 0);
        Arrays.fill(payloadPackets, 0);
        Arrays.fill(bytes, 0);
        Arrays.fill(liveDetectors, 0);
        Arrays.fill(handshakeSeq, 0);
        Arrays.fill(nextSeq, 0);
        Arrays.fill(decidedBy, (byte) 0);
        Arrays.fill(slots, 0L);
        Arrays.fill(openingLength, (byte) 0);
        size = 0;
    }

    /** Doubles the capacity: a bigger table with the same seed takes every entry, then lends us its columns. */
    private void grow() {
        FlowTable bigger = new FlowTable(this, capacity * 2);
        for (int from = 0; from < capacity; from++) {
            if (state[from] != EMPTY) {
                int to = hashes[from] & bigger.mask;
                while (bigger.state[to] != EMPTY) {
                    to = (to + 1) & bigger.mask;
                }
                bigger.copyEntry(this, from, to);
            }
        }
        capacity = bigger.capacity;
        mask = bigger.mask;
        aHi = bigger.aHi;
        aLo = bigger.aLo;
        bHi = bigger.bHi;
        bLo = bigger.bLo;
        ports = bigger.ports;
        protocol = bigger.protocol;
        hashes = bigger.hashes;
        state = bigger.state;
        flags = bigger.flags;
        packets = bigger.packets;
        payloadPackets = bigger.payloadPackets;
        bytes = bigger.bytes;
        lastSeen = bigger.lastSeen;
        liveDetectors = bigger.liveDetectors;
        handshakeSeq = bigger.handshakeSeq;
        nextSeq = bigger.nextSeq;
        decidedBy = bigger.decidedBy;
        slots = bigger.slots;
        openings = bigger.openings;
        openingLength = bigger.openingLength;
    }
}
