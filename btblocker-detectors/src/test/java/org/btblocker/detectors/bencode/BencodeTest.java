package org.btblocker.detectors.bencode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Examples from BEP 3, section "bencoding", and the strictness rules around them. */
class BencodeTest {

    private static final Limits L = new Limits(8, 1000, 100, false);
    private static final Limits SORTED = L.withSortedKeys(true);

    private static ByteBuffer buf(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static int skip(String s, Limits limits) {
        return Bencode.skipValue(buf(s), 0, s.length(), limits);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "4:spam", "0:", "i3e", "i-3e", "i0e", "l4:spam4:eggse", "le", "d3:cow3:moo4:spam4:eggse",
        "d4:spaml1:a1:bee", "d9:publisher3:bob17:publisher-webpage15:www.example.com18:publisher.location4:homee",
        "de", "i9223372036854775807e", "i-9223372036854775807e", "d0:0:e"})
    void bep3ExamplesAreConsumedExactly(String s) {
        assertThat(skip(s, SORTED)).isEqualTo(s.length());
        assertThat(skip(s, L)).isEqualTo(s.length());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "i-0e", "i03e", "i-03e", "ie", "i-e", "i3", "i3.0e", "i+3e", "i9223372036854775808e",
        "i-9223372036854775808e", "04:spam", "00:", "5:spam", "4spam", ":", "-1:a", "l", "l4:spam", "d3:cowe",
        "di1e3:mooe", "dl1:ae1:be", "x", "", "e", "d3:cow3:moo", "11111111111:a"})
    void malformedValuesAreRefused(String s) {
        assertThat(skip(s, L)).isEqualTo(-1);
    }

    @Test
    void trailingBytesAreNotConsumed() {
        assertThat(skip("i3eXYZ", L)).isEqualTo(3);
        assertThat(skip("4:spam4:eggs", L)).isEqualTo(6);
    }

    @Test
    void unsortedAndDuplicateKeysAreRefusedOnlyWhenSortingIsRequired() {
        assertThat(skip("d4:spam4:eggs3:cow3:mooe", L)).isEqualTo(24);
        assertThat(skip("d4:spam4:eggs3:cow3:mooe", SORTED)).isEqualTo(-1);
        assertThat(skip("d3:cowi1e3:cowi2ee", L)).isEqualTo(18);
        assertThat(skip("d3:cowi1e3:cowi2ee", SORTED)).isEqualTo(-1);
        // a prefix sorts before the longer key; bytes compare unsigned (0xff after 'z')
        assertThat(skip("d1:ai1e2:aai2ee", SORTED)).isEqualTo(15);
        assertThat(skip("d1:zi1e1:\u00ffi2ee", SORTED)).isEqualTo(14);
        assertThat(skip("d1:\u00ffi2e1:zi1ee", SORTED)).isEqualTo(-1);
    }

    @Test
    void limitsBoundDepthStringLengthAndElements() {
        Limits two = new Limits(2, 4, 2, false);
        assertThat(skip("llee", two)).isEqualTo(4);
        assertThat(skip("llleee", two)).isEqualTo(-1);
        assertThat(skip("dld1:ai1eeee", two)).isEqualTo(-1);
        assertThat(skip("4:spam", two)).isEqualTo(6);
        assertThat(skip("5:spams", two)).isEqualTo(-1);
        assertThat(skip("li1ei2ee", two)).isEqualTo(8);
        assertThat(skip("li1ei2ei3ee", two)).isEqualTo(-1);
        assertThat(skip("d1:ai1e1:bi2ee", two)).isEqualTo(14);
        assertThat(skip("d1:ai1e1:bi2e1:ci3ee", two)).isEqualTo(-1);
    }

    @Test
    void limitsRejectOutOfRangeSettings() {
        assertThatThrownBy(() -> new Limits(0, 1, 1, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limits(Limits.HARD_MAX_DEPTH + 1, 1, 1, false))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limits(1, -1, 1, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limits(1, 1, -1, false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deepNestingIsRefusedWithoutStackOverflow() {
        String deep = "l".repeat(200_000) + "e".repeat(200_000);
        assertThat(skip(deep, new Limits(Limits.HARD_MAX_DEPTH, 10, 10, false))).isEqualTo(-1);
        String ok = "l".repeat(Limits.HARD_MAX_DEPTH) + "e".repeat(Limits.HARD_MAX_DEPTH);
        assertThat(skip(ok, new Limits(Limits.HARD_MAX_DEPTH, 10, 10, false))).isEqualTo(ok.length());
    }

    @Test
    void findKeyReturnsTheValueOffset() {
        String s = "d3:cow3:moo4:spam4:eggse";
        ByteBuffer b = buf(s);
        int v = Bencode.findKey(b, 0, s.length(), "spam".getBytes(StandardCharsets.US_ASCII), L);
        assertThat(v).isEqualTo(17);
        assertThat(Bencode.stringEquals(b, v, s.length(), "eggs".getBytes(StandardCharsets.US_ASCII))).isTrue();
        assertThat(Bencode.findKey(b, 0, s.length(), "cow".getBytes(StandardCharsets.US_ASCII), L)).isEqualTo(6);
        assertThat(Bencode.findKey(b, 0, s.length(), "co".getBytes(StandardCharsets.US_ASCII), L)).isEqualTo(-1);
        assertThat(Bencode.findKey(buf("l3:cowe"), 0, 7, "cow".getBytes(StandardCharsets.US_ASCII), L)).isEqualTo(-1);
        // a key as the last bytes, without its value
        assertThat(Bencode.findKey(buf("d3:cow"), 0, 6, "cow".getBytes(StandardCharsets.US_ASCII), L)).isEqualTo(-1);
    }

    @Test
    void scalarHelpers() {
        ByteBuffer b = buf("xx4:spami-42ei0e");
        assertThat(Bencode.typeAt(b, 2, 16)).isEqualTo(Bencode.STRING);
        assertThat(Bencode.stringLength(b, 2, 16)).isEqualTo(4);
        assertThat(Bencode.stringOffset(b, 2, 16)).isEqualTo(4);
        assertThat(Bencode.stringLength(b, 2, 7)).isEqualTo(-1);     // truncated content
        assertThat(Bencode.typeAt(b, 8, 16)).isEqualTo(Bencode.INTEGER);
        assertThat(Bencode.integerValue(b, 8, 16)).isEqualTo(-42);
        assertThat(Bencode.integerValue(b, 13, 16)).isEqualTo(0);
        assertThat(Bencode.integerValue(b, 8, 12)).isEqualTo(Bencode.INVALID_INTEGER);
        assertThat(Bencode.typeAt(buf("le"), 0, 2)).isEqualTo(Bencode.LIST);
        assertThat(Bencode.typeAt(buf("de"), 0, 2)).isEqualTo(Bencode.DICTIONARY);
        assertThat(Bencode.typeAt(buf("x"), 0, 1)).isEqualTo(-1);
        assertThat(Bencode.isEnd(buf("le"), 1, 2)).isTrue();
    }

    @Test
    void badOffsetsAreAnsweredNotThrown() {
        ByteBuffer b = buf("i1e");
        assertThat(Bencode.skipValue(b, -1, 3, L)).isEqualTo(-1);
        assertThat(Bencode.skipValue(b, 0, 4, L)).isEqualTo(-1);
        assertThat(Bencode.skipValue(b, 2, 1, L)).isEqualTo(-1);
        assertThat(Bencode.skipValue(null, 0, 0, L)).isEqualTo(-1);
        assertThat(Bencode.integerValue(b, 0, 99)).isEqualTo(Bencode.INVALID_INTEGER);
        assertThat(Bencode.stringOffset(b, 5, 3)).isEqualTo(-1);
        assertThat(Bencode.findKey(b, -3, 3, new byte[0], L)).isEqualTo(-1);
        assertThat(Bencode.typeAt(b, 3, 3)).isEqualTo(-1);
        assertThat(Bencode.isEnd(b, 3, 3)).isFalse();
    }
}
