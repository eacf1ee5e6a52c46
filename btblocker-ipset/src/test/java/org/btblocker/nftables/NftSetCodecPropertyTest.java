package org.btblocker.nftables;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.btblocker.netlink.AttrCursor;
import org.btblocker.netlink.MessageCursor;
import org.btblocker.netlink.MessageWriter;
import org.btblocker.netlink.ScriptedKernel;
import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;
import org.quicktheories.core.Gen;

class NftSetCodecPropertyTest implements WithQuickTheories {

    private Gen<byte[]> addresses() {
        Gen<byte[]> v4 = integers().all().map(i -> ByteBuffer.allocate(4).putInt(i).array());
        Gen<byte[]> v6 = longs().all().zip(longs().all(), (a, b) -> ByteBuffer.allocate(16).putLong(a).putLong(b)
                .array());
        return v4.mix(v6);
    }

    @Test
    void anElementWrittenAsAnAnswerReadsBackItsTimeout() {
        qt().forAll(addresses(), longs().between(0, Long.MAX_VALUE)).checkAssert((addr, timeout) -> {
            MessageWriter w = new MessageWriter(256);
            NftSetCodec.newElement(w, 9, "btblocker", "banned", addr, timeout);
            MessageCursor m = new MessageCursor().reset(w.buffer());
            assertThat(m.next()).isTrue();
            assertThat(NftSetCodec.readExpiresMillis(m, new AttrCursor(), new AttrCursor(), new AttrCursor()))
                    .isEqualTo(timeout);
        });
    }

    @Test
    void mutatedAndTruncatedAnswersNeverThrow() {
        byte[] good = NftSetCodecTest.GET_ANSWER;
        qt().forAll(integers().between(0, good.length - 1), integers().between(0, 255),
                integers().between(0, good.length)).checkAssert((at, value, len) -> {
                    byte[] b = Arrays.copyOf(good, good.length);
                    b[at] = (byte) (int) value;
                    MessageCursor m = new MessageCursor().reset(ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()), 0,
                            len);
                    AttrCursor x = new AttrCursor();
                    AttrCursor y = new AttrCursor();
                    AttrCursor z = new AttrCursor();
                    while (m.next()) {
                        assertThat(NftSetCodec.readExpiresMillis(m, x, y, z)).isGreaterThanOrEqualTo(-1L);
                    }
                });
    }

    @Test
    void batchesAreWellFormedMessageSequences() {
        qt().forAll(addresses()).checkAssert(addr -> {
            MessageWriter w = new MessageWriter(1024);
            NftSetCodec.batchBegin(w, 1);
            NftSetCodec.newElement(w, 2, "t", "s", addr, 1000);
            NftSetCodec.deleteElement(w, 3, "t", "s", addr);
            NftSetCodec.batchEnd(w, 4);
            byte[] b = ScriptedKernel.bytes(w);
            MessageCursor m = new MessageCursor().reset(ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()), 0,
                    b.length);
            int n = 0;
            while (m.next()) {
                assertThat(m.seq()).isEqualTo(++n);
            }
            assertThat(n).isEqualTo(4);
            assertThat(m.hasError()).isFalse();
        });
    }
}
