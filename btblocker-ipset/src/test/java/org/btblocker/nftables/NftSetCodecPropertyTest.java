package org.btblocker.nftables;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.btblocker.api.ban.BanEntry;
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

    @Test
    void dumpAnswersRoundTrip() {
        qt().forAll(lists().of(addresses()).ofSizeBetween(0, 40), longs().between(0, Long.MAX_VALUE - 1000))
                .checkAssert((addrs, seed) -> {
                    List<Long> expirations = new ArrayList<>();
                    List<BanEntry> expected = new ArrayList<>();
                    for (int i = 0; i < addrs.size(); i++) {
                        long e = i % 3 == 2 ? -1 : Math.floorMod(seed + 7919L * i, Long.MAX_VALUE - 1000);
                        expirations.add(e);
                        expected.add(new BanEntry(inet(addrs.get(i)), Duration.ofMillis(Math.max(0, e))));
                    }
                    List<BanEntry> out = new ArrayList<>();
                    assertThat(NftSetCodecTest.read(NftSetCodecTest.dumpAnswer(3, "btblocker", "banned4", addrs,
                            expirations), out)).isEqualTo(addrs.size());
                    assertThat(out).isEqualTo(expected);
                });
    }

    @Test
    void mutatedAndTruncatedDumpAnswersNeverThrowAndAddAllOrNothing() {
        qt().forAll(lists().of(addresses()).ofSizeBetween(0, 40),
                lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(0, 6), integers().between(0, 100))
                .checkAssert((addrs, flips, cutPercent) -> {
                    List<Long> expirations = new ArrayList<>();
                    for (int i = 0; i < addrs.size(); i++) {
                        expirations.add(i % 2 == 0 ? -1L : i * 1000L);
                    }
                    byte[] b = NftSetCodecTest.dumpAnswer(3, "bt", "b4", addrs, expirations);
                    for (int f : flips) {
                        b[f % b.length] ^= (byte) (1 << (f >>> 24) % 8);
                    }
                    int len = b.length * cutPercent / 100;
                    MessageCursor m = new MessageCursor().reset(ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()),
                            0, len);
                    AttrCursor[] c = {new AttrCursor(), new AttrCursor(), new AttrCursor(), new AttrCursor()};
                    while (m.next()) {
                        List<BanEntry> out = new ArrayList<>();
                        int n = NftSetCodec.readElements(m, c[0], c[1], c[2], c[3], out);
                        assertThat(n).isBetween(-1, len / 16);    // an element takes at least 16 bytes
                        assertThat(out).hasSize(Math.max(n, 0));
                        assertThat(out).allSatisfy(e -> assertThat(e.remaining().isNegative()).isFalse());
                    }
                });
    }

    private static InetAddress inet(byte[] addr) {
        try {
            return InetAddress.getByAddress(addr);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
