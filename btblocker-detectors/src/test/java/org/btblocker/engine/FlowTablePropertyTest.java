package org.btblocker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;
import org.quicktheories.core.Gen;

/** The flow table against a HashMap model: random inserts and removals over a small key space. */
class FlowTablePropertyTest implements WithQuickTheories {

    private Gen<List<Integer>> operations() {
        return lists().of(integers().between(-64, 63)).ofSizeBetween(1, 400);
    }

    @Test
    void behavesLikeAMapUnderInsertsAndRemovals() {
        qt().withExamples(300).forAll(operations()).checkAssert(ops -> {
            FlowTable table = new FlowTable(16, 256, 3, 2);
            Map<Integer, Long> model = new HashMap<>();
            for (int op : ops) {
                int key = Math.abs(op);
                int hash = table.hash(17, 0, key, 0, key * 7L, key);
                int found = table.find(17, 0, key, 0, key * 7L, key, hash);
                assertThat(found >= 0).isEqualTo(model.containsKey(key));
                if (found >= 0) {
                    assertThat(table.slot(found, 1)).isEqualTo(model.get(key));
                }
                if (op >= 0 && found < 0) {
                    int i = table.insert(17, 0, key, 0, key * 7L, key, hash);
                    assertThat(table.slot(i, 0)).isZero();
                    assertThat(table.slot(i, 1)).isZero();
                    table.setSlot(i, 1, key * 31L + 5);
                    model.put(key, key * 31L + 5);
                } else if (op < 0 && found >= 0) {
                    table.remove(found);
                    model.remove(key);
                }
                assertThat(table.size).isEqualTo(model.size());
            }
            for (Map.Entry<Integer, Long> e : model.entrySet()) {
                int key = e.getKey();
                int i = table.find(17, 0, key, 0, key * 7L, key, table.hash(17, 0, key, 0, key * 7L, key));
                assertThat(i).isNotNegative();
                assertThat(table.slot(i, 1)).isEqualTo(e.getValue());
            }
        });
    }

    @Test
    void holdsExactlyMaxFlowsThenEvictsByReusingTheVictimsRow() {
        qt().withExamples(100).forAll(integers().between(2, 300), integers().between(1, 200), integers().between(0, 64))
                .checkAssert((maxFlows, extra, initial) -> {
                    FlowTable table = new FlowTable(initial, maxFlows, 1, 1);
                    Map<Integer, Integer> rowOf = new HashMap<>();
                    int key = 0;
                    while (!table.isFull()) {
                        key++;
                        int i = insert(table, key, key);
                        assertThat(rowOf.containsValue(i)).as("row %s handed out twice", i).isFalse();
                        rowOf.put(key, i);
                    }
                    assertThat(table.size).isEqualTo(maxFlows).isEqualTo(table.maxEntries());
                    for (int n = 0; n < extra; n++) {
                        key++;
                        int hash = hashOf(table, key);
                        int victim = table.evictionCandidate(hash);
                        int victimKey = keyIn(table, victim);
                        table.remove(victim);
                        rowOf.remove(victimKey);
                        int i = table.insert(17, 0, key, 0, key * 7L, key, hash);
                        assertThat(i).as("the new flow overwrites the victim's row").isEqualTo(victim);
                        assertThat(table.slot(i, 0)).as("a reused row starts zeroed").isZero();
                        table.setSlot(i, 0, key);
                        rowOf.put(key, i);
                        assertThat(find(table, victimKey)).isNegative();
                    }
                    assertThat(table.size).isEqualTo(maxFlows);
                    for (Map.Entry<Integer, Integer> e : rowOf.entrySet()) {
                        assertThat(find(table, e.getKey())).isEqualTo(e.getValue());
                        assertThat(table.slot(e.getValue(), 0)).isEqualTo((long) e.getKey());
                    }
                });
    }

    @Test
    void evictionTakesTheLeastRecentlySeenOfItsSample() {
        FlowTable table = new FlowTable(64, 64, 1, 1);
        for (int key = 1; key <= 64; key++) {
            int i = insert(table, key, key);
            table.lastSeen[i] = 1_000 + key;
        }
        int stale = find(table, 40);
        table.lastSeen[stale] = 5; // older than any other row
        // whichever sample the hash picks, it never holds a row older than the stale one, and the stale one wins
        // whenever it is in the sample
        for (int h = 0; h < 1000; h++) {
            int hash = h * 0x9E3779B9;
            int victim = table.evictionCandidate(hash);
            int start = (int) (((hash & 0xffffffffL) * 64) >>> 32);
            boolean staleInSample = ((stale - start) & 63) < 16;
            assertThat(victim == stale).isEqualTo(staleInSample);
            long oldest = Long.MAX_VALUE;
            for (int n = 0; n < 16; n++) {
                oldest = Math.min(oldest, table.lastSeen[(start + n) & 63]);
            }
            assertThat(table.lastSeen[victim]).isEqualTo(oldest);
        }
    }

    private static int hashOf(FlowTable t, int key) {
        return t.hash(17, 0, key, 0, key * 7L, key);
    }

    private static int find(FlowTable t, int key) {
        return t.find(17, 0, key, 0, key * 7L, key, hashOf(t, key));
    }

    private static int insert(FlowTable t, int key, long slot) {
        int i = t.insert(17, 0, key, 0, key * 7L, key, hashOf(t, key));
        t.setSlot(i, 0, slot);
        return i;
    }

    private static int keyIn(FlowTable t, int row) {
        return (int) t.aLo[row];
    }

    @Test
    void canonicalOrderIsTheSameFromBothSides() {
        qt().forAll(longs().all(), longs().all(), integers().between(0, 65535), integers().between(0, 65535))
                .checkAssert((a, b, pa, pb) -> {
                    boolean ab = FlowTable.isCanonicalFirst(0, a, pa, 0, b, pb);
                    boolean ba = FlowTable.isCanonicalFirst(0, b, pb, 0, a, pa);
                    if (!a.equals(b) || !pa.equals(pb)) {
                        assertThat(ab).isNotEqualTo(ba);
                    }
                });
    }
}
