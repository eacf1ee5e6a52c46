package org.btblocker.detectors.utp;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Random;

import com.typesafe.config.ConfigFactory;
import org.btblocker.api.packet.PacketView;
import org.btblocker.testkit.Packets;
import org.btblocker.testkit.TestFlow;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The packet path allocates nothing: measured with the JVM's per-thread allocation counter. */
class UtpAllocationTest {

    @Test
    void inspectDoesNotAllocate() {
        var bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        var threads = (com.sun.management.ThreadMXBean) bean;
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported(), "allocation counter unsupported");
        UtpDetector detector = new UtpDetector(UtpSettings.from(
                ConfigFactory.defaultReference().getConfig("btblocker.utp")));
        Random r = new Random(1);
        PacketView[] views = new PacketView[64];
        for (int i = 0; i < views.length; i++) {
            byte[] p = i % 3 == 0 ? UtpGen.randomValid(r) : UtpGen.header(r.nextInt(5), 7, i, i);
            views[i] = (i % 2 == 0 ? Packets.udp("10.0.0.1", 1, "10.0.0.2", 2, p)
                    : Packets.udp("10.0.0.2", 2, "10.0.0.1", 1, p)).view();
        }
        TestFlow[] flows = new TestFlow[16];
        for (int i = 0; i < flows.length; i++) {
            flows[i] = new TestFlow(detector);
        }
        long sink = 0;
        for (int i = 0; i < 200_000; i++) { // warm up: let the JIT compile the path
            sink += detector.inspect(views[i & 63], flows[i & 15]).kind().ordinal();
        }
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 100_000; i++) {
            sink += detector.inspect(views[i & 63], flows[i & 15]).kind().ordinal();
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertThat(sink).isPositive();
        assertThat(allocated).as("bytes allocated by 100k inspect calls").isLessThan(4096);
    }
}
