package org.btblocker.engine;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The flow table: dense rows over parallel primitive columns, found through an open-addressed index. No object per
 * flow, nothing allocated per packet once the table has its working size. Both directions of a flow share one row:
 * the key holds the two endpoints in a canonical order (A = the smaller of the two), and a flag says which of them
 * is the initiator.
 *
 * <p>A row keeps its number for the whole life of its flow, so removing a flow never moves another one: the row goes
 * on a free list and the next new flow overwrites it in place. The index ({@code int} row numbers, linear probing,
 * at most half full, backward-shift deletion without tombstones) is the only thing that shifts, one {@code int} per
 * moved entry.
 *
 * <p>Bounded: it holds exactly {@code maxFlows} flows. Rows grow by doubling up to that (or are allocated at once
 * when the initial size asks for it, as the daemon does, so that no doubling ever has the old and the new columns
 * alive together). When it is full, an insert evicts the least recently seen of a few consecutive rows chosen by
 * the new key's hash (sampled LRU; the rows' last-seen times lie in one or two cache lines), so a flood of new flows
 * costs the attacker only the eviction of other flows, never memory. The hash is keyed with a random seed so that
 * colliding keys cannot be precomputed.
 *
 * <p>Detector state lives in {@link SlotPool}s, one for TCP flows and one for the others, each row as wide as the
 * slots of the detectors that want that protocol; a flow gives its row back once it is allowed.
 *
 * <p>Columns are as narrow as their values: packet counts are {@code char} (they saturate at 65,535, far above
 * {@code maxPacketsPerFlow}), byte counts {@code int} (saturating). Mutable; owned by one engine thread.
 */
final class FlowTable {

    static final byte EMPTY = 0, INSPECTING = 1, ALLOWED = 2, BLOCKED = 3;

    /** {@link #flags} bits. */
    static final int INITIATOR_IS_A = 1, INITIATOR_SEEN = 1 << 1, RESPONDER_SEEN = 1 << 2, SYN_SEEN = 1 << 3,
            SYN_ACK_SEEN = 1 << 4, HANDSHAKE_ACK_SEEN = 1 << 5, INITIATOR_PAYLOAD = 1 << 6,
            RESPONDER_PAYLOAD = 1 << 7, MATCH_PROVES = 1 << 8, ENDPOINTS_PROVEN = 1 << 9,
            UNVERIFIED_SEEN = 1 << 10, MID_STREAM = 1 << 11, INITIATOR_SEQ_KNOWN = 1 << 12,
            RESPONDER_SEQ_KNOWN = 1 << 13, INSPECT_LONGER = 1 << 14;

    private static final int EVICTION_SAMPLE = 16;
    private static final int TCP = 6;
    private static final int NONE = -1;

    private final int maxRows;
    private final long seed;

    /** Rows allocated: flows the table holds before it grows (or, at {@code maxFlows}, evicts). */
    int capacity;
    int size;
    /** Rows below this have been used; rows from here on were never handed out since the last clear. */
    private int highWater;
    /** First row of the free list (linked through {@link #liveDetectors}), or {@link #NONE}. */
    private int freeHead = NONE;

    /** Row + 1 of the flow whose probe run covers the slot, 0 when empty; at most half full. */
    private int[] index;
    private int indexMask;

    long[] aHi, aLo, bHi, bLo;
    int[] ports;          // portA << 16 | portB
    byte[] protocol;
    byte[] state;
    short[] flags;
    char[] packets;        // [2 * i + direction], saturating
    char[] payloadPackets; // [2 * i + direction], saturating
    int[] bytes;           // [2 * i + direction], saturating
    // nanoseconds: a scan's clock jumps by years between captures, so no narrower time survives the differences
    long[] lastSeen;
    int[] liveDetectors;   // of a free row: the next free row
    int[] handshakeSeq;    // next TCP sequence number expected in the three-way handshake
    int[] nextSeq;         // [2 * i + direction]: next TCP sequence number of that direction's stream
    byte[] decidedBy;      // detector index + 1 for decided flows, 0 when none
    int[] slotRow;         // the flow's row in its protocol's slot pool, -1 once decided (allowed)
    SlotPool tcpSlots;
    SlotPool udpSlots;
    /** With {@link #openingBytes} > 0: the first payload bytes of each direction, [(2 * i + direction) * n ..]. */
    byte[] openings;
    byte[] openingLength;  // [2 * i + direction]
    final int openingBytes;

    FlowTable(int initialCapacity, int maxFlows, int tcpSlotsPerFlow, int udpSlotsPerFlow) {
        this(initialCapacity, maxFlows, tcpSlotsPerFlow, udpSlotsPerFlow, 0);
    }

    /** A table that also keeps the first {@code openingBytes} (at most 127) payload bytes of each direction. */
    FlowTable(int initialCapacity, int maxFlows, int tcpSlotsPerFlow, int udpSlotsPerFlow, int openingBytes) {
        if (openingBytes < 0 || openingBytes > Byte.MAX_VALUE) {
            throw new IllegalArgumentException("openingBytes must be 0..127: " + openingBytes);
        }
        this.openingBytes = openingBytes;
        if (maxFlows < 2) {
            throw new IllegalArgumentException("maxFlows must be >= 2: " + maxFlows);
        }
        this.maxRows = maxFlows;
        this.tcpSlots = new SlotPool(tcpSlotsPerFlow);
        this.udpSlots = new SlotPool(udpSlotsPerFlow);
        this.seed = new SecureRandom().nextLong();
        int rows = initialCapacity >= maxFlows / 2 ? maxFlows
                : Math.max(16, Integer.highestOneBit(Math.max(1, initialCapacity - 1)) << 1);
        allocate(Math.min(maxFlows, rows));
    }

    private void allocate(int rows) {
        capacity = rows;
        aHi = new long[rows];
        aLo = new long[rows];
        bHi = new long[rows];
        bLo = new long[rows];
        ports = new int[rows];
        protocol = new byte[rows];
        state = new byte[rows];
        flags = new short[rows];
        packets = new char[2 * rows];
        payloadPackets = new char[2 * rows];
        bytes = new int[2 * rows];
        lastSeen = new long[rows];
        liveDetectors = new int[rows];
        handshakeSeq = new int[rows];
        decidedBy = new byte[rows];
        nextSeq = new int[2 * rows];
        slotRow = new int[rows];
        openings = new byte[2 * openingBytes * rows];
        openingLength = new byte[openingBytes > 0 ? 2 * rows : 0];
        allocateIndex(rows);
    }

    /** An index of the next power of two at or above twice the rows: probe runs stay short. */
    private void allocateIndex(int rows) {
        int n = Integer.highestOneBit(Math.max(2, rows) - 1) << 2;
        index = new int[n];
        indexMask = n - 1;
    }

    /** The most flows the table holds before it evicts: {@code maxFlows}. */
    int maxEntries() {
        return maxRows;
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

    /** Row of the flow with this canonical key, or -1. */
    int find(int proto, long aH, long aL, long bH, long bL, int portPair, int hash) {
        int[] idx = index;
        int m = indexMask;
        for (int s = hash & m; ; s = (s + 1) & m) {
            int r = idx[s] - 1;
            if (r < 0) {
                return -1;
            }
            if (ports[r] == portPair && aLo[r] == aL && bLo[r] == bL && aHi[r] == aH
                    && bHi[r] == bH && protocol[r] == (byte) proto) {
                return r;
            }
        }
    }

    /** True when the next insert would have to evict a flow first. */
    boolean isFull() {
        return size >= maxRows;
    }

    /**
     * Inserts a new flow (the key must not be present, and the table must not be {@link #isFull() full}) and
     * returns its row, with every column zeroed and the state {@link #INSPECTING}.
     */
    int insert(int proto, long aH, long aL, long bH, long bL, int portPair, int hash) {
        if (size == capacity) {
            grow();
        }
        int r;
        if (freeHead != NONE) {
            r = freeHead;
            freeHead = liveDetectors[r];
            liveDetectors[r] = 0;
        } else {
            r = highWater++;
        }
        int s = hash & indexMask;
        while (index[s] != 0) {
            s = (s + 1) & indexMask;
        }
        index[s] = r + 1;
        aHi[r] = aH;
        aLo[r] = aL;
        bHi[r] = bH;
        bLo[r] = bL;
        ports[r] = portPair;
        protocol[r] = (byte) proto;
        state[r] = INSPECTING;
        slotRow[r] = pool(proto).allocate();
        size++;
        return r;
    }

    /**
     * The least recently seen of a few consecutive rows starting at a row picked by {@code hash} (sampled LRU), or
     * -1 when the table is empty.
     */
    int evictionCandidate(int hash) {
        int rows = highWater;
        if (size == 0 || rows == 0) {
            return -1;
        }
        int best = -1;
        int r = (int) (((hash & 0xffffffffL) * rows) >>> 32);
        for (int n = 0; n < EVICTION_SAMPLE; n++, r = r + 1 == rows ? 0 : r + 1) {
            if (state[r] != EMPTY && (best < 0 || lastSeen[r] - lastSeen[best] < 0)) {
                best = r;
            }
        }
        for (r = 0; best < 0 && r < rows; r++) { // the sample held only free rows
            if (state[r] != EMPTY) {
                best = r;
            }
        }
        return best;
    }

    /** Removes the flow in row {@code r}: its index entry goes (later ones of the run shift back), the row is free. */
    void remove(int r) {
        int[] idx = index;
        int m = indexMask;
        int hole = hashOf(r) & m;
        while (idx[hole] != r + 1) {
            hole = (hole + 1) & m;
        }
        for (int j = (hole + 1) & m; idx[j] != 0; j = (j + 1) & m) {
            int home = hashOf(idx[j] - 1) & m;
            // The entry at j may move into the hole unless its home lies cyclically in (hole, j].
            boolean homeBetween = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!homeBetween) {
                idx[hole] = idx[j];
                hole = j;
            }
        }
        idx[hole] = 0;
        releaseSlots(r);
        clear(r);
        liveDetectors[r] = freeHead;
        freeHead = r;
        size--;
    }

    /**
     * The hash of row r's key, computed again: the hash is not stored (4 bytes a flow), only removals and growth
     * need it, for the few index entries they move.
     */
    private int hashOf(int r) {
        return hash(protocol[r] & 0xff, aHi[r], aLo[r], bHi[r], bLo[r], ports[r]);
    }

    private void clear(int r) {
        state[r] = EMPTY;
        flags[r] = 0;
        packets[2 * r] = packets[2 * r + 1] = 0;
        payloadPackets[2 * r] = payloadPackets[2 * r + 1] = 0;
        bytes[2 * r] = bytes[2 * r + 1] = 0;
        liveDetectors[r] = 0;
        handshakeSeq[r] = 0;
        nextSeq[2 * r] = nextSeq[2 * r + 1] = 0;
        decidedBy[r] = 0;
        if (openingBytes > 0) {
            openingLength[2 * r] = openingLength[2 * r + 1] = 0;  // the bytes past a length are never read
        }
    }

    private SlotPool pool(int proto) {
        return proto == TCP ? tcpSlots : udpSlots;
    }

    /** Gives row r's detector slots back (the flow was allowed: no detector looks at it again). */
    void releaseSlots(int r) {
        int p = slotRow[r];
        if (p >= 0) {
            pool(protocol[r]).release(p);
            slotRow[r] = -1;
        }
    }

    /** The slot array that holds row r's detector slots, from {@link #slotOffset}; null once they were released. */
    long[] slotArray(int r) {
        int p = slotRow[r];
        SlotPool pool = pool(protocol[r]);
        return p < 0 || pool.stride == 0 ? null : pool.chunks[p >>> SlotPool.CHUNK_SHIFT];
    }

    /** Where row r's detector slots start in its {@link #slotArray}. */
    int slotOffset(int r) {
        int p = slotRow[r];
        return (p & SlotPool.CHUNK_MASK) * pool(protocol[r]).stride;
    }

    /** Slot n of row r (tests). */
    long slot(int r, int n) {
        return slotArray(r)[slotOffset(r) + n];
    }

    /** Sets slot n of row r (tests). */
    void setSlot(int r, int n, long value) {
        slotArray(r)[slotOffset(r) + n] = value;
    }

    /** Counts one packet of {@code payload} bytes in direction {@code d} (0 = from the initiator) of row r. */
    void count(int r, int d, int payload) {
        int k = 2 * r + d;
        char p = packets[k];
        if (p != Character.MAX_VALUE) {
            packets[k] = (char) (p + 1);
        }
        if (payload > 0) {
            char pp = payloadPackets[k];
            if (pp != Character.MAX_VALUE) {
                payloadPackets[k] = (char) (pp + 1);
            }
            int b = bytes[k] + payload;
            bytes[k] = b < 0 ? Integer.MAX_VALUE : b;
        }
    }

    /** Packets of row r in both directions. */
    int packetCount(int r) {
        return packets[2 * r] + packets[2 * r + 1];
    }

    /**
     * Gives every flow not yet allowed a fresh, zeroed row of detector slots in new pools (a reload changed the
     * detectors); keys, counters and decisions stay.
     */
    void reslot(int tcpSlotsPerFlow, int udpSlotsPerFlow) {
        tcpSlots = new SlotPool(tcpSlotsPerFlow);
        udpSlots = new SlotPool(udpSlotsPerFlow);
        for (int r = 0; r < highWater; r++) {
            slotRow[r] = state[r] == EMPTY || state[r] == ALLOWED ? -1 : pool(protocol[r]).allocate();
        }
    }

    /** Empties the table without giving back its memory. */
    void clearAll() {
        Arrays.fill(index, 0);
        Arrays.fill(state, EMPTY);
        Arrays.fill(flags, (short) 0);
        Arrays.fill(packets, (char) 0);
        Arrays.fill(payloadPackets, (char) 0);
        Arrays.fill(bytes, 0);
        Arrays.fill(liveDetectors, 0);
        Arrays.fill(handshakeSeq, 0);
        Arrays.fill(nextSeq, 0);
        Arrays.fill(decidedBy, (byte) 0);
        tcpSlots.clear();
        udpSlots.clear();
        Arrays.fill(openingLength, (byte) 0);
        size = 0;
        highWater = 0;
        freeHead = NONE;
    }

    /**
     * Doubles the rows (up to {@code maxFlows}): every column is copied once, rows keep their numbers, and the index
     * is rebuilt at its new size.
     */
    private void grow() {
        int rows = (int) Math.min(maxRows, 2L * capacity);
        capacity = rows;
        aHi = Arrays.copyOf(aHi, rows);
        aLo = Arrays.copyOf(aLo, rows);
        bHi = Arrays.copyOf(bHi, rows);
        bLo = Arrays.copyOf(bLo, rows);
        ports = Arrays.copyOf(ports, rows);
        protocol = Arrays.copyOf(protocol, rows);
        state = Arrays.copyOf(state, rows);
        flags = Arrays.copyOf(flags, rows);
        packets = Arrays.copyOf(packets, 2 * rows);
        payloadPackets = Arrays.copyOf(payloadPackets, 2 * rows);
        bytes = Arrays.copyOf(bytes, 2 * rows);
        lastSeen = Arrays.copyOf(lastSeen, rows);
        liveDetectors = Arrays.copyOf(liveDetectors, rows);
        handshakeSeq = Arrays.copyOf(handshakeSeq, rows);
        decidedBy = Arrays.copyOf(decidedBy, rows);
        nextSeq = Arrays.copyOf(nextSeq, 2 * rows);
        slotRow = Arrays.copyOf(slotRow, rows);
        openings = Arrays.copyOf(openings, 2 * openingBytes * rows);
        openingLength = Arrays.copyOf(openingLength, openingBytes > 0 ? 2 * rows : 0);
        allocateIndex(rows);
        int m = indexMask;
        for (int r = 0; r < highWater; r++) {
            if (state[r] != EMPTY) {
                int s = hashOf(r) & m;
                while (index[s] != 0) {
                    s = (s + 1) & m;
                }
                index[s] = r + 1;
            }
        }
    }
}
