package org.btblocker.detectors.entropy;

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
class EntropyAllocationTest {

    @Test
    void inspectDoesNotAllocate() {
        var bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        var threads = (com.sun.management.ThreadMXBean) bean;
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported(), "allocation counter unsupported");
        EntropyDetector detector = new EntropyDetector(EntropySettings.from(
                ConfigFactory.load().getConfig("btblocker.entropy")));
        Random r = new Random(1);
        PacketView[] views = new PacketView[64];
        for (int i = 0; i < views.length; i++) {
            byte[] p = EntropySamples.mseKey(r);
            if (i % 4 == 1) {
                p[0] = 0x01; // uTP ST_DATA v1 without extension
                p[1] = 0;
            }
            views[i] = switch (i % 4) {
                case 0 -> Packets.tcp("10.0.0.1", 50000, "10.0.0.2", 6881, PacketView.SYN, i, 0, new byte[0]).view();
                case 1 -> Packets.udp("10.0.0.1", 50000, "10.0.0.2", 6881, p).view();
                case 2 -> Packets.tcp("10.0.0.2", 6881, "10.0.0.1", 50000, PacketView.SYN | PacketView.ACK, i, 1,
                        new byte[0]).view();
                default -> Packets.tcp("10.0.0.1", 50000, "10.0.0.2", 6881, PacketView.ACK, i - 2, 1, p).view();
            };
        }
        TestFlow[] flows = new TestFlow[16];
        for (int i = 0; i < flows.length; i++) {
            flows[i] = new TestFlow(detector);
        }
        long sink = 0;
        for (int i = 0; i < 200_000; i++) {
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
