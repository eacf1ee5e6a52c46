package org.btblocker.detectors.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.btblocker.testkit.Packets.concat;

import java.lang.management.ManagementFactory;
import java.util.Random;

import org.btblocker.api.packet.PacketView;
import org.btblocker.testkit.TestFlow;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The packet path allocates nothing (STYLE 2.5): measured with the JVM's per-thread allocation counter. */
class HandshakeAllocationTest {

    @Test
    void inspectAllocatesNothing() {
        var bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        var threads = (com.sun.management.ThreadMXBean) bean;
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported(), "allocation counter unsupported");
        threads.setThreadAllocatedMemoryEnabled(true);

        Random r = new Random(1);
        PacketView[] packets = {
            HandshakeDetectorTest.fromA(PeerWireGen.randomBytes(r, 300)).view(),
            HandshakeDetectorTest.fromB(concat(PeerWireGen.have(1), PeerWireGen.piece(1, 0, new byte[2000]))).view(),
            HandshakeDetectorTest.fromB(PeerWireGen.randomBytes(r, 1400)).view(),
            HandshakeDetectorTest.fromA(PeerWireGen.extended(3, PeerWireGen.extensionHandshakeDict())).view(),
            HandshakeDetectorTest.fromA(PeerWireGen.extended(0, PeerWireGen.extensionHandshakeDict())).view(),
            HandshakeDetectorTest.fromB(PeerWireGen.handshake()).view(),
        };
        int flows = 2_000;
        TestFlow[] all = new TestFlow[flows];
        HandshakeDetector detector = new HandshakeDetector(HandshakeDetectorTest.SETTINGS);
        for (int i = 0; i < flows; i++) {
            all[i] = new TestFlow(detector);
        }
        feed(all, packets, 0, flows / 2);                     // warm-up: class loading, first-call allocations
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        feed(all, packets, flows / 2, flows);
        long after = threads.getThreadAllocatedBytes(thread);
        // 1,000 flows x 6 packets; one allocation per packet would be >= 96 KB
        assertThat(after - before).isLessThan(4_096);
    }

    private static void feed(TestFlow[] flows, PacketView[] packets, int from, int to) {
        for (int i = from; i < to; i++) {
            for (PacketView p : packets) {
                flows[i].feed(p);
            }
        }
    }
}
