package org.btblocker.netfilter.nfqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.btblocker.netlink.NetNs;
import org.btblocker.netlink.TestNetns;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real kernel path, inside a throwaway network namespace: an iptables NFQUEUE rule on loopback UDP port 9, the
 * queue served by {@link QueueService}, datagrams sent to 127.0.0.1:9 inside the namespace. Needs root and
 * iptables; the namespace is deleted afterwards, even on failure.
 */
class NfqueueIT {

    private static final int QUEUE = 7;
    /** An upper bound for events that normally take microseconds; never a timing assertion. */
    private static final long PATIENCE_SECONDS = 10;

    @BeforeAll
    static void rootAndIptables() {
        Assumptions.assumeTrue(TestNetns.canCreate(), "needs root and iproute2 (ip netns)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/iptables"))
                || Files.isExecutable(Path.of("/sbin/iptables")), "needs iptables");
        Assumptions.assumeTrue(Files.exists(Path.of("/proc/net/netfilter/nfnetlink_queue")),
                "needs the nfnetlink_queue kernel module");
    }

    /** Text of the UDP payload of an IPv4 packet (20-byte IP header without options, 8-byte UDP header). */
    private static String udpText(ByteBuffer buf, int off, int len) {
        int ihl = (buf.get(off) & 0x0f) * 4;
        int start = off + ihl + 8;
        byte[] b = new byte[Math.max(0, off + len - start)];
        for (int i = 0; i < b.length; i++) {
            b[i] = buf.get(start + i);
        }
        return new String(b, StandardCharsets.US_ASCII);
    }

    private static String receive(DatagramChannel ch, Selector sel) throws Exception {
        if (sel.select(TimeUnit.SECONDS.toMillis(PATIENCE_SECONDS)) == 0) {
            return null;
        }
        sel.selectedKeys().clear();
        ByteBuffer b = ByteBuffer.allocate(2048);
        ch.receive(b);
        b.flip();
        return StandardCharsets.US_ASCII.decode(b).toString();
    }

    @Test
    void handlerSeesQueuedDatagramsAndItsVerdictsDropOrDeliverThem() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        PacketHandler handler = (buf, off, len, p) -> {
            String text = udpText(buf, off, len);
            seen.add(text);
            return text.startsWith("drop") ? PacketHandler.DROP : PacketHandler.ACCEPT;
        };
        try (TestNetns ns = TestNetns.create("nfq")) {
            ns.exec("iptables", "-A", "OUTPUT", "-o", "lo", "-p", "udp", "--dport", "9", "-j", "NFQUEUE",
                    "--queue-num", String.valueOf(QUEUE));
            DatagramChannel server;
            DatagramChannel client;
            try (NetNs in = NetNs.enter(ns.name())) {
                server = DatagramChannel.open();
                client = DatagramChannel.open();
            }
            QueueService service = null;
            try (server; client; Selector sel = Selector.open()) {
                service = QueueService.start(QueueConfig.of(QUEUE), handler, QueueService.inNamespace(ns.name()));
                assertThat(service.isRunning()).isTrue();
                server.bind(new InetSocketAddress("127.0.0.1", 9));
                server.configureBlocking(false).register(sel, SelectionKey.OP_READ);
                InetSocketAddress target = new InetSocketAddress("127.0.0.1", 9);

                client.send(StandardCharsets.US_ASCII.encode("accept-1"), target);
                assertThat(seen.poll(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("accept-1");
                assertThat(receive(server, sel)).isEqualTo("accept-1");

                client.send(StandardCharsets.US_ASCII.encode("drop-1"), target);
                assertThat(seen.poll(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("drop-1");
                client.send(StandardCharsets.US_ASCII.encode("accept-2"), target);
                assertThat(seen.poll(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("accept-2");
                // the dropped datagram never arrives: the next one delivered is the accepted one after it
                assertThat(receive(server, sel)).isEqualTo("accept-2");

                QueueStats st = service.stats();
                assertThat(st.received()).isEqualTo(3);
                assertThat(st.accepted()).isEqualTo(2);
                assertThat(st.dropped()).isEqualTo(1);
                assertThat(st.gaps()).isZero();
                assertThat(st.verdictErrors()).isZero();

                // a second binder of the same queue gets the operator's hint
                assertThatThrownBy(() -> QueueService.start(QueueConfig.of(QUEUE), handler,
                        QueueService.inNamespace(ns.name())))
                        .isInstanceOf(QueueBindException.class)
                        .hasMessage("queue 7 is already bound by another process (EPERM); stop it or set "
                                + "btblocker.queueNum");
            } finally {
                if (service != null) {
                    service.stop();
                }
            }
            assertThat(service.isRunning()).isFalse();
            assertThat(service.failure()).isNull();
        }
    }

    @Test
    void theQueueThreadAllocatesNothingPerPacket() throws Exception {
        int warmup = 20_000;
        int measured = 5_000;
        CountDownLatch warm = new CountDownLatch(warmup);
        CountDownLatch done = new CountDownLatch(warmup + measured);
        PacketHandler handler = (buf, off, len, p) -> {
            warm.countDown();
            done.countDown();
            return PacketHandler.ACCEPT;
        };
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (TestNetns ns = TestNetns.create("nfqa")) {
            ns.exec("iptables", "-A", "OUTPUT", "-o", "lo", "-p", "udp", "--dport", "9", "-j", "NFQUEUE",
                    "--queue-num", String.valueOf(QUEUE));
            DatagramChannel client;
            try (NetNs in = NetNs.enter(ns.name())) {
                client = DatagramChannel.open();
            }
            QueueService service = null;
            try (client) {
                service = QueueService.start(QueueConfig.of(QUEUE), handler, QueueService.inNamespace(ns.name()));
                long queueThread = threadId("nfqueue-" + QUEUE);
                InetSocketAddress target = new InetSocketAddress("127.0.0.1", 9);
                ByteBuffer payload = ByteBuffer.allocate(32);
                for (int i = 0; i < warmup; i++) {
                    client.send(payload.clear(), target);
                }
                assertThat(warm.await(PATIENCE_SECONDS * 3, TimeUnit.SECONDS)).isTrue();
                long before = mx.getThreadAllocatedBytes(queueThread);
                for (int i = 0; i < measured; i++) {
                    client.send(payload.clear(), target);
                }
                assertThat(done.await(PATIENCE_SECONDS * 3, TimeUnit.SECONDS)).isTrue();
                long allocated = mx.getThreadAllocatedBytes(queueThread) - before;
                assertThat(allocated).as("bytes allocated by the queue thread for %d packets", measured)
                        .isLessThan(measured);
                // The handler counts down before the loop records its verdict: wait for the last one to be counted.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
                while (service.stats().accepted() < warmup + measured && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertThat(service.stats().accepted()).isEqualTo(warmup + measured);
            } finally {
                if (service != null) {
                    service.stop();
                }
            }
        }
    }

    private static long threadId(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return t.getId();
            }
        }
        throw new AssertionError("no thread " + name);
    }
}
