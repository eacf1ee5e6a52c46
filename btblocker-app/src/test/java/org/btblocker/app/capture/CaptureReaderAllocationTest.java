package org.btblocker.app.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.btblocker.api.packet.PacketView;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-packet path of the reader allocates nothing: reading 20x more packets costs no more memory. */
class CaptureReaderAllocationTest {

    @TempDir
    Path dir;

    @Test
    void readingMorePacketsAllocatesNothingMore() throws IOException {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean
            && ((com.sun.management.ThreadMXBean) bean).isThreadAllocatedMemorySupported(),
            "per-thread allocation counters are not available on this JVM");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        Path small = capture("small.pcapng", 1_000);
        Path large = capture("large.pcapng", 20_000);
        PacketView view = new PacketView();
        read(small, view); // warm up class loading
        read(large, view);

        long before = threads.getCurrentThreadAllocatedBytes();
        read(small, view);
        long smallBytes = threads.getCurrentThreadAllocatedBytes() - before;
        before = threads.getCurrentThreadAllocatedBytes();
        read(large, view);
        long largeBytes = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(largeBytes - smallBytes).as("bytes allocated for 19,000 more packets").isLessThan(19_000);
    }

    private Path capture(String name, int packets) throws IOException {
        CaptureWriter w = CaptureWriter.pcapng(ByteOrder.LITTLE_ENDIAN).iface(1, 9, 0);
        byte[] frame = CaptureWriter.ipEthernet(CaptureWriter.ipv4Udp(1, 2, 3, 4, new byte[100]), 0x8100);
        for (int i = 0; i < packets; i++) {
            w.epb(0, i * 1000L, frame);
        }
        return w.writeTo(dir.resolve(name));
    }

    private static long read(Path file, PacketView view) throws IOException {
        long ports = 0;
        try (CaptureReader r = CaptureReader.open(file)) {
            while (r.next()) {
                view.reset(r.buffer(), r.ipOffset(), r.ipLength());
                ports += view.dstPort() + r.timestampNanos();
            }
        }
        return ports;
    }
}
