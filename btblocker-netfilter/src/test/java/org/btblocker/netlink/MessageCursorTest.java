package org.btblocker.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Walking nlmsghdr sequences and reading struct nlmsgerr (linux/netlink.h), little-endian host. */
class MessageCursorTest {

    private final MessageCursor m = new MessageCursor();
    private final AttrCursor a = new AttrCursor();

    @BeforeEach
    void littleEndianHost() {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "vectors are little-endian");
    }

    @Test
    void walksSeveralMessagesAndReadsNfgenmsg() {
        ByteBuffer b = ByteBuffer.wrap(Hex.parse(
                // NFQNL_MSG_PACKET-like: len 28, type 0x0300, flags 0, seq 0, pid 0; nfgenmsg AF_INET v0 res 5
                "1c000000 0003 0000 00000000 00000000 02 00 0005 0800 0300 0000002a"
                // NLMSG_DONE len 20 seq 9 pid 77, status 0
                + "14000000 0300 0200 09000000 4d000000 00000000"));
        m.reset(b);
        assertThat(m.next()).isTrue();
        assertThat(m.length()).isEqualTo(28);
        assertThat(m.nfSubsystem()).isEqualTo(Netlink.NFNL_SUBSYS_QUEUE);
        assertThat(m.nfMessage()).isZero();
        assertThat(m.nfFamily()).isEqualTo(Netlink.AF_INET);
        assertThat(m.nfVersion()).isZero();
        assertThat(m.nfResId()).isEqualTo(5);
        assertThat(m.nfAttributes(a)).isTrue();
        assertThat(a.next()).isTrue();
        assertThat(a.type()).isEqualTo(3);
        assertThat(a.u32()).isEqualTo(42);
        assertThat(m.next()).isTrue();
        assertThat(m.type()).isEqualTo(Netlink.NLMSG_DONE);
        assertThat(m.flags()).isEqualTo(Netlink.NLM_F_MULTI);
        assertThat(m.seq()).isEqualTo(9);
        assertThat(m.portId()).isEqualTo(77);
        assertThat(m.errorCode()).isZero();
        assertThat(m.next()).isFalse();
        assertThat(m.hasError()).isFalse();
    }

    @Test
    void readsErrorCodeAndExtackWhenTheRequestIsCapped() {
        ByteBuffer b = ByteBuffer.wrap(ScriptedKernel.ack(5, 0x0302, -Errno.EBUSY, "queue busy"));
        m.reset(b);
        assertThat(m.next()).isTrue();
        assertThat(m.isError()).isTrue();
        assertThat(m.errorCode()).isEqualTo(-16);
        assertThat(m.extackMessage(a)).isEqualTo("queue busy");
    }

    @Test
    void findsExtackAfterAnEchoedRequest() {
        // error -1 (EPERM), echoed request of 24 bytes (header + 8 payload), then NLMSGERR_ATTR_MSG "no"
        ByteBuffer b = ByteBuffer.wrap(Hex.parse(
                "34000000 0200 0002 03000000 00000000"   // len 52, NLMSG_ERROR, flags ACK_TLVS, seq 3
                + "ffffffff"                              // error = -EPERM
                + "18000000 0203 0500 03000000 00000000"  // echoed nlmsghdr, len 24
                + "00000000 00000000"                     // echoed payload
                + "0700 0100 6e6f00 00"));                // NLMSGERR_ATTR_MSG "no"
        m.reset(b);
        assertThat(m.next()).isTrue();
        assertThat(m.errorCode()).isEqualTo(-Errno.EPERM);
        assertThat(m.extackMessage(a)).isEqualTo("no");
    }

    @Test
    void plainAckHasNoExtack() {
        m.reset(ByteBuffer.wrap(ScriptedKernel.ack(1, 0x0302, 0, null)));
        assertThat(m.next()).isTrue();
        assertThat(m.errorCode()).isZero();
        assertThat(m.extackMessage(a)).isNull();
    }

    @Test
    void malformedHeadersEndTheWalkWithAnError() {
        for (String hex : new String[] {"0f000000 0000 0000 00000000 000000", "20000000 0000 0000 00000000 00000000",
                "10000000 0000 0000 00000000 00000000 00"}) {
            m.reset(ByteBuffer.wrap(Hex.parse(hex)));
            while (m.next()) {
                assertThat(m.length()).isGreaterThanOrEqualTo(16);
            }
            assertThat(m.hasError()).as(hex).isTrue();
        }
    }

    @Test
    void shortPayloadsReadAsMissing() {
        m.reset(ByteBuffer.wrap(Hex.parse("10000000 0200 0000 00000000 00000000")));
        assertThat(m.next()).isTrue();
        assertThat(m.nfFamily()).isEqualTo(-1);
        assertThat(m.nfResId()).isEqualTo(-1);
        assertThat(m.errorCode()).isEqualTo(-Errno.EPROTO);
        assertThat(m.nfAttributes(a)).isFalse();
        assertThat(a.next()).isFalse();
        assertThat(m.extackMessage(a)).isNull();
    }
}
