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
            FlowTable table = new FlowTable(16, 256, 2);
            Map<Integer, Long> model = new HashMap<>();
            for (int op : ops) {
                int key = Math.abs(op);
                int hash = table.hash(17, 0, key, 0, key * 7L, key);
                int found = table.find(17, 0, key, 0, key * 7L, key, hash);
                assertThat(found >= 0).isEqualTo(model.containsKey(key));
                if (found >= 0) {
                    assertThat(table.slots[found * 2 + 1]).isEqualTo(model.get(key));
                }
                if (op >= 0 && found < 0) {
                    int i = table.insert(17, 0, key, 0, key * 7L, key, hash);
                    assertThat(table.slots[i * 2]).isZero();
                    table.slots[i * 2 + 1] = key * 31L + 5;
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
                assertThat(table.slots[i * 2 + 1]).isEqualTo(e.getValue());
            }
        });
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
