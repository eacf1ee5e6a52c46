package org.btblocker.detectors.lsd;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.btblocker.api.packet.PacketView;
import org.btblocker.testkit.Packets;
import org.btblocker.testkit.TestFlow;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The LSD parser and group check allocate nothing. */
class LsdAllocationTest {

    @Test
    void parseAllocatesNothing() {
        var mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "needs per-thread allocation counters");
        var threads = (com.sun.management.ThreadMXBean) mx;
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported(), "allocation counter unsupported");
        threads.setThreadAllocatedMemoryEnabled(true);
        ByteBuffer b = ByteBuffer.wrap(Packets.ascii("BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\n"
            + "Port: 6881\r\nInfohash: ED4F1085E885F98F9A69B70EE89EB988B8FD9115\r\ncookie: c\r\n\r\n\r\n"));
        PacketView p = Packets.udp("10.0.0.1", 6771, "239.192.152.143", 6771, new byte[] {1}).view();
        long tid = Thread.currentThread().getId();
        long sum = 0;
        for (int i = 0; i < 20_000; i++) {
            sum += LsdAnnounce.parse(b, 0, b.limit()) + (LsdAnnounce.isGroup(p.dstHi(), p.dstLo(), p.dstPort()) ? 1 : 0);
        }
        long before = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 10_000; i++) {
            sum += LsdAnnounce.parse(b, 0, b.limit()) + (LsdAnnounce.isGroup(p.dstHi(), p.dstLo(), p.dstPort()) ? 1 : 0);
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertThat(sum).isEqualTo(2 * 30_000);
        assertThat(allocated).isLessThan(1024);
        assertThat(new TestFlow(new LsdDetector(new LsdSettings(false))).feed(p).isMatch()).isFalse();
    }
}
