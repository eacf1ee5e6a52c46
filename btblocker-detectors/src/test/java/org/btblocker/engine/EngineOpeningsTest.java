package org.btblocker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.btblocker.api.Detector;
import org.btblocker.api.DetectorProvider;
import org.btblocker.api.FlowContext;
import org.btblocker.api.Interest;
import org.btblocker.api.Verdict;
import org.btblocker.api.packet.PacketView;
import org.btblocker.testkit.Packets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/** {@link Engine.Builder#captureOpenings}: each direction's first bytes reach the decision, at no per-packet cost. */
class EngineOpeningsTest {

    /** Matches a payload starting with "BT", else wants more; allocates nothing. */
    static final class QuietMarker implements DetectorProvider {
        @Override public String name() { return "marker"; }
        @Override public Interest interest() { return Interest.TCP_AND_UDP_PAYLOAD; }

        @Override
        public Detector create(Config own) {
            Verdict match = Verdict.match("marker");
            return (PacketView p, FlowContext flow) -> p.payloadLength() >= 2 && p.payloadByte(0) == 'B'
                    && p.payloadByte(1) == 'T' ? match : Verdict.UNDECIDED;
        }
    }

    private final List<Decision> decisions = new ArrayList<>();

    private Engine engine(boolean capture, int initialFlows) {
        Config root = ConfigFactory.parseString("btblocker.whitelistPorts = []\nbtblocker.maxPacketsPerFlow = 1000")
                .withFallback(ConfigFactory.defaultReference()).resolve();
        return Engine.builder(root).providers(List.of(new QuietMarker()))
                .listener(decisions::add).captureOpenings(capture).initialFlows(initialFlows).build();
    }

    private static PacketView udp(String src, int sp, String dst, int dp, byte[] payload) {
        return Packets.udp(src, sp, dst, dp, payload).view();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void theDecisionCarriesTheFirst64BytesOfEachDirectionAcrossPackets() {
        Engine e = engine(true, 16);
        byte[] first = ascii("a".repeat(40));
        byte[] second = ascii("b".repeat(40));
        e.inspect(udp("10.0.0.1", 4000, "10.0.0.2", 5000, first), 1);
        e.inspect(udp("10.0.0.1", 4000, "10.0.0.2", 5000, second), 2);
        byte[] reply = ascii("BT" + "c".repeat(98));
        assertThat(e.inspect(udp("10.0.0.2", 5000, "10.0.0.1", 4000, reply), 3)).isEqualTo(Engine.Action.BLOCK);

        Decision d = decisions.get(0);
        assertThat(new String(d.initiatorOpening(), StandardCharsets.US_ASCII))
                .isEqualTo("a".repeat(40) + "b".repeat(24));
        assertThat(d.responderOpening()).isEqualTo(Arrays.copyOf(reply, Engine.Builder.OPENING_BYTES));
    }

    @Test
    void aShortOpeningIsKeptWholeAndAnUnheardDirectionIsEmpty() {
        Engine e = engine(true, 16);
        e.inspect(udp("10.0.0.1", 4000, "10.0.0.2", 5000, ascii("BT hello")), 1);
        Decision d = decisions.get(0);
        assertThat(d.initiatorOpening()).isEqualTo(ascii("BT hello"));
        assertThat(d.responderOpening()).isEmpty();
    }

    @Test
    void aRetiredFlowsBytesDoNotLeakIntoTheNextFlowOfItsSlot() {
        Engine e = engine(true, 16);
        e.inspect(udp("10.0.0.1", 4000, "10.0.0.2", 5000, ascii("x".repeat(30))), 1);
        e.clearFlows();
        e.inspect(udp("10.0.0.1", 4000, "10.0.0.2", 5000, ascii("BT")), 2);
        assertThat(decisions.get(0).initiatorOpening()).isEqualTo(ascii("BT"));
    }

    @Test
    void withoutCaptureTheDecisionHasNoOpenings() {
        Engine e = engine(false, 16);
        e.inspect(udp("10.0.0.1", 4000, "10.0.0.2", 5000, ascii("BT hello")), 1);
        assertThat(decisions.get(0).initiatorOpening()).isNull();
        assertThat(decisions.get(0).responderOpening()).isNull();
    }

    @Test
    void capturingAllocatesNothingPerPacket() {
        var bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        var threads = (com.sun.management.ThreadMXBean) bean;
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported(), "allocation counter unsupported");
        threads.setThreadAllocatedMemoryEnabled(true);

        int flows = 1000;
        Engine e = engine(true, 4 * flows);
        PacketView[] packets = new PacketView[flows];
        for (int i = 0; i < flows; i++) {
            packets[i] = udp("10.0." + (i >> 8) + "." + (i & 255), 4000, "10.1.0.1", 5000, ascii("z".repeat(50)));
        }
        for (PacketView p : packets) {
            e.inspect(p, 1);                  // every flow created, its opening half full
        }
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        for (int round = 0; round < 3; round++) {
            for (PacketView p : packets) {
                e.inspect(p, 2 + round);      // the opening fills up, then stays full
            }
        }
        long after = threads.getThreadAllocatedBytes(thread);
        assertThat(decisions).isEmpty();
        // 3,000 packets; one allocation per packet would be >= 48 KB
        assertThat(after - before).isLessThan(4_096);
    }
}
