package org.btblocker.ipset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.arbitrary;

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
import org.btblocker.netlink.Netlink;
import org.btblocker.netlink.ScriptedKernel;
import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;
import org.quicktheories.core.Gen;

class IpsetCodecPropertyTest implements WithQuickTheories {

    private Gen<byte[]> addresses() {
        Gen<byte[]> v4 = integers().all().map(i -> ByteBuffer.allocate(4).putInt(i).array());
        Gen<byte[]> v6 = longs().all().zip(longs().all(), (a, b) -> ByteBuffer.allocate(16).putLong(a).putLong(b)
                .array());
        return v4.mix(v6);
    }

    private Gen<byte[]> bytes(int max) {
        return lists().of(integers().between(0, 255)).ofSizeBetween(0, max).map(l -> {
            byte[] b = new byte[l.size()];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (int) l.get(i);
            }
            return b;
        });
    }

    private static MessageCursor cursor(byte[] b, int len) {
        return new MessageCursor().reset(ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()), 0, len);
    }

    @Test
    void addRoundTripsAddressAndTimeout() {
        qt().forAll(addresses(), integers().between(1, 2_147_483), arbitrary().pick("tb", "torrent_block", "x6"))
                .checkAssert((addr, timeout, name) -> {
                    MessageWriter w = new MessageWriter(256);
                    IpsetCodec.add(w, 7, 7, name, addr, timeout);
                    byte[] b = ScriptedKernel.bytes(w);
                    MessageCursor m = cursor(b, b.length);
                    assertThat(m.next()).isTrue();
                    assertThat(m.nfMessage()).isEqualTo(IpsetCodec.IPSET_CMD_ADD);
                    AttrCursor top = new AttrCursor();
                    AttrCursor data = new AttrCursor();
                    AttrCursor ip = new AttrCursor();
                    assertThat(m.nfAttributes(top)).isTrue();
                    assertThat(top.seek(IpsetCodec.IPSET_ATTR_SETNAME)).isTrue();
                    assertThat(top.string()).isEqualTo(name);
                    assertThat(top.seek(IpsetCodec.IPSET_ATTR_DATA) && top.isNested() && top.nested(data)).isTrue();
                    assertThat(data.seek(IpsetCodec.IPSET_ATTR_TIMEOUT)).isTrue();
                    assertThat(data.rawType() & Netlink.NLA_F_NET_BYTEORDER).isNotZero();
                    assertThat(data.u32()).isEqualTo(timeout);
                    assertThat(data.seek(IpsetCodec.IPSET_ATTR_IP) && data.nested(ip) && ip.next()).isTrue();
                    assertThat(ip.type()).isEqualTo(addr.length == 4 ? IpsetCodec.IPSET_ATTR_IPADDR_IPV4
                            : IpsetCodec.IPSET_ATTR_IPADDR_IPV6);
                    byte[] back = new byte[ip.valueLength()];
                    for (int i = 0; i < back.length; i++) {
                        back[i] = ip.buffer().get(ip.valueOffset() + i);
                    }
                    assertThat(back).isEqualTo(addr);
                    assertThat(m.next()).isFalse();
                });
    }

    @Test
    void readersNeverThrowOnArbitraryMessages() {
        qt().forAll(bytes(120), integers().between(0, 64)).checkAssert((body, type) -> {
            byte[] b = Arrays.copyOf(framed(type, body), 16 + body.length);
            MessageCursor m = cursor(b, b.length);
            AttrCursor a = new AttrCursor();
            while (m.next()) {
                assertThat(IpsetCodec.readProtocol(m, a)).isBetween(-1, IpsetCodec.IPSET_PROTOCOL);
                assertThat(IpsetCodec.readTypeRevision(m, a)).isBetween(-1, 255);
                IpsetCodec.Header h = IpsetCodec.readHeader(m, a);
                if (h != null) {
                    assertThat(h.family()).isBetween(0, 255);
                }
            }
        });
    }

    @Test
    void truncatedAnswersNeverThrow() {
        byte[] full = IpsetCodecTest.headerAnswer(3, "torrent_block", "hash:ip", 2);
        qt().forAll(integers().between(0, full.length)).checkAssert(len -> {
            byte[] cut = Arrays.copyOf(full, len);
            // Keep the header's length as sent so the cursor sees a message longer than the datagram.
            MessageCursor m = cursor(cut, len);
            AttrCursor a = new AttrCursor();
            while (m.next()) {
                IpsetCodec.Header h = IpsetCodec.readHeader(m, a);
                assertThat(h == null || h.typeName().length() <= len).isTrue();
            }
        });
    }

    private Gen<List<byte[]>> addressLists() {
        return lists().of(addresses()).ofSizeBetween(0, 40);
    }

    @Test
    void listAnswersRoundTrip() {
        qt().forAll(addressLists(), longs().between(-1, 0xffffffffL)).checkAssert((addrs, seed) -> {
            List<Long> timeouts = new ArrayList<>();
            List<BanEntry> expected = new ArrayList<>();
            for (int i = 0; i < addrs.size(); i++) {
                long t = i % 3 == 2 ? -1 : (seed + 7919L * i) & 0xffffffffL;   // every third without a timeout
                timeouts.add(t);
                expected.add(new BanEntry(inet(addrs.get(i)), Duration.ofSeconds(Math.max(0, t))));
            }
            List<BanEntry> out = new ArrayList<>();
            assertThat(IpsetCodecTest.read(IpsetCodecTest.listAnswer(9, "torrent_block", addrs, timeouts), out))
                    .isEqualTo(addrs.size());
            assertThat(out).isEqualTo(expected);
        });
    }

    @Test
    void mutatedAndTruncatedListAnswersNeverThrowAndAddAllOrNothing() {
        qt().forAll(addressLists(), lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(0, 6),
                integers().between(0, 100)).checkAssert((addrs, flips, cutPercent) -> {
                    List<Long> timeouts = new ArrayList<>();
                    for (int i = 0; i < addrs.size(); i++) {
                        timeouts.add((long) i * 1000);
                    }
                    byte[] b = IpsetCodecTest.listAnswer(9, "tb", addrs, timeouts);
                    for (int f : flips) {
                        b[f % b.length] ^= (byte) (1 << (f >>> 24) % 8);
                    }
                    int len = Math.max(0, b.length * cutPercent / 100);
                    MessageCursor m = cursor(b, len);     // a truncated datagram, lengths as sent
                    AttrCursor a = new AttrCursor();
                    AttrCursor c1 = new AttrCursor();
                    AttrCursor c2 = new AttrCursor();
                    AttrCursor c3 = new AttrCursor();
                    while (m.next()) {
                        List<BanEntry> out = new ArrayList<>();
                        int n = IpsetCodec.readEntries(m, a, c1, c2, c3, out);
                        assertThat(n).isBetween(-1, len / 16);   // an entry takes at least 16 bytes
                        assertThat(out).hasSize(Math.max(n, 0));
                        assertThat(out).allSatisfy(e -> assertThat(e.remaining().getSeconds())
                                .isBetween(0L, 0xffffffffL));
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

    /** A datagram with a valid nlmsghdr of an ipset type around arbitrary bytes. */
    private static byte[] framed(int cmd, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(16 + body.length).order(ByteOrder.nativeOrder());
        b.putInt(16 + body.length).putShort((short) IpsetCodec.type(cmd & 0x0f)).putShort((short) 0).putInt(1)
                .putInt(0).put(body);
        return b.array();
    }
}
