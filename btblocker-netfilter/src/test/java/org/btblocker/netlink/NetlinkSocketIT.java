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
    void receivingAllocatesNothing() throws Exception {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        ByteBuffer rx = ByteBuffer.allocateDirect(8192);
        try (NetlinkSocket s = NetlinkSocket.open(Netlink.NETLINK_NETFILTER)) {
            for (int i = 0; i < 50_000; i++) { // let the JIT settle
                s.receive(rx, 0);
            }
            long tid = Thread.currentThread().getId();
            long before = mx.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 10_000; i++) {
                s.receive(rx, 0);
            }
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            assertThat(allocated).as("bytes allocated by 10k receive calls").isLessThan(10_000);
        }
    }

    @Test
    void oneBatchReceiveTakesEveryQueuedDatagramAndCutsOnlyTheOnesLargerThanTheirSlot() throws Exception {
        try (TestNetns ns = TestNetns.create("nlb")) {
            NetlinkSocket s;
            try (NetNs in = NetNs.enter(ns.name())) {
                s = NetlinkSocket.open(Netlink.NETLINK_NETFILTER);
            }
            try (s; NetlinkChannel ch = new NetlinkChannel(NetlinkSocket.open(Netlink.NETLINK_NETFILTER))) {
                int slot = 4096;
                int[] lengths = new int[8];
                ByteBuffer rx = ByteBuffer.allocateDirect(slot * lengths.length);
                assertThat(s.receiveBatch(rx, slot, lengths, 0)).isEqualTo(NetlinkTransport.TIMEOUT);
                // five requests sent one by one: the kernel queues five answers, each its own datagram
                for (int i = 0; i < 5; i++) {
                    s.send(config(ch, 7, -1).buffer());
                }
                assertThat(s.receiveBatch(rx, slot, lengths, 100)).isEqualTo(5);
                MessageCursor m = new MessageCursor();
                for (int i = 0; i < 5; i++) {
                    m.reset(rx, i * slot, lengths[i]);
                    assertThat(m.next()).isTrue();
                    assertThat(m.isError()).isTrue();
                    assertThat(m.errorCode()).isEqualTo(-Errno.ENODEV); // queue 7 is not bound
                    assertThat(m.next()).isFalse();
                }
                assertThat(s.receiveBatch(rx, slot, lengths, 0)).isEqualTo(NetlinkTransport.TIMEOUT);
                // a slot smaller than the answer: the datagram is reported as cut, the next one is whole
                int small = 24;
                int[] two = new int[2];
                ByteBuffer tiny = ByteBuffer.allocateDirect(small * two.length);
                s.send(config(ch, 7, -1).buffer());
                s.send(config(ch, 7, -1).buffer());
                assertThat(s.receiveBatch(tiny, small, two, 100)).isEqualTo(2);
                assertThat(two).containsExactly(-Errno.EMSGSIZE, -Errno.EMSGSIZE);
            }
        }
    }

    @Test
    void batchReceivingAllocatesNothing() throws Exception {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        int slot = 8192;
        int[] lengths = new int[16];
        ByteBuffer rx = ByteBuffer.allocateDirect(slot * lengths.length);
        try (NetlinkSocket s = NetlinkSocket.open(Netlink.NETLINK_NETFILTER)) {
            for (int i = 0; i < 50_000; i++) { // let the JIT settle
                s.receiveBatch(rx, slot, lengths, 0);
            }
            long tid = Thread.currentThread().getId();
            long before = mx.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 10_000; i++) {
                s.receiveBatch(rx, slot, lengths, 0);
            }
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            assertThat(allocated).as("bytes allocated by 10k batch receive calls").isLessThan(10_000);
        }
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
