package org.btblocker.detectors.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.btblocker.detectors.bencode.BencodeGen.dict;

import java.lang.management.ManagementFactory;
import org.btblocker.api.Direction;
import org.btblocker.api.EndpointKnowledge;
import org.btblocker.api.FlowContext;
import org.btblocker.api.Verdict;
import org.btblocker.api.packet.PacketView;
import org.btblocker.detectors.bencode.BencodeGen;
import org.btblocker.testkit.Packets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The packet path allocates nothing: measured with the JVM's per-thread allocation counter. */
class DhtAllocationTest {

    /** A fixed flow context: first datagram, both directions seen, endpoints counted but not stored. */
    static final class FixedFlow implements FlowContext {
        long remembered;
        final EndpointKnowledge sink = (hi, lo, port, now) -> EndpointKnowledge.Standing.UNKNOWN;

        @Override public Direction direction() { return Direction.RESPONDER; }
        @Override public int packetIndex() { return 1; }
        @Override public int packetIndexInDirection() { return 0; }
        @Override public int payloadIndex() { return 0; }
        @Override public int payloadIndexInDirection() { return 0; }
        @Override public long bytesSoFar() { return 0; }
        @Override public long bytesInDirection() { return 0; }
        @Override public boolean hasBothDirections() { return true; }
        @Override public long slot(int index) { return 0; }
        @Override public void setSlot(int index, long value) { }
        @Override public EndpointKnowledge endpoints() { return sink; }
        @Override public boolean claimPeer(long hi, long lo, int port) {
            remembered += port;
            return true;
        }
        @Override public long nowNanos() { return 0; }
    }

    @Test
    void inspectAllocatesNothing() {
        var mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "needs per-thread allocation counters");
        var threads = (com.sun.management.ThreadMXBean) mx;
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported(), "allocation counter unsupported");
        threads.setThreadAllocatedMemoryEnabled(true);

        DhtDetector detector = new DhtDetector(new DhtSettings(4, true, 64));
        PacketView[] packets = {
            Packets.udp("10.0.0.1", 6881, "10.0.0.2", 6882, Packets.ascii(
                "d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456e1:q9:get_peers1:t2:aa1:y1:qe"))
                .view(),
            Packets.udp("10.0.0.2", 6882, "10.0.0.1", 6881, BencodeGen.encode(dict("t", "aa", "y", "r", "r",
                dict("id", "mnopqrstuvwxyz123456", "nodes", "0123456789abcdefghij\u0001\u0002\u0003\u0004\u001a\u00e1",
                    "values", BencodeGen.list("\n\u0000\u0000\u0007\u00c8\u00d5"))))).view(),
            Packets.udp("10.0.0.1", 5000, "10.0.0.2", 53, Packets.hex("1234010000010000000000000377777700")).view(),
        };
        FixedFlow flow = new FixedFlow();
        long tid = Thread.currentThread().getId();
        int matches = 0;
        for (int i = 0; i < 20_000; i++) {
            matches += run(detector, packets, flow);
        }
        long before = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 10_000; i++) {
            matches += run(detector, packets, flow);
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertThat(matches).isEqualTo(2 * 30_000);
        assertThat(flow.remembered).isPositive();
        assertThat(allocated).as("bytes allocated by 30,000 inspect calls").isLessThan(1024);
    }

    private static int run(DhtDetector detector, PacketView[] packets, FixedFlow flow) {
        int m = 0;
        for (PacketView p : packets) {
            Verdict v = detector.inspect(p, flow);
            m += v.isMatch() ? 1 : 0;
        }
        return m;
    }
}
