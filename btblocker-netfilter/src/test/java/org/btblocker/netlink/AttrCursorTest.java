package org.btblocker.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Attribute walking over hand-written struct nlattr sequences (linux/netlink.h), little-endian host. */
class AttrCursorTest {

    private final AttrCursor a = new AttrCursor();

    @BeforeEach
    void littleEndianHost() {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "vectors are little-endian");
    }

    private static ByteBuffer buf(String hex) {
        return ByteBuffer.wrap(Hex.parse(hex));
    }

    @Test
    void walksValuesBigEndianAndMasksFlagBits() {
        ByteBuffer b = buf("0800 0340 01020304 | 0600 0280 0500 0100 | 0c00 0900 0102030405060708"
                + "| 0500 0100 fe000000");
        a.reset(b, 0, b.limit());
        assertThat(a.next()).isTrue();
        assertThat(a.type()).isEqualTo(3);
        assertThat(a.rawType()).isEqualTo(0x4003); // NLA_F_NET_BYTEORDER
        assertThat(a.isNested()).isFalse();
        assertThat(a.u32()).isEqualTo(0x01020304);
        assertThat(a.u16At(2)).isEqualTo(0x0304);
        assertThat(a.next()).isTrue();
        assertThat(a.type()).isEqualTo(2);
        assertThat(a.isNested()).isTrue();
        assertThat(a.valueOffset()).isEqualTo(12);
        assertThat(a.valueLength()).isEqualTo(2);
        assertThat(a.next()).isTrue();
        assertThat(a.u64()).isEqualTo(0x0102030405060708L);
        assertThat(a.next()).isTrue();
        assertThat(a.u8()).isEqualTo(0xfe);
        assertThat(a.next()).isFalse();
        assertThat(a.hasError()).isFalse();
    }

    @Test
    void nestedCursorWalksTheInnerValue() {
        ByteBuffer b = buf("1000 0180 0800 0100 0000002a 0400 0200 | 0800 0200 00000001");
        a.reset(b, 0, b.limit());
        AttrCursor inner = new AttrCursor();
        assertThat(a.next()).isTrue();
        assertThat(a.nested(inner)).isTrue();
        assertThat(inner.next()).isTrue();
        assertThat(inner.u32()).isEqualTo(42);
        assertThat(inner.next()).isTrue();
        assertThat(inner.valueLength()).isZero();
        assertThat(inner.next()).isFalse();
        assertThat(a.next()).isTrue();
        assertThat(a.u32()).isEqualTo(1);
        assertThat(a.seek(1)).isTrue();
        assertThat(a.isNested()).isTrue();
        assertThat(a.seek(7)).isFalse();
    }

    @Test
    void lastAttributeMayLackPadding() {
        ByteBuffer b = buf("0500 0100 07");
        a.reset(b, 0, b.limit());
        assertThat(a.next()).isTrue();
        assertThat(a.u8()).isEqualTo(7);
        assertThat(a.next()).isFalse();
        assertThat(a.hasError()).isFalse();
    }

    @Test
    void malformedLengthsAreStickyErrors() {
        for (String hex : new String[] {"0300 0100", "0900 0100 01020304", "0800 0100 01020304 00", "0000 0000"}) {
            ByteBuffer b = buf(hex);
            a.reset(b, 0, b.limit());
            while (a.next()) {
                assertThat(a.valueLength()).isGreaterThanOrEqualTo(0);
            }
            assertThat(a.hasError()).as(hex).isTrue();
            assertThat(a.next()).isFalse();
        }
    }

    @Test
    void readsPastTheValueReturnZeroAndSetTheError() {
        ByteBuffer b = buf("0600 0100 abcd 0000");
        a.reset(b, 0, b.limit());
        assertThat(a.next()).isTrue();
        assertThat(a.u16()).isEqualTo(0xabcd);
        assertThat(a.hasError()).isFalse();
        assertThat(a.u32()).isZero();
        assertThat(a.hasError()).isTrue();
        assertThat(a.next()).isFalse();
        a.rewind();
        assertThat(a.hasError()).isFalse();
        assertThat(a.next()).isTrue();
    }

    @Test
    void regionOutsideTheBufferIsAnError() {
        ByteBuffer b = buf("0800 0100 00000000");
        assertThat(a.reset(b, 4, 8).next()).isFalse();
        assertThat(a.hasError()).isTrue();
        assertThat(a.reset(b, -1, 2).hasError()).isTrue();
        assertThat(a.reset(b, 0, 0).next()).isFalse();
        assertThat(a.hasError()).isFalse();
        assertThat(a.u32()).isZero(); // no current attribute
        assertThat(a.string()).isEmpty();
    }

    @Test
    void stringStopsAtNul() {
        ByteBuffer b = buf("0a00 0100 6f6b00ff ff00 0000");
        a.reset(b, 0, b.limit());
        assertThat(a.next()).isTrue();
        assertThat(a.string()).isEqualTo("ok");
    }
}
