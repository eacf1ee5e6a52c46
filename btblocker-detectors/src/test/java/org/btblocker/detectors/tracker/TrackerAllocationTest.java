package org.btblocker.detectors.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;

import org.btblocker.api.packet.PacketView;
import org.btblocker.testkit.TestFlow;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The packet path allocates nothing (STYLE 2.5): measured with the JVM's per-thread allocation counter. */
class TrackerAllocationTest {

    @Test
    void inspectAllocatesNothing() {
        var bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        var threads = (com.sun.management.ThreadMXBean) bean;
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported(), "allocation counter unsupported");
        threads.setThreadAllocatedMemoryEnabled(true);

        PacketView[][] flowsOfPackets = {
            {   // UDP: connect exchange, announce without a response (no peers remembered: the test set allocates)
                TrackerDetectorTest.udpA(TrackerGen.connectRequest(1)).view(),
                TrackerDetectorTest.udpB(TrackerGen.connectResponse(1, 9L)).view(),
                TrackerDetectorTest.udpA(TrackerGen.announceRequest(9L, 2)).view(),
                TrackerDetectorTest.udpB(TrackerGen.scrapeResponse(7, 1)).view(),
            },
            {   // HTTP: an ordinary request and response
                TrackerDetectorTest.tcpA(TrackerGen.httpGet("/index.html?q=1&info_hash=abc",
                        "User-Agent: Mozilla/5.0", "Accept: */*")).view(),
                TrackerDetectorTest.tcpB(TrackerGen.httpResponse(TrackerGen.peersBody(new byte[0]))).view(),
            },
            {   // HTTP announce, then a failure response
                TrackerDetectorTest.tcpA(TrackerGen.httpGet("/announce?" + TrackerGen.announceQuery(
                        TrackerGen.filled(20, 1), TrackerGen.filled(20, 2), 6881))).view(),
                TrackerDetectorTest.tcpB(TrackerGen.httpResponse(
                        org.btblocker.testkit.Packets.ascii("d14:failure reason3:note"))).view(),
            },
        };
        TrackerDetector detector = new TrackerDetector(TrackerDetectorTest.DEFAULTS);
        int flows = 1_000;
        TestFlow[][] all = new TestFlow[flowsOfPackets.length][flows];
        for (TestFlow[] row : all) {
            for (int i = 0; i < flows; i++) {
                row[i] = new TestFlow(detector);
            }
        }
        feed(all, flowsOfPackets, 0, flows / 2);
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        feed(all, flowsOfPackets, flows / 2, flows);
        long after = threads.getThreadAllocatedBytes(thread);
        assertThat(after - before).isLessThan(4_096);
    }

    private static void feed(TestFlow[][] all, PacketView[][] packets, int from, int to) {
        for (int f = 0; f < packets.length; f++) {
            for (int i = from; i < to; i++) {
                for (PacketView p : packets[f]) {
                    all[f][i].feed(p);
                }
            }
        }
    }
}
