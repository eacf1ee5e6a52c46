package org.btblocker.netfilter.nfqueue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.btblocker.netlink.AttrCursor;
import org.btblocker.netlink.Hex;
import org.btblocker.netlink.MessageCursor;
import org.btblocker.netlink.MessageWriter;
import org.btblocker.netlink.Netlink;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Byte-exact NFQUEUE frames from linux/netfilter/nfnetlink_queue.h: struct nfqnl_msg_config_cmd,
 * nfqnl_msg_config_params (packed, 5 bytes), nfqnl_msg_verdict_hdr, nfqnl_msg_packet_hdr (packed, 7 bytes). Headers
 * in host order (little-endian host assumed), NFQA values big-endian.
 */
class NfqueueCodecTest {

    private final MessageWriter w = new MessageWriter(512);

    @BeforeEach
    void littleEndianHost() {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "vectors are little-endian");
    }

    private String written() {
        return Hex.format(w.buffer());
    }

    private static String hex(String s) {
        return Hex.format(Hex.parse(s));
    }

    @Test
    void bindCommand() {
        NfqueueCodec.writeCommand(w, 1, 3, NfqueueCodec.NFQNL_CFG_CMD_BIND, Netlink.AF_UNSPEC);
        // nlmsghdr len 28, type NFNL_SUBSYS_QUEUE << 8 | NFQNL_MSG_CONFIG, flags REQUEST|ACK, seq 1
        // nfgenmsg AF_UNSPEC, v0, res_id 3; NFQA_CFG_CMD {command 1, _pad, pf 0}
        assertThat(written()).isEqualTo(hex(
                "1c000000 0203 0500 01000000 00000000"
                + " | 00 00 0003 | 0800 0100 01 00 0000"));
    }

    @Test
    void protocolFamilyCommandCarriesThePfBigEndian() {
        NfqueueCodec.writeCommand(w, 2, 0, NfqueueCodec.NFQNL_CFG_CMD_PF_BIND, Netlink.AF_INET6);
        assertThat(written()).isEqualTo(hex(
                "1c000000 0203 0500 02000000 00000000"
                + " | 00 00 0000 | 0800 0100 03 00 000a"));
    }

    @Test
    void copyParams() {
        NfqueueCodec.writeParams(w, 3, 3, NfqueueCodec.NFQNL_COPY_PACKET, 0xffff);
        // NFQA_CFG_PARAMS len 9 {copy_range be32 0xffff, copy_mode 2}, 3 bytes padding
        assertThat(written()).isEqualTo(hex(
                "20000000 0203 0500 03000000 00000000 | 00 00 0003 | 0900 0200 0000ffff 02 000000"));
    }

    @Test
    void maxLength() {
        NfqueueCodec.writeMaxLength(w, 4, 3, 4096);
        assertThat(written()).isEqualTo(hex("1c000000 0203 0500 04000000 00000000 | 00 00 0003 | 0800 0300 00001000"));
    }

    @Test
    void flagsWithMask() {
        int flags = NfqueueCodec.flagsOf(QueueConfig.of(3));
        assertThat(flags).isEqualTo(NfqueueCodec.NFQA_CFG_F_FAIL_OPEN | NfqueueCodec.NFQA_CFG_F_GSO);
        NfqueueCodec.writeFlags(w, 5, 3, flags, 5);
        assertThat(written()).isEqualTo(hex(
                "24000000 0203 0500 05000000 00000000 | 00 00 0003 | 0800 0500 00000005 | 0800 0400 00000005"));
    }

    @Test
    void singleVerdictWithoutAndWithMark() {
        NfqueueCodec.writeVerdict(w, 3, 42, NfqueueCodec.NF_ACCEPT, false, 0);
        // type QUEUE << 8 | NFQNL_MSG_VERDICT, flags REQUEST only; NFQA_VERDICT_HDR {verdict 1, id 42}
        assertThat(written()).isEqualTo(hex(
                "20000000 0103 0100 00000000 00000000"
                + " | 00 00 0003 | 0c00 0200 00000001 0000002a"));
        w.reset();
        NfqueueCodec.writeVerdict(w, 3, 42, NfqueueCodec.NF_DROP, true, 0x10);
        assertThat(written()).isEqualTo(hex(
                "28000000 0103 0100 00000000 00000000 | 00 00 0003 | 0c00 0200 00000000 0000002a"
                + " | 0800 0300 00000010"));
    }

    @Test
    void batchVerdict() {
        NfqueueCodec.writeBatchVerdict(w, 7, 0x01020304, NfqueueCodec.NF_ACCEPT, false, 0);
        assertThat(written()).isEqualTo(hex(
                "20000000 0303 0100 00000000 00000000 | 00 00 0007 | 0c00 0200 00000001 01020304"));
    }

    static final String PACKET = "50000000 0003 0000 00000000 00000000"  // NFQNL_MSG_PACKET, len 80
            + "02 00 0003"                                                // AF_INET, queue 3
            + "0b00 0100 0000002a 0800 03 00"                             // PACKET_HDR id 42, IPv4, LOCAL_OUT
            + "0800 0300 00000007"                                        // NFQA_MARK 7
            + "0800 0600 00000001"                                        // NFQA_IFINDEX_OUTDEV 1
            + "0800 0c00 00000002"                                        // NFQA_CT_INFO 2 (IP_CT_RELATED)
            + "1800 0a00 45000014 00004000 40110000 7f000001 7f000001";   // NFQA_PAYLOAD: 20-byte IPv4 header

    @Test
    void parsesAQueuedPacketInPlace() {
        ByteBuffer b = ByteBuffer.wrap(Hex.parse(PACKET));
        MessageCursor m = new MessageCursor().reset(b);
        assertThat(m.next()).isTrue();
        QueuedPacket p = new QueuedPacket();
        assertThat(NfqueueCodec.parsePacket(m, new AttrCursor(), p)).isTrue();
        assertThat(p.family()).isEqualTo(Netlink.AF_INET);
        assertThat(p.queueNum()).isEqualTo(3);
        assertThat(p.packetId()).isEqualTo(42);
        assertThat(p.hwProtocol()).isEqualTo(0x0800);
        assertThat(p.hook()).isEqualTo(3);
        assertThat(p.mark()).isEqualTo(7);
        assertThat(p.outDevice()).isEqualTo(1);
        assertThat(p.inDevice()).isZero();
        assertThat(p.ctInfo()).isEqualTo(2);
        assertThat(p.capLength()).isEqualTo(-1);
        assertThat(p.payloadOffset).isEqualTo(60);
        assertThat(p.payloadLength).isEqualTo(20);
        assertThat(b.get(p.payloadOffset) & 0xff).isEqualTo(0x45);
        assertThat(p.hasVerdictMark()).isFalse();
    }

    @Test
    void otherMessagesAndMissingHeaderAreNotPackets() {
        QueuedPacket p = new QueuedPacket();
        AttrCursor a = new AttrCursor();
        MessageCursor m = new MessageCursor();
        // a verdict message is not a packet
        NfqueueCodec.writeVerdict(w, 3, 1, 1, false, 0);
        m.reset(w.buffer());
        assertThat(m.next()).isTrue();
        assertThat(NfqueueCodec.parsePacket(m, a, p)).isFalse();
        // a packet message whose PACKET_HDR is too short
        m.reset(ByteBuffer.wrap(Hex.parse("1c000000 0003 0000 00000000 00000000 02 00 0003 0800 0100 0000002a")));
        assertThat(m.next()).isTrue();
        assertThat(NfqueueCodec.parsePacket(m, a, p)).isFalse();
    }
}
