package org.btblocker.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real NETLINK_NETFILTER socket. Root only; queue bind/unbind happens inside a throwaway network namespace so the
 * host's queues are never touched. NFQUEUE values come from linux/netfilter/nfnetlink_queue.h.
 */
class NetlinkSocketIT {

    private static final int NFQNL_MSG_CONFIG = 2;
    private static final int NFQA_CFG_CMD = 1;
    private static final int NFQA_CFG_QUEUE_MAXLEN = 3;
    private static final int NFQNL_CFG_CMD_BIND = 1;
    private static final int NFQNL_CFG_CMD_UNBIND = 2;

    @BeforeAll
    static void rootOnly() {
        Assumptions.assumeTrue(TestNetns.canCreate(), "needs root and iproute2 (ip netns)");
    }

    @Test
    void opensConfiguresAndTimesOut() throws Exception {
        ByteBuffer rx = ByteBuffer.allocateDirect(8192);
        NetlinkSocket s = NetlinkSocket.open(Netlink.NETLINK_NETFILTER);
        try {
            assertThat(s.portId()).isNotZero();
            assertThat(s.fd()).isGreaterThanOrEqualTo(0);
            assertThat(s.setReceiveBufferSize(1 << 20)).isGreaterThanOrEqualTo(1 << 20);
            s.setNoEnobufs(true);
            s.setNoEnobufs(false);
            s.setExtendedAck(true);
            assertThat(s.receive(rx, 0)).isEqualTo(NetlinkTransport.TIMEOUT);
            assertThat(s.receive(rx, 20)).isEqualTo(NetlinkTransport.TIMEOUT);
        } finally {
            s.close();
        }
        s.close();
        assertThat(s.fd()).isEqualTo(-1);
        assertThatThrownBy(() -> s.receive(rx, 0)).isInstanceOfSatisfying(NetlinkException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.EBADF));
    }

    @Test
    void unknownProtocolIsReportedWithErrno() {
        assertThatThrownBy(() -> NetlinkSocket.open(31)).isInstanceOfSatisfying(NetlinkException.class,
                e -> assertThat(e.errnoName()).isEqualTo("EPROTONOSUPPORT"));
    }

    private static MessageWriter config(NetlinkChannel ch, int queue, int cmd) {
        MessageWriter w = ch.writer();
        w.begin(Netlink.nfnlType(Netlink.NFNL_SUBSYS_QUEUE, NFQNL_MSG_CONFIG),
                Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK, ch.nextSeq()).nfgenmsg(Netlink.AF_UNSPEC, 0, queue);
        if (cmd >= 0) {
            int at = w.attr(NFQA_CFG_CMD, 4); // struct nfqnl_msg_config_cmd {u8 command; u8 pad; __be16 pf}
            w.putU8At(at, cmd);
        } else {
            w.attrU32(NFQA_CFG_QUEUE_MAXLEN, 16);
        }
        return w.end();
    }

    @Test
    void requestsGetAcksAndKernelErrorsInsideANamespace() throws Exception {
        try (TestNetns ns = TestNetns.create("nl")) {
            NetlinkChannel a;
            NetlinkChannel b;
            try (NetNs in = NetNs.enter(ns.name())) {
                a = new NetlinkChannel(NetlinkSocket.open(Netlink.NETLINK_NETFILTER));
                b = new NetlinkChannel(NetlinkSocket.open(Netlink.NETLINK_NETFILTER));
            }
            try (a; b) {
                assertThatThrownBy(() -> a.request("configure unbound queue 7", config(a, 7, -1)))
                        .isInstanceOfSatisfying(NetlinkException.class, e -> {
                            assertThat(e.errno()).isEqualTo(Errno.ENODEV);
                            assertThat(e.getMessage()).startsWith("configure unbound queue 7: ENODEV");
                        });
                a.request("bind queue 7", config(a, 7, NFQNL_CFG_CMD_BIND));
                a.request("set maxlen of queue 7", config(a, 7, -1));
                // the kernel refuses a second owner of the same queue with EPERM
                assertThatThrownBy(() -> b.request("bind queue 7 again", config(b, 7, NFQNL_CFG_CMD_BIND)))
                        .isInstanceOfSatisfying(NetlinkException.class,
                                e -> assertThat(e.errno()).isEqualTo(Errno.EPERM));
                a.request("unbind queue 7", config(a, 7, NFQNL_CFG_CMD_UNBIND));
                b.request("bind queue 7 after unbind", config(b, 7, NFQNL_CFG_CMD_BIND));
            }
        }
    }

    @Test
    void enteringAMissingNamespaceFails() {
        assertThatThrownBy(() -> NetNs.enter("btb-does-not-exist")).isInstanceOfSatisfying(NetlinkException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
    }
}
