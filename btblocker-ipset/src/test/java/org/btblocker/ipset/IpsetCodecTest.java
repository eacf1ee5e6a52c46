package org.btblocker.ipset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.btblocker.netlink.AttrCursor;
import org.btblocker.netlink.Hex;
import org.btblocker.netlink.MessageCursor;
import org.btblocker.netlink.MessageWriter;
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
