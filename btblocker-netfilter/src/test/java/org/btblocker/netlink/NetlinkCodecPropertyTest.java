package org.btblocker.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.btblocker.netlink.NetlinkGen.Node;
import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;

/** Writer → cursor round trips, and cursors that never throw and stay in bounds on hostile bytes. */
class NetlinkCodecPropertyTest implements WithQuickTheories {

    @Test
    void attributeTreesRoundTrip() {
        qt().forAll(NetlinkGen.trees()).checkAssert(tree -> {
            MessageWriter w = new MessageWriter(64 * 1024);
            w.begin(0x0302, Netlink.NLM_F_REQUEST, 42).nfgenmsg(Netlink.AF_INET, 0, 7);
            NetlinkGen.write(w, tree);
            ByteBuffer b = w.buffer();
            MessageCursor m = new MessageCursor().reset(b);
            assertThat(m.next()).isTrue();
            assertThat(m.length()).isEqualTo(b.limit());
            assertThat(m.seq()).isEqualTo(42);
            assertThat(m.nfResId()).isEqualTo(7);
            AttrCursor a = new AttrCursor();
            assertThat(m.nfAttributes(a)).isTrue();
            assertThat(read(a)).usingRecursiveComparison().isEqualTo(tree);
            assertThat(a.hasError()).isFalse();
            assertThat(m.next()).isFalse();
            assertThat(m.hasError()).isFalse();
        });
    }

    private static List<Node> read(AttrCursor a) {
        List<Node> out = new ArrayList<>();
        while (a.next()) {
            if (a.isNested()) {
                AttrCursor inner = new AttrCursor();
                a.nested(inner);
                out.add(new Node(a.type(), null, read(inner)));
                assertThat(inner.hasError()).isFalse();
            } else {
                byte[] v = new byte[a.valueLength()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (byte) a.u8At(i);
                }
                out.add(new Node(a.type(), v, null));
            }
        }
        return out;
    }

    @Test
    void numericValuesRoundTripBigEndian() {
        qt().forAll(integers().all(), longs().all(), integers().between(0, Netlink.NLA_TYPE_MASK))
                .checkAssert((i, l, type) -> {
                    MessageWriter w = new MessageWriter(128);
                    w.begin(1, 0, 0).attrU8(type, i).attrU16(type, i).attrU32(type, i).attrU64(type, l)
                            .attrU32Host(type, i);
                    ByteBuffer b = w.buffer();
                    AttrCursor a = new AttrCursor().reset(b, Netlink.NLMSG_HDRLEN, b.limit() - Netlink.NLMSG_HDRLEN);
                    assertThat(a.next() && a.u8() == (i & 0xff)).isTrue();
                    assertThat(a.next() && a.u16() == (i & 0xffff)).isTrue();
                    assertThat(a.next() && a.u32() == i).isTrue();
                    assertThat(a.next() && a.u64() == l).isTrue();
                    assertThat(a.next() && a.u32Host() == i).isTrue();
                    assertThat(a.type()).isEqualTo(type);
                    assertThat(a.next()).isFalse();
                    assertThat(a.hasError()).isFalse();
                });
    }

    @Test
    void generatedMessagesAreRecognised() {
        qt().forAll(NetlinkGen.validMessages()).checkAssert(bytes -> {
            int[] result = walk(bytes, false);
            assertThat(result[0]).isBetween(1, 3);
            assertThat(result[1]).isZero();
        });
    }

    @Test
    void hostileBytesNeverThrowAndStayInBounds() {
        qt().withExamples(2000).forAll(NetlinkGen.hostile()).checkAssert(bytes -> walk(bytes, true));
    }

    /** Walks everything the cursors offer; returns {messages, errors}. Asserts every offset is inside the bytes. */
    private static int[] walk(byte[] bytes, boolean readValues) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        MessageCursor m = new MessageCursor().reset(b);
        AttrCursor a = new AttrCursor();
        AttrCursor scratch = new AttrCursor();
        int messages = 0;
        int errors = 0;
        while (m.next()) {
            messages++;
            assertThat(m.offset()).isBetween(0, bytes.length - Netlink.NLMSG_HDRLEN);
            assertThat(m.offset() + m.length()).isLessThanOrEqualTo(bytes.length);
            m.errorCode();
            m.extackMessage(scratch);
            m.nfFamily();
            m.nfResId();
            m.nfAttributes(a);
            errors += walkAttrs(a, bytes.length, 0, readValues) ? 0 : 1;
        }
        return new int[] {messages, errors + (m.hasError() ? 1 : 0)};
    }

    private static boolean walkAttrs(AttrCursor a, int size, int depth, boolean readValues) {
        while (a.next()) {
            assertThat(a.valueOffset()).isBetween(0, size);
            assertThat(a.valueOffset() + a.valueLength()).isLessThanOrEqualTo(size);
            if (readValues) {
                a.u8();
                a.u16();
                a.u32At(a.valueLength() - 2);
                a.u64();
                a.u32Host();
                a.string();
            }
            if (depth < 4 && (readValues || a.isNested())) {
                AttrCursor inner = new AttrCursor();
                a.nested(inner);
                if (!walkAttrs(inner, size, depth + 1, readValues) && !readValues) {
                    return false;
                }
            }
        }
        return !a.hasError();
    }
}
