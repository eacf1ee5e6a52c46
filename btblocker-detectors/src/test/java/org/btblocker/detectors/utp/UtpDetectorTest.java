package org.btblocker.detectors.utp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.btblocker.testkit.Packets.ascii;
import static org.btblocker.testkit.Packets.hex;

import java.util.Random;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import org.btblocker.api.Verdict;
import org.btblocker.testkit.Packets;
import org.btblocker.testkit.TestFlow;
import org.junit.jupiter.api.Test;

class UtpDetectorTest {

    private static final String A = "10.0.0.1";
    private static final String B = "192.0.2.7";
    private static final String A6 = "2001:db8::1";
    private static final String B6 = "2001:db8:ffff::2";
    private static final int PA = 40959;
    private static final int PB = 64969;

    private static UtpDetector detector() {
        return new UtpDetector(UtpSettings.from(ConfigFactory.defaultReference().getConfig("btblocker.utp")));
    }

    private static UtpDetector detector(String key, int value) {
        return new UtpDetector(UtpSettings.from(ConfigFactory.defaultReference().getConfig("btblocker.utp")
                .withValue(key, ConfigValueFactory.fromAnyRef(value))));
    }

    private static Packets fromA(byte[] payload) {
        return Packets.udp(A, PA, B, PB, payload);
    }

    private static Packets fromB(byte[] payload) {
        return Packets.udp(B, PB, A, PA, payload);
    }

    @Test
    void synAnsweredByStateMatches() {
        TestFlow flow = new TestFlow(detector());
        assertThat(flow.feed(fromA(UtpGen.header(UtpHeader.ST_SYN, 0x5302, 0xe7f5, 0)))).isSameAs(Verdict.UNDECIDED);
        assertThat(flow.feed(fromB(UtpGen.header(UtpHeader.ST_STATE, 0x5302, 0x49c7, 0xe7f5))))
                .isSameAs(UtpDetector.HANDSHAKE);
    }

    @Test
    void synAnsweredByStateMatchesOverIpv6() {
        TestFlow flow = new TestFlow(detector());
        assertThat(flow.feed(Packets.udp(A6, PA, B6, PB, UtpGen.header(UtpHeader.ST_SYN, 0xffff, 1, 0))))
                .isSameAs(Verdict.UNDECIDED);
        assertThat(flow.feed(Packets.udp(B6, PB, A6, PA, UtpGen.stateWithSack(0xffff, 0x1234, 1, 4))))
                .isSameAs(UtpDetector.HANDSHAKE);
    }

    @Test
    void synFromTheFlowsResponderAfterDhtTrafficMatches() {
        // the same socket carries DHT: B's KRPC query opened the flow, then B connects over uTP
        TestFlow flow = new TestFlow(detector());
        assertThat(flow.feed(fromB(ascii("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe"))))
                .isSameAs(Verdict.UNDECIDED);
        assertThat(flow.feed(fromB(UtpGen.header(UtpHeader.ST_SYN, 0x0042, 0x9000, 0)))).isSameAs(Verdict.UNDECIDED);
        assertThat(flow.feed(fromA(UtpGen.header(UtpHeader.ST_STATE, 0x0042, 0x0007, 0x9000))))
                .isSameAs(UtpDetector.HANDSHAKE);
    }

    @Test
    void synAloneAndItsRetransmissionsNeverMatch() {
        TestFlow flow = new TestFlow(detector());
        byte[] syn = UtpGen.header(UtpHeader.ST_SYN, 0x5302, 0xe7f5, 0);
        for (int i = 0; i < 31; i++) {
            assertThat(flow.feed(fromA(syn))).isSameAs(Verdict.UNDECIDED);
        }
        assertThat(flow.feed(fromA(syn))).isSameAs(Verdict.NOT_MINE); // maxDatagrams = 32
    }

    @Test
    void stateWithWrongConnectionIdDoesNotMatch() {
        TestFlow flow = new TestFlow(detector());
        flow.feed(fromA(UtpGen.header(UtpHeader.ST_SYN, 0x5302, 0xe7f5, 0)));
        assertThat(flow.feed(fromB(UtpGen.header(UtpHeader.ST_STATE, 0x5303, 0x49c7, 0xe7f5))))
                .isSameAs(Verdict.UNDECIDED);
        assertThat(flow.feed(fromB(UtpGen.header(UtpHeader.ST_STATE, 0x1111, 0x49c7, 0xe7f5))))
                .isSameAs(Verdict.UNDECIDED);
    }

    @Test
    void stateWithWrongAckDoesNotMatch() {
        TestFlow flow = new TestFlow(detector());
        flow.feed(fromA(UtpGen.header(UtpHeader.ST_SYN, 0x5302, 0xe7f5, 0)));
        assertThat(flow.feed(fromB(UtpGen.header(UtpHeader.ST_STATE, 0x5302, 0x49c7, 0xe7f6))))
                .isSameAs(Verdict.UNDECIDED);
        assertThat(flow.feed(fromB(UtpGen.header(UtpHeader.ST_STATE, 0x5302, 0x49c7, 0x0000))))
                .isSameAs(Verdict.UNDECIDED);
    }

    @Test
    void stateFromTheSynSenderItselfDoesNotMatch() {
        TestFlow flow = new TestFlow(detector());
        flow.feed(fromA(UtpGen.header(UtpHeader.ST_SYN, 0x5302, 0xe7f5, 0)));
        assertThat(flow.feed(fromA(UtpGen.header(UtpHeader.ST_STATE, 0x5302, 0x49c7, 0xe7f5))))
                .isSameAs(Verdict.UNDECIDED);
    }

    @Test
    void resetIsNotAnAnswer() {
        TestFlow flow = new TestFlow(detector());
        flow.feed(fromA(UtpGen.header(UtpHeader.ST_SYN, 0x5302, 0xe7f5, 0)));
        assertThat(flow.feed(fromB(UtpGen.header(UtpHeader.ST_RESET, 0x5302, 0x49c7, 0xe7f5))))
                .isSameAs(Verdict.UNDECIDED);
    }

    @Test
    void connectionJoinedMidStreamMatchesOnTheThirdHeader() {
        TestFlow flow = new TestFlow(detector());
        // BEP 29: the initiator sends with conn_id_recv + 1, the responder with the SYN's id
        assertThat(flow.feed(fromA(UtpGen.data(0x5303, 100, 500, new byte[300])))).isSameAs(Verdict.UNDECIDED);
        assertThat(flow.feed(fromB(UtpGen.stateWithSack(0x5302, 500, 100, 4)))).isSameAs(Verdict.UNDECIDED);
        assertThat(flow.feed(fromA(UtpGen.data(0x5303, 101, 500, new byte[300])))).isSameAs(UtpDetector.MID_STREAM);
    }

    @Test
    void midStreamHeaderCountIsConfigurable() {
        TestFlow flow = new TestFlow(detector("minHeadersMidStream", 5));
        flow.feed(fromA(UtpGen.data(0x5303, 100, 500, new byte[300])));
        flow.feed(fromB(UtpGen.header(UtpHeader.ST_STATE, 0x5302, 500, 100)));
        assertThat(flow.feed(fromA(UtpGen.data(0x5303, 101, 500, new byte[300])))).isSameAs(Verdict.UNDECIDED);
        assertThat(flow.feed(fromB(UtpGen.header(UtpHeader.ST_STATE, 0x5302, 500, 101)))).isSameAs(Verdict.UNDECIDED);
        assertThat(flow.feed(fromA(UtpGen.data(0x5303, 102, 500, new byte[300])))).isSameAs(UtpDetector.MID_STREAM);
    }

    @Test
    void midStreamNeedsRelatedConnectionIds() {
        TestFlow flow = new TestFlow(detector());
        for (int i = 0; i < 10; i++) {
            assertThat(flow.feed(fromA(UtpGen.data(0x5310, 100 + i, 500, new byte[100])))).isNotIn(
                    UtpDetector.MID_STREAM, UtpDetector.HANDSHAKE);
            assertThat(flow.feed(fromB(UtpGen.header(UtpHeader.ST_STATE, 0x5302, 500, 100 + i)))).isNotIn(
                    UtpDetector.MID_STREAM, UtpDetector.HANDSHAKE);
        }
    }

    @Test
    void midStreamNeedsEachSideToAckNearTheOthersSequence() {
        TestFlow flow = new TestFlow(detector());
        for (int i = 0; i < 5; i++) {
            assertThat(flow.feed(fromA(UtpGen.data(0x5303, 100 + i, 40000, new byte[100])))).isSameAs(Verdict.UNDECIDED);
            assertThat(flow.feed(fromB(UtpGen.header(UtpHeader.ST_STATE, 0x5302, 500, 100 + i))))
                    .isSameAs(Verdict.UNDECIDED);
        }
    }

    @Test
    void repeatedIdenticalHeadersDoNotCount() {
        TestFlow flow = new TestFlow(detector());
        byte[] a = UtpGen.data(0x5303, 100, 500, new byte[10]);
        byte[] b = UtpGen.header(UtpHeader.ST_STATE, 0x5302, 500, 100);
        assertThat(flow.feed(fromA(a))).isSameAs(Verdict.UNDECIDED);
        assertThat(flow.feed(fromB(b))).isSameAs(Verdict.UNDECIDED);
        assertThat(flow.feed(fromA(a))).isSameAs(Verdict.UNDECIDED);
        assertThat(flow.feed(fromB(b))).isSameAs(Verdict.UNDECIDED);
    }

    @Test
    void oneWayConnectionMatchesAfterSixAdvancingHeaders() {
        TestFlow flow = new TestFlow(detector());
        for (int i = 0; i < 5; i++) {
            assertThat(flow.feed(fromA(UtpGen.data(0x0777, 10 + i, 3000, new byte[200])))).isSameAs(Verdict.UNDECIDED);
        }
        assertThat(flow.feed(fromA(UtpGen.data(0x0777, 15, 3000, new byte[200])))).isSameAs(UtpDetector.ONE_WAY);
    }

    @Test
    void oneWayRuleCanBeTurnedOff() {
        TestFlow flow = new TestFlow(detector("minHeadersOneWay", 0));
        for (int i = 0; i < 20; i++) {
            assertThat(flow.feed(fromA(UtpGen.data(0x0777, 10 + i, 3000, new byte[200])))).isSameAs(Verdict.UNDECIDED);
        }
    }

    @Test
    void oneWayNeedsAConstantConnectionId() {
        TestFlow flow = new TestFlow(detector());
        for (int i = 0; i < 20; i++) {
            assertThat(flow.feed(fromA(UtpGen.data(0x0777 + (i & 1), 10 + i, 3000, new byte[200]))))
                    .isSameAs(Verdict.UNDECIDED);
        }
    }

    @Test
    void tcpIsNotMine() {
        TestFlow flow = new TestFlow(detector());
        assertThat(flow.feed(Packets.tcp(A, PA, B, PB, UtpGen.header(UtpHeader.ST_SYN, 1, 2, 0))))
                .isSameAs(Verdict.NOT_MINE);
    }

    // --- other UDP protocols, both directions, several datagrams: never a match, NOT_MINE after maxDatagrams ---

    private static void assertNeverMatches(byte[] fromInitiator, byte[] fromResponder) {
        TestFlow flow = new TestFlow(detector());
        Verdict last = null;
        for (int i = 0; i < 16; i++) {
            last = flow.feed(fromA(fromInitiator));
            assertThat(last.isMatch()).isFalse();
            last = flow.feed(fromB(fromResponder));
            assertThat(last.isMatch()).isFalse();
        }
        assertThat(last).isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void dnsIsNotMatched() {
        byte[] query = hex("1271 0100 0001 0000 0000 0000 06726f75746572 0875746f7272656e74 03636f6d 00 0001 0001");
        byte[] answer = hex("1271 8180 0001 0001 0000 0000 06726f75746572 0875746f7272656e74 03636f6d 00 0001 0001"
                + " c00c 0001 0001 0000012c 0004 5db8d822");
        assertNeverMatches(query, answer);
    }

    @Test
    void stunIsNotMatched() {
        // Binding request / success response (RFC 5389): type 0x0001 / 0x0101, magic cookie 0x2112a442
        byte[] request = hex("0001 0000 2112a442 0102030405060708090a0b0c");
        byte[] response = hex("0101 000c 2112a442 0102030405060708090a0b0c 0020 0008 0001 e1ba 5e12a443");
        assertNeverMatches(request, response);
    }

    @Test
    void quicIsNotMatched() {
        byte[] initial = new byte[1200];
        new Random(1).nextBytes(initial);
        initial[0] = (byte) 0xc3;
        System.arraycopy(hex("00000001 08"), 0, initial, 1, 5);
        byte[] shortHeader = new byte[60];
        new Random(2).nextBytes(shortHeader);
        shortHeader[0] = 0x41; // short header with fixed bit: looks like uTP SYN v1 in its first byte
        shortHeader[1] = 0;
        assertNeverMatches(initial, shortHeader);
    }

    @Test
    void wireGuardIsNotMatched() {
        byte[] initiation = new byte[148];
        new Random(3).nextBytes(initiation);
        initiation[0] = 1;
        initiation[1] = initiation[2] = initiation[3] = 0;
        byte[] response = new byte[92];
        new Random(4).nextBytes(response);
        response[0] = 2;
        response[1] = response[2] = response[3] = 0;
        assertNeverMatches(initiation, response);
    }

    @Test
    void capwapLikeZeroIdsBothWaysAreNotMatched() {
        // a control protocol whose first bytes happen to read as uTP ST_DATA v1 with connection id 0 both ways
        TestFlow flow = new TestFlow(detector());
        for (int i = 0; i < 15; i++) {
            assertThat(flow.feed(fromA(UtpGen.data(0, 14337 + i, 0, new byte[40]))).isMatch()).isFalse();
            assertThat(flow.feed(fromB(UtpGen.data(0, 12035 + i, 0, new byte[40]))).isMatch()).isFalse();
        }
    }

    // --- random flows ---

    @Test
    void randomFlowsEssentiallyNeverMatch() {
        Random r = new Random(0x5eed);
        int matches = 0;
        for (int f = 0; f < 3000; f++) {
            TestFlow flow = new TestFlow(detector());
            for (int i = 0; i < 12; i++) {
                byte[] p = new byte[20 + r.nextInt(200)];
                r.nextBytes(p);
                Verdict v = flow.feed(r.nextBoolean() ? fromA(p) : fromB(p));
                matches += v.isMatch() ? 1 : 0;
            }
        }
        assertThat(matches).isZero();
    }

    @Test
    void randomHeaderShapedFlowsEssentiallyNeverMatch() {
        // every datagram is a valid uTP header with random fields: only the flow rules stand in the way
        Random r = new Random(0xbeef);
        int matches = 0;
        for (int f = 0; f < 3000; f++) {
            TestFlow flow = new TestFlow(detector());
            for (int i = 0; i < 12; i++) {
                byte[] p = UtpGen.header(r.nextInt(5), r.nextInt(0x10000), r.nextInt(0x10000), r.nextInt(0x10000));
                Verdict v = flow.feed(r.nextBoolean() ? fromA(p) : fromB(p));
                matches += v.isMatch() ? 1 : 0;
            }
        }
        assertThat(matches).isZero();
    }
}
