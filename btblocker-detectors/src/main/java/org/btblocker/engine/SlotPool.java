package org.btblocker.engine;

import java.util.Arrays;

/**
 * Detector state slots for the flows still under inspection: rows of {@code stride} longs, handed out when a flow
 * starts and given back when it is decided (allowed) or removed, so a decided flow costs no slot memory. Rows are
 * allocated in chunks that are never copied or given back (the pool only grows to the most flows ever inspected at
 * once), so nothing is allocated per packet once that working size is reached, and growth never has an old and a
 * new copy alive together. A free row holds the number of the next free row in its first slot.
 *
 * <p>Mutable; owned by one engine thread.
 */
final class SlotPool {

    static final int CHUNK_SHIFT = 12;
    static final int CHUNK_ROWS = 1 << CHUNK_SHIFT;
    static final int CHUNK_MASK = CHUNK_ROWS - 1;
    private static final int NONE = -1;

    /** Slots per row. */
    final int stride;
    /** Chunk {@code r >>> CHUNK_SHIFT} holds row r at {@code (r & CHUNK_MASK) * stride}. */
    long[][] chunks = new long[0][];
    private int rows;
    private int highWater;
    private int freeHead = NONE;
    private int inUse;

    SlotPool(int stride) {
        if (stride < 0) {
            throw new IllegalArgumentException("stride " + stride);
        }
        this.stride = stride;
    }

    /** A zeroed row; 0 (and no memory) when rows have no slots. */
    int allocate() {
        if (stride == 0) {
            return 0;
        }
        int r;
        if (freeHead != NONE) {
            r = freeHead;
            freeHead = (int) chunks[r >>> CHUNK_SHIFT][(r & CHUNK_MASK) * stride];
        } else {
            if (highWater == rows) {
                chunks = Arrays.copyOf(chunks, chunks.length + 1);
                chunks[chunks.length - 1] = new long[CHUNK_ROWS * stride];
                rows += CHUNK_ROWS;
            }
            r = highWater++;
        }
        int at = (r & CHUNK_MASK) * stride;
        Arrays.fill(chunks[r >>> CHUNK_SHIFT], at, at + stride, 0L);
        inUse++;
        return r;
    }

    /** Gives row {@code r} back. */
    void release(int r) {
        if (stride == 0) {
            return;
        }
        chunks[r >>> CHUNK_SHIFT][(r & CHUNK_MASK) * stride] = freeHead;
        freeHead = r;
        inUse--;
    }

    /** Forgets every row; keeps the chunks. */
    void clear() {
        highWater = 0;
        freeHead = NONE;
        inUse = 0;
    }

    /** Rows handed out and not given back. */
    int inUse() {
        return inUse;
    }

    /** Rows allocated (in chunks). */
    int rows() {
        return rows;
    }
}
