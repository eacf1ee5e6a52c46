package org.btblocker.detectors.bencode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;

/** Round trips against the reference encoder in {@link BencodeGen}; hostile input never throws. */
class BencodePropertyTest implements WithQuickTheories {

    private static final Limits ROOMY = new Limits(Limits.HARD_MAX_DEPTH, 1 << 20, 1 << 20, true);

    @Test
    void encodedValuesAreConsumedExactly() {
        qt().forAll(BencodeGen.encoded(5)).checkAssert(b -> {
            assertThat(Bencode.skipValue(ByteBuffer.wrap(b), 0, b.length, ROOMY)).isEqualTo(b.length);
            ByteBuffer e = BencodeGen.embedded(b);
            assertThat(Bencode.skipValue(e, 3, 3 + b.length, ROOMY)).isEqualTo(3 + b.length);
        });
    }

    @Test
    void decodingWithThePublicWalkHelpersGivesBackTheValue() {
        qt().forAll(BencodeGen.values(5)).checkAssert(v -> {
            byte[] b = BencodeGen.encode(v);
            ByteBuffer e = BencodeGen.embedded(b);
            Object back = decode(e, 3, 3 + b.length);
            assertThat(BencodeGen.encode(back)).isEqualTo(b);
        });
    }

    @Test
    void unsortedKeysPassOnlyWithoutTheSortingRequirement() {
        qt().forAll(BencodeGen.values(4)).checkAssert(v -> {
            byte[] sorted = BencodeGen.encode(v);
            byte[] reversed = BencodeGen.encodeReversedKeys(v);
            assertThat(Bencode.skipValue(ByteBuffer.wrap(reversed), 0, reversed.length, ROOMY.withSortedKeys(false)))
                .isEqualTo(reversed.length);
            if (!Arrays.equals(sorted, reversed)) {
                assertThat(Bencode.skipValue(ByteBuffer.wrap(reversed), 0, reversed.length, ROOMY)).isEqualTo(-1);
            }
        });
    }

    @Test
    void trailingBytesAreLeftAlone() {
        qt().forAll(BencodeGen.encoded(4), BencodeGen.randomBytes(20)).checkAssert((b, tail) -> {
            byte[] all = Arrays.copyOf(b, b.length + tail.length);
            System.arraycopy(tail, 0, all, b.length, tail.length);
            assertThat(Bencode.skipValue(ByteBuffer.wrap(all), 0, all.length, ROOMY)).isEqualTo(b.length);
        });
    }

    @Test
    void everyProperPrefixIsRefused() {
        // the parser reads a prefix exactly as it reads the whole value, so it runs out of bytes before the end
        qt().forAll(BencodeGen.truncated(BencodeGen.encoded(5)))
            .checkAssert(b -> assertThat(Bencode.skipValue(ByteBuffer.wrap(b), 0, b.length, ROOMY)).isEqualTo(-1));
    }

    @Test
    void mutatedInputNeverThrowsAndStaysInBounds() {
        qt().forAll(BencodeGen.mutated(BencodeGen.encoded(5))).checkAssert(b -> {
            assertInBounds(b, Limits.KRPC);
            assertInBounds(b, ROOMY);
        });
    }

    @Test
    void randomInputNeverThrowsAndStaysInBounds() {
        qt().forAll(BencodeGen.randomBytes(64)).checkAssert(b -> assertInBounds(b, Limits.KRPC));
        qt().forAll(BencodeGen.bencodeAlphabetBytes(64)).checkAssert(b -> {
            assertInBounds(b, Limits.KRPC);
            assertInBounds(b, new Limits(2, 3, 2, true));
        });
    }

    private static void assertInBounds(byte[] b, Limits limits) {
        ByteBuffer buf = BencodeGen.embedded(b);
        int end = 3 + b.length;
        int r = Bencode.skipValue(buf, 3, end, limits);
        assertThat(r).satisfiesAnyOf(x -> assertThat(x).isEqualTo(-1), x -> assertThat(x).isBetween(4, end));
        for (int off = 3; off <= end; off++) {
            assertThat(Bencode.findKey(buf, off, end, new byte[] {'a'}, limits)).isBetween(-1, end - 1);
            assertThat(Bencode.stringOffset(buf, off, end)).isBetween(-1, end);
            assertThat(Bencode.stringLength(buf, off, end)).isBetween(-1, end - off);
            Bencode.integerValue(buf, off, end);
            Bencode.typeAt(buf, off, end);
            Bencode.isEnd(buf, off, end);
        }
    }

    /** A reference decoder built only from the public in-place helpers. */
    private static Object decode(ByteBuffer b, int off, int end) {
        switch (Bencode.typeAt(b, off, end)) {
            case Bencode.INTEGER -> {
                long v = Bencode.integerValue(b, off, end);
                assertThat(v).isNotEqualTo(Bencode.INVALID_INTEGER);
                return v;
            }
            case Bencode.STRING -> {
                int o = Bencode.stringOffset(b, off, end);
                byte[] s = new byte[Bencode.stringLength(b, off, end)];
                b.get(o, s);
                return s;
            }
            case Bencode.LIST -> {
                List<Object> list = new ArrayList<>();
                int p = off + 1;
                while (!Bencode.isEnd(b, p, end)) {
                    list.add(decode(b, p, end));
                    p = Bencode.skipValue(b, p, end, ROOMY);
                    assertThat(p).isPositive();
                }
                return list;
            }
            case Bencode.DICTIONARY -> {
                Map<byte[], Object> map = new TreeMap<>(Arrays::compareUnsigned);
                int p = off + 1;
                while (!Bencode.isEnd(b, p, end)) {
                    byte[] key = (byte[]) decode(b, p, end);
                    int v = Bencode.skipValue(b, p, end, ROOMY);
                    assertThat(Bencode.findKey(b, off, end, key, ROOMY)).isEqualTo(v);
                    map.put(key, decode(b, v, end));
                    p = Bencode.skipValue(b, v, end, ROOMY);
                }
                return map;
            }
            default -> throw new AssertionError("no value at " + off);
        }
    }
}
