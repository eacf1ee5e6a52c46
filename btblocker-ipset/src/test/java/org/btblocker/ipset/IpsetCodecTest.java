package org.btblocker.ipset;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.btblocker.api.ban.BanEntry;
import org.btblocker.netlink.AttrCursor;
import org.btblocker.netlink.Hex;
import org.btblocker.netlink.MessageCursor;
import org.btblocker.netlink.MessageWriter;
import org.btblocker.netlink.Netlink;
import org.btblocker.netlink.ScriptedKernel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Byte-exact ipset frames, written by hand from linux/netfilter/ipset/ip_set.h (enum ipset_cmd, the IPSET_ATTR_*
 * enums) over struct nlmsghdr / nfgenmsg / nlattr; the layout matches what the ipset tool sends (traced). Header
 * fields are host order: these vectors assume a little-endian host.
 */
class IpsetCodecTest {

    private static final int SEQ = 0x01020304;

    @BeforeEach
    void littleEndianHost() {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "vectors are little-endian");
    }

    private static String hex(String spaced) {
        return Hex.format(Hex.parse(spaced));
    }

    @Test
    void protocolAsksWithTheOldestVersion() {
        MessageWriter w = new MessageWriter(256);
        IpsetCodec.protocol(w, SEQ);
        assertThat(Hex.format(w.buffer())).isEqualTo(hex(
                // nlmsghdr: len 28, type IPSET << 8 | IPSET_CMD_PROTOCOL, flags REQUEST|ACK
                "1c000000 0106 0500 04030201 00000000"
                + "02 00 0000"                       // nfgenmsg: AF_INET, v0, res_id 0
                + "0500 0100 06 000000"));          // IPSET_ATTR_PROTOCOL u8 6
    }

    @Test
    void createHashIpInetWithTimeout() {
        MessageWriter w = new MessageWriter(256);
        IpsetCodec.create(w, SEQ, 7, "tb", IpsetCodec.NFPROTO_IPV4, 6, 300);
        assertThat(Hex.format(w.buffer())).isEqualTo(hex(
                // len 76, IPSET_CMD_CREATE, flags REQUEST|ACK|CREATE (no EXCL: an identical set is fine)
                "4c000000 0206 0504 04030201 00000000"
                + "02 00 0000"
                + "0500 0100 07 000000"             // PROTOCOL 7
                + "0700 0200 746200 00"             // SETNAME "tb"
                + "0c00 0300 686173683a697000"      // TYPENAME "hash:ip"
                + "0500 0400 06 000000"             // REVISION 6
                + "0500 0500 02 000000"             // FAMILY NFPROTO_IPV4
                + "0c00 0780"                       // DATA, nested
                + "0800 0640 0000012c"));           // TIMEOUT | NET_BYTEORDER, 300
    }

    @Test
    void addIpv4WithTimeout() {
        MessageWriter w = new MessageWriter(256);
        IpsetCodec.add(w, SEQ, 7, "tb", new byte[] {10, 1, 2, 3}, 100);
        assertThat(Hex.format(w.buffer())).isEqualTo(hex(
                // len 60, IPSET_CMD_ADD, REQUEST|ACK (no EXCL: re-adding refreshes the timeout)
                "3c000000 0906 0500 04030201 00000000"
                + "02 00 0000"
                + "0500 0100 07 000000"
                + "0700 0200 746200 00"
                + "1800 0780"                       // DATA (24)
                + "0c00 0180"                       //   IP, nested (12)
                + "0800 0140 0a010203"              //     IPADDR_IPV4 | NET_BYTEORDER
                + "0800 0640 00000064"));           //   TIMEOUT | NET_BYTEORDER, 100
    }

    @Test
    void testAndDelIpv6() {
        byte[] v6 = Hex.parse("20010db8000000000000000000000001");
        MessageWriter w = new MessageWriter(256);
        IpsetCodec.test(w, SEQ, 7, "tb6", v6);
        String body = "02 00 0000"
                + "0500 0100 07 000000"
                + "0800 0200 74623600"              // SETNAME "tb6"
                + "1c00 0780"                       // DATA (28)
                + "1800 0180"                       //   IP (24)
                + "1400 0240 20010db8000000000000000000000001";   // IPADDR_IPV6 | NET_BYTEORDER
        assertThat(Hex.format(w.buffer())).isEqualTo(hex("40000000 0b06 0500 04030201 00000000" + body));
        IpsetCodec.del(w.reset(), SEQ, 7, "tb6", v6);
        assertThat(Hex.format(w.buffer())).isEqualTo(hex("40000000 0a06 0500 04030201 00000000" + body));
    }

    @Test
    void headerAndTypeQueries() {
        MessageWriter w = new MessageWriter(256);
        IpsetCodec.header(w, SEQ, 6, "tb");
        assertThat(Hex.format(w.buffer())).isEqualTo(hex(
                "24000000 0c06 0500 04030201 00000000 02 00 0000 0500 0100 06 000000 0700 0200 746200 00"));
        IpsetCodec.typeQuery(w.reset(), SEQ, 7, IpsetCodec.NFPROTO_IPV6);
        assertThat(Hex.format(w.buffer())).isEqualTo(hex(
                "30000000 0d06 0500 04030201 00000000 02 00 0000 0500 0100 07 000000"
                + "0c00 0300 686173683a697000 0500 0500 0a 000000"));
    }

    @Test
    void listIsADumpOfOneSet() {
        MessageWriter w = new MessageWriter(256);
        IpsetCodec.list(w, SEQ, 7, "t");
        assertThat(Hex.format(w.buffer())).isEqualTo(hex(
                // len 36, IPSET_CMD_LIST, flags REQUEST|DUMP (0x301): answered by NLM_F_MULTI parts and NLMSG_DONE
                "24000000 0706 0103 04030201 00000000 02 00 0000 0500 0100 07 000000 0600 0200 7400 0000"));
    }

    /** The kernel's answer to {@code ipset list t} (hash:ip timeout 100; 10.0.0.2 timeout 499, 10.0.0.3 99). */
    static final String TRACED_LIST = "c0000000 0706 0200 04030201 31750000 02 00 0000"
            + "0500 0100 07 000000"                 // PROTOCOL 7
            + "0600 0200 7400 0000"                 // SETNAME "t"
            + "0c00 0300 686173683a697000"          // TYPENAME "hash:ip"
            + "0500 0500 02 000000"                 // FAMILY inet
            + "0500 0400 06 000000"                 // REVISION 6
            + "0600 0b40 0000 0000"                 // LINENO
            + "4400 0780"                           // DATA (the set's header: hashsize, maxelem, ... timeout 100)
            + "08001240 00000400 08001340 00010000 05001500 0c000000 08001140 0223cba5"
            + "08001940 00000000 08001a40 00000158 08001840 00000002 08000640 00000064"
            + "3400 0880"                           // ADT (52), nested
            + "1800 0780 0c00 0180 0800 0100 0a000002 0800 0640 000001f3"   // DATA { IP { IPV4 } TIMEOUT 499 }
            + "1800 0780 0c00 0180 0800 0100 0a000003 0800 0640 00000063";  // DATA { IP { IPV4 } TIMEOUT 99 }

    private static final AttrCursor[] CURSORS = {new AttrCursor(), new AttrCursor(), new AttrCursor(),
        new AttrCursor()};

    static int read(byte[] message, List<BanEntry> out) {
        MessageCursor m = new MessageCursor().reset(ByteBuffer.wrap(message).order(ByteOrder.nativeOrder()), 0,
                message.length);
        if (!m.next()) {
            return -2;
        }
        return IpsetCodec.readEntries(m, CURSORS[0], CURSORS[1], CURSORS[2], CURSORS[3], out);
    }

    @Test
    void readsTheTracedListAnswer() throws Exception {
        List<BanEntry> out = new ArrayList<>();
        assertThat(read(Hex.parse(TRACED_LIST), out)).isEqualTo(2);
        assertThat(out).containsExactly(
                new BanEntry(InetAddress.getByName("10.0.0.2"), Duration.ofSeconds(499)),
                new BanEntry(InetAddress.getByName("10.0.0.3"), Duration.ofSeconds(99)));
    }

    @Test
    void readsIpv6EntriesAndEntriesWithoutTimeout() throws Exception {
        byte[] v6 = Hex.parse("20010db8000000000000000000000001");
        List<BanEntry> out = new ArrayList<>(List.of(new BanEntry(InetAddress.getByName("192.0.2.1"),
                Duration.ZERO)));
        byte[] answer = listAnswer(1, "t6", List.of(v6, new byte[] {(byte) 198, 51, 100, 9}), List.of(0xffffffffL,
                -1L));
        assertThat(read(answer, out)).isEqualTo(2);
        assertThat(out).containsExactly(new BanEntry(InetAddress.getByName("192.0.2.1"), Duration.ZERO),
                new BanEntry(InetAddress.getByAddress(v6), Duration.ofSeconds(0xffffffffL)),
                new BanEntry(InetAddress.getByName("198.51.100.9"), Duration.ZERO));
    }

    @Test
    void rejectsMalformedListAnswersWithoutAddingAnything() {
        List<BanEntry> out = new ArrayList<>();
        byte[] traced = Hex.parse(TRACED_LIST);
        byte[] noAddress = traced.clone();
        noAddress[traced.length - 14] = 3;                     // the last entry's IPV4 becomes an unknown type
        assertThat(read(noAddress, out)).isEqualTo(-1);
        byte[] shortTimeout = listAnswer(1, "t", List.of(new byte[] {10, 0, 0, 1}), List.of(5L));
        shortTimeout[shortTimeout.length - 8] = 6;             // TIMEOUT nla_len 8 -> 6
        assertThat(read(shortTimeout, out)).isEqualTo(-1);
        byte[] brokenNest = traced.clone();
        brokenNest[traced.length - 24] = (byte) 0xff;          // the last DATA nest claims more than there is
        assertThat(read(brokenNest, out)).isEqualTo(-1);
        assertThat(read(headerAnswer(1, "t", "hash:ip", 2), out)).as("not a list answer").isEqualTo(-1);
        assertThat(out).isEmpty();
        assertThat(read(listAnswer(1, "t", List.of(), List.of()), out)).as("an empty set").isZero();
    }

    /**
     * A list answer as the kernel builds it: header attributes, then ADT { DATA { IP { IPV4|IPV6 } [TIMEOUT] }* }
     * (timeout -1 = none).
     */
    static byte[] listAnswer(int seq, String name, List<byte[]> addrs, List<Long> timeouts) {
        MessageWriter w = new MessageWriter(64 + 48 * addrs.size());
        w.begin(IpsetCodec.type(IpsetCodec.IPSET_CMD_LIST), Netlink.NLM_F_MULTI, seq).nfgenmsg(2, 0, 0)
                .attrU8(IpsetCodec.IPSET_ATTR_PROTOCOL, 7).attrString(IpsetCodec.IPSET_ATTR_SETNAME, name)
                .nestBegin(IpsetCodec.IPSET_ATTR_ADT);
        for (int i = 0; i < addrs.size(); i++) {
            byte[] addr = addrs.get(i);
            w.nestBegin(IpsetCodec.IPSET_ATTR_DATA).nestBegin(IpsetCodec.IPSET_ATTR_IP)
                    .attrBytes(addr.length == 4 ? IpsetCodec.IPSET_ATTR_IPADDR_IPV4 : IpsetCodec.IPSET_ATTR_IPADDR_IPV6,
                            addr)
                    .nestEnd();
            if (timeouts.get(i) >= 0) {
                w.attrU32(IpsetCodec.IPSET_ATTR_TIMEOUT | Netlink.NLA_F_NET_BYTEORDER, (int) (long) timeouts.get(i));
            }
            w.nestEnd();
        }
        w.nestEnd().end();
        return ScriptedKernel.bytes(w);
    }

    /** The kernel's answers as traced from the ipset tool (protocol 7/min 6, type revisions, header). */
    static byte[] protocolAnswer(int seq, int max, int min) {
        MessageWriter w = new MessageWriter(128);
        w.begin(IpsetCodec.type(IpsetCodec.IPSET_CMD_PROTOCOL), 0, seq).nfgenmsg(2, 0, 0)
                .attrU8(IpsetCodec.IPSET_ATTR_PROTOCOL, max);
        if (min >= 0) {
            w.attrU8(IpsetCodec.IPSET_ATTR_PROTOCOL_MIN, min);
        }
        return ScriptedKernel.bytes(w);
    }

    static byte[] typeAnswer(int seq, int family, int revision) {
        MessageWriter w = new MessageWriter(128);
        w.begin(IpsetCodec.type(IpsetCodec.IPSET_CMD_TYPE), 0, seq).nfgenmsg(2, 0, 0).attrU8(1, 7)
                .attrString(IpsetCodec.IPSET_ATTR_TYPENAME, "hash:ip").attrU8(IpsetCodec.IPSET_ATTR_FAMILY, family)
                .attrU8(IpsetCodec.IPSET_ATTR_REVISION, revision).attrU8(IpsetCodec.IPSET_ATTR_REVISION_MIN, 0);
        return ScriptedKernel.bytes(w);
    }

    static byte[] headerAnswer(int seq, String name, String type, int family) {
        MessageWriter w = new MessageWriter(128);
        w.begin(IpsetCodec.type(IpsetCodec.IPSET_CMD_HEADER), 0, seq).nfgenmsg(2, 0, 0).attrU8(1, 7)
                .attrString(IpsetCodec.IPSET_ATTR_SETNAME, name).attrString(IpsetCodec.IPSET_ATTR_TYPENAME, type)
                .attrU8(IpsetCodec.IPSET_ATTR_FAMILY, family).attrU8(IpsetCodec.IPSET_ATTR_REVISION, 6);
        return ScriptedKernel.bytes(w);
    }

    private static MessageCursor cursor(byte[] b) {
        MessageCursor m = new MessageCursor().reset(ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()), 0, b.length);
        assertThat(m.next()).isTrue();
        return m;
    }

    @Test
    void readsProtocolAnswers() {
        AttrCursor a = new AttrCursor();
        // The traced answer: 1c.. header, then PROTOCOL 7 and PROTOCOL_MIN 6.
        byte[] traced = Hex.parse("24000000 0106 0000 04030201 97750000 02 00 0000"
                + "0500 0100 07 000000 0500 0a00 06 000000");
        assertThat(IpsetCodec.readProtocol(cursor(traced), a)).isEqualTo(7);
        assertThat(IpsetCodec.readProtocol(cursor(protocolAnswer(1, 6, -1)), a)).isEqualTo(6);
        assertThat(IpsetCodec.readProtocol(cursor(protocolAnswer(1, 9, 6)), a)).as("newest both speak").isEqualTo(7);
        assertThat(IpsetCodec.readProtocol(cursor(protocolAnswer(1, 9, 8)), a)).as("kernel too new").isEqualTo(-1);
        assertThat(IpsetCodec.readProtocol(cursor(protocolAnswer(1, 5, -1)), a)).as("kernel too old").isEqualTo(-1);
        assertThat(IpsetCodec.readProtocol(cursor(headerAnswer(1, "x", "hash:ip", 2)), a)).isEqualTo(-1);
    }

    @Test
    void readsTypeAndHeaderAnswers() {
        AttrCursor a = new AttrCursor();
        assertThat(IpsetCodec.readTypeRevision(cursor(typeAnswer(1, 2, 6)), a)).isEqualTo(6);
        assertThat(IpsetCodec.readHeader(cursor(headerAnswer(1, "tb", "hash:net", 10)), a))
                .isEqualTo(new IpsetCodec.Header("hash:net", 10, 6));
        assertThat(IpsetCodec.readHeader(cursor(typeAnswer(1, 2, 6)), a)).isNull();
    }

    @Test
    void errorNames() {
        assertThat(IpsetCodec.errorName(4103)).isEqualTo("IPSET_ERR_EXIST");
        assertThat(IpsetCodec.errorName(4107)).isEqualTo("IPSET_ERR_TIMEOUT");
        assertThat(IpsetCodec.errorName(1)).isEqualTo("EPERM");
    }
}
