package org.btblocker.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assumptions;

/**
 * Byte-exact frames written by hand from linux/netlink.h (struct nlmsghdr, struct nlattr, NLA_ALIGN) and
 * linux/netfilter/nfnetlink.h (struct nfgenmsg). Header fields are host order: these vectors assume a little-endian
 * host (x86-64, aarch64).
 */
class MessageWriterTest {

    @BeforeEach
    void littleEndianHost() {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "vectors are little-endian");
    }

    @Test
    void writesHeaderNfgenmsgAndAlignedAttributes() {
        MessageWriter w = new MessageWriter(256);
        w.begin(Netlink.nfnlType(3, 2), Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK, 1)
                .nfgenmsg(Netlink.AF_UNSPEC, Netlink.NFNETLINK_V0, 0x1234)
                .attrU32(3, 0x01020304)
                .attrU8(1, 7)
                .nestBegin(5).attrU16(1, 0xabcd).nestEnd()
                .attrString(2, "ab")
                .end();
        assertThat(Hex.format(w.buffer())).isEqualTo(Hex.format(Hex.parse(
                // nlmsghdr: len 56, type 0x0302 (QUEUE << 8 | CONFIG), flags REQUEST|ACK, seq 1, pid 0
                "38000000 0203 0500 01000000 00000000"
                // nfgenmsg: family 0, version 0, res_id 0x1234 big-endian
                + "00 00 1234"
                // nlattr len 8 type 3, value big-endian
                + "0800 0300 01020304"
                // nlattr len 5 type 1, value 7, 3 bytes padding
                + "0500 0100 07 000000"
                // nested: len 12, type 5 | NLA_F_NESTED; inner len 6 type 1 value abcd + 2 padding
                + "0c00 0580 0600 0100 abcd 0000"
                // string "ab\0": len 7, 1 byte padding
                + "0700 0200 616200 00")));
        assertThat(w.length()).isEqualTo(56);
        assertThat(w.seq()).isEqualTo(1);
    }

    @Test
    void writesFlagU64AndHostOrderValues() {
        MessageWriter w = new MessageWriter(64);
        w.begin(0x10, Netlink.NLM_F_REQUEST, 0x01020304).attrFlag(9).attrU64(4, 0x0102030405060708L)
                .attrU32Host(6, 1);
        assertThat(Hex.format(w.buffer())).isEqualTo(Hex.format(Hex.parse(
                "28000000 1000 0100 04030201 00000000"
                + "0400 0900"
                + "0c00 0400 0102030405060708"
                + "0800 0600 01000000")));
    }

    @Test
    void writesMessagesBackToBackForOneDatagram() {
        MessageWriter w = new MessageWriter(64);
        w.begin(Netlink.NFNL_MSG_BATCH_BEGIN, Netlink.NLM_F_REQUEST, 7).nfgenmsg(0, 0, 10).end();
        w.begin(Netlink.NFNL_MSG_BATCH_END, Netlink.NLM_F_REQUEST, 8).nfgenmsg(0, 0, 10);
        ByteBuffer b = w.buffer();
        assertThat(b.position()).isZero();
        assertThat(b.limit()).isEqualTo(40);
        assertThat(Hex.format(b)).isEqualTo(Hex.format(Hex.parse(
                "14000000 1000 0100 07000000 00000000 0000 000a"
                + "14000000 1100 0100 08000000 00000000 0000 000a")));
    }

    @Test
    void reservedStructsAreZeroedAndPadded() {
        MessageWriter w = new MessageWriter(64);
        w.begin(1, 0, 0);
        int at = w.reserve(5);
        w.putU8At(at + 4, 0xff);
        int v = w.attr(2, 3);
        w.putU8At(v, 1);
        assertThat(Hex.format(w.buffer())).isEqualTo(Hex.format(Hex.parse(
                "20000000 0100 0000 00000000 00000000 00000000 ff000000 0700 0200 01000000")));
    }

    @Test
    void resetReusesTheBufferAndZeroesOldPadding() {
        MessageWriter w = new MessageWriter(64);
        w.begin(1, 0, 0).attrU32(1, -1).end();
        w.reset().begin(1, 0, 0).attrU8(1, 1).end();
        assertThat(Hex.format(w.buffer())).isEqualTo(Hex.format(Hex.parse(
                "18000000 0100 0000 00000000 00000000 0500 0100 01000000")));
    }

    @Test
    void misuseIsReportedNotWritten() {
        MessageWriter w = new MessageWriter(32);
        assertThatThrownBy(() -> w.attrU8(1, 1)).isInstanceOf(IllegalStateException.class);
        w.begin(1, 0, 0);
        assertThatThrownBy(w::nestEnd).isInstanceOf(IllegalStateException.class);
        w.nestBegin(1);
        assertThatThrownBy(w::end).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> w.attrBytes(2, new byte[32])).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> new MessageWriter(8)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nfnlTypeCombinesSubsystemAndMessage() {
        assertThat(Netlink.nfnlType(Netlink.NFNL_SUBSYS_IPSET, 2)).isEqualTo(0x0602);
        assertThat(Netlink.NLA_TYPE_MASK).isEqualTo(0x3fff);
        assertThat(Netlink.align(5)).isEqualTo(8);
        assertThat(Netlink.align(8)).isEqualTo(8);
    }
}
