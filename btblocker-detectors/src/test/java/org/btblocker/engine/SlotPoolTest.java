package org.btblocker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Detector slot rows: handed out zeroed, given back, reused; the pool grows in chunks and never shrinks. */
class SlotPoolTest {

    private static long get(SlotPool p, int r, int n) {
        return p.chunks[r >>> SlotPool.CHUNK_SHIFT][(r & SlotPool.CHUNK_MASK) * p.stride + n];
    }

    private static void set(SlotPool p, int r, int n, long v) {
        p.chunks[r >>> SlotPool.CHUNK_SHIFT][(r & SlotPool.CHUNK_MASK) * p.stride + n] = v;
    }

    @Test
    void rowsComeZeroedAndAGivenBackRowIsReusedFirst() {
        SlotPool p = new SlotPool(3);
        int a = p.allocate();
        int b = p.allocate();
        assertThat(a).isNotEqualTo(b);
        for (int n = 0; n < 3; n++) {
            set(p, a, n, -1L);
            set(p, b, n, 7L);
        }
        p.release(a);
        assertThat(p.inUse()).isEqualTo(1);
        int c = p.allocate();
        assertThat(c).isEqualTo(a);
        for (int n = 0; n < 3; n++) {
            assertThat(get(p, c, n)).isZero();
            assertThat(get(p, b, n)).isEqualTo(7L); // the neighbour is untouched
        }
    }

    @Test
    void growsByWholeChunksOnlyToTheMostRowsInUseAtOnce() {
        SlotPool p = new SlotPool(2);
        Set<Integer> rows = new HashSet<>();
        for (int i = 0; i < SlotPool.CHUNK_ROWS + 1; i++) {
            assertThat(rows.add(p.allocate())).isTrue();
        }
        assertThat(p.rows()).isEqualTo(2 * SlotPool.CHUNK_ROWS);
        for (int r : rows) {
            p.release(r);
        }
        for (int round = 0; round < 3; round++) { // churn within the working size allocates no chunk
            for (int i = 0; i < SlotPool.CHUNK_ROWS; i++) {
                p.release(p.allocate());
            }
        }
        assertThat(p.rows()).isEqualTo(2 * SlotPool.CHUNK_ROWS);
        assertThat(p.inUse()).isZero();
        p.clear();
        assertThat(p.allocate()).isZero();
        assertThat(p.rows()).isEqualTo(2 * SlotPool.CHUNK_ROWS);
    }

    @Test
    void rowsWithoutSlotsCostNothing() {
        SlotPool p = new SlotPool(0);
        assertThat(p.allocate()).isZero();
        p.release(0);
        assertThat(p.chunks).isEmpty();
    }
}
