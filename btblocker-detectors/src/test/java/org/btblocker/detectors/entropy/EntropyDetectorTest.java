package org.btblocker.detectors.entropy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.btblocker.testkit.Packets.ascii;
import static org.btblocker.testkit.Packets.concat;
import static org.btblocker.testkit.Packets.hex;

import java.nio.ByteBuffer;
import java.util.Random;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import org.btblocker.api.Verdict;
import org.btblocker.api.packet.PacketView;
import org.btblocker.detectors.utp.UtpHeader;
import org.btblocker.testkit.Packets;
import org.btblocker.testkit.TestFlow;
import org.junit.jupiter.api.Test;

class EntropyDetectorTest {

    private static final String A = "10.0.0.1";
    private static final String B = "192.0.2.7";
    private static final int PA = 54937;
    private static final int PB = 51413;
    private static final long ISN_A = 0xfffffff0L; // wraps: first payload at 0xfffffff1
    private static final long ISN_B = 0x12345678L;

    private static EntropyDetector detector() {
        return new EntropyDetector(EntropySettings.from(ConfigFactory.load().getConfig("btblocker.entropy")));
    }

    private static EntropyDetector detector(String key, Object value) {
        return new EntropyDetector(EntropySettings.from(ConfigFactory.load().getConfig("btblocker.entropy")
                .withValue(key, ConfigValueFactory.fromAnyRef(value))));
    }

    /** A TCP flow that has gone through the three-way handshake. */
    private static TestFlow handshaken(EntropyDetector d, String a, int pa, String b, int pb) {
        TestFlow flow = new TestFlow(d);
        assertThat(flow.feed(Packets.tcp(a, pa, b, pb, PacketView.SYN, ISN_A, 0, new byte[0])))
                .isSameAs(Verdict.UNDECIDED);
        assertThat(flow.feed(Packets.tcp(b, pb, a, pa, PacketView.SYN | PacketView.ACK, ISN_B, ISN_A + 1,
                new byte[0]))).isSameAs(Verdict.UNDECIDED);
        assertThat(flow.feed(Packets.tcp(a, pa, b, pb, PacketView.ACK, ISN_A + 1, ISN_B + 1, new byte[0])))
                .isSameAs(Verdict.UNDECIDED);
        return flow;
    }

    private static Packets fromA(byte[] payload) {
        return Packets.tcp(A, PA, B, PB, PacketView.ACK | PacketView.PSH, (ISN_A + 1) & 0xffffffffL, ISN_B + 1,
                payload);
    }

    private static Packets fromB(byte[] payload) {
        return Packets.tcp(B, PB, A, PA, PacketView.ACK | PacketView.PSH, ISN_B + 1, (ISN_A + 1) & 0xffffffffL,
                payload);
    }

    private static Verdict exchange(EntropyDetector d, byte[] initiator, byte[] responder) {
        TestFlow flow = handshaken(d, A, PA, B, PB);
        Verdict first = flow.feed(fromA(initiator));
        if (first != Verdict.UNDECIDED) {
            return first;
        }
        return flow.feed(fromB(responder));
    }

    @Test
    void randomKeyExchangeOverTcpMatches() {
        Random r = new Random(1);
        TestFlow flow = handshaken(detector(), A, PA, B, PB);
        assertThat(flow.feed(fromA(EntropySamples.random(r, 96 + 200)))).isSameAs(Verdict.UNDECIDED);
        assertThat(flow.feed(fromB(EntropySamples.random(r, 96 + 17)))).isSameAs(EntropyDetector.MSE_TCP);
    }

    @Test
    void randomKeyExchangeOverIpv6Matches() {
        Random r = new Random(2);
        String a6 = "2001:db8::1";
        String b6 = "2001:db8::2";
        TestFlow flow = handshaken(detector(), a6, PA, b6, PB);
        assertThat(flow.feed(Packets.tcp(a6, PA, b6, PB, PacketView.ACK, ISN_A + 1 & 0xffffffffL, ISN_B + 1,
                EntropySamples.random(r, 608)))).isSameAs(Verdict.UNDECIDED);
        assertThat(flow.feed(Packets.tcp(b6, PB, a6, PA, PacketView.ACK, ISN_B + 1, ISN_A + 1 & 0xffffffffL,
                EntropySamples.random(r, 96)))).isSameAs(EntropyDetector.MSE_TCP);
    }

    @Test
    void almostAllRandomExchangesMatch() {
        Random r = new Random(3);
        EntropyDetector d = detector();
        int matches = 0;
        for (int i = 0; i < 1000; i++) {
            matches += exchange(d, EntropySamples.mseKey(r), EntropySamples.mseKey(r)).isMatch() ? 1 : 0;
        }
        assertThat(matches).isGreaterThanOrEqualTo(990);
    }

    @Test
    void retransmittedFirstPayloadIsTolerated() {
        Random r = new Random(4);
        byte[] ya = EntropySamples.mseKey(r);
        TestFlow flow = handshaken(detector(), A, PA, B, PB);
        for (int i = 0; i < 4; i++) {
            assertThat(flow.feed(fromA(ya))).isSameAs(Verdict.UNDECIDED);
        }
        assertThat(flow.feed(fromB(EntropySamples.mseKey(r)))).isSameAs(EntropyDetector.MSE_TCP);
    }

    @Test
    void initiatorThatKeepsTalkingIsNotMse() {
        Random r = new Random(5);
        TestFlow flow = handshaken(detector(), A, PA, B, PB);
        for (int i = 0; i < 4; i++) {
            assertThat(flow.feed(fromA(EntropySamples.mseKey(r)))).isSameAs(Verdict.UNDECIDED);
        }
        assertThat(flow.feed(fromA(EntropySamples.mseKey(r)))).isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void onlyOneRandomSideIsNotMse() {
        Random r = new Random(6);
        assertThat(exchange(detector(), EntropySamples.mseKey(r), EntropySamples.httpResponse()))
                .isSameAs(Verdict.NOT_MINE);
        assertThat(exchange(detector(), EntropySamples.mseKey(r), new byte[200])).isSameAs(Verdict.NOT_MINE);
        assertThat(exchange(detector(), ascii(EntropySamples.ENGLISH), EntropySamples.mseKey(r)))
                .isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void initiatorPayloadOutsideTheMseWindowIsNotMse() {
        Random r = new Random(7);
        assertThat(exchange(detector(), EntropySamples.random(r, 40), EntropySamples.mseKey(r)))
                .isSameAs(Verdict.NOT_MINE);
        assertThat(exchange(detector(), EntropySamples.random(r, 2000), EntropySamples.mseKey(r)))
                .isSameAs(Verdict.NOT_MINE);
        assertThat(exchange(detector(), EntropySamples.random(r, 95), EntropySamples.mseKey(r)))
                .isSameAs(Verdict.NOT_MINE);
        assertThat(exchange(detector(), EntropySamples.random(r, 609), EntropySamples.mseKey(r)))
                .isSameAs(Verdict.NOT_MINE);
        assertThat(exchange(detector(), EntropySamples.mseKey(r), EntropySamples.random(r, 700)))
                .isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void tlsOpeningIsNotMse() {
        Random r = new Random(8);
        assertThat(exchange(detector(), EntropySamples.tlsClientHello(r), EntropySamples.tlsServerHello(r)))
                .isSameAs(Verdict.NOT_MINE);
        // even a random-looking first payload followed by a ServerHello-like (mostly random) answer
        assertThat(exchange(detector(), EntropySamples.mseKey(r), EntropySamples.tlsServerHello(r)))
                .isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void sshOnAnOddPortNeverMatches() {
        Random r = new Random(9);
        // the server speaks first: its banner is the flow's first payload
        TestFlow flow = handshaken(detector(), A, PA, B, 40022);
        assertThat(flow.feed(Packets.tcp(B, 40022, A, PA, PacketView.ACK, ISN_B + 1, ISN_A + 1 & 0xffffffffL,
                EntropySamples.sshBanner()))).isSameAs(Verdict.NOT_MINE);
        // client first: its banner is text, and so is KEXINIT
        assertThat(exchange(detector(), EntropySamples.sshBanner(), EntropySamples.sshKexinit(r)))
                .isSameAs(Verdict.NOT_MINE);
        assertThat(exchange(detector(), concat(EntropySamples.sshBanner(), EntropySamples.sshKexinit(r)),
                EntropySamples.mseKey(r))).isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void httpIsNotMse() {
        assertThat(exchange(detector(), EntropySamples.httpRequest(), EntropySamples.httpResponse()))
                .isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void wireGuardAndQuicShapedTcpPayloadsAreNotMse() {
        Random r = new Random(10);
        byte[] wg = EntropySamples.random(r, 148);
        wg[0] = 1;
        wg[1] = wg[2] = wg[3] = 0;
        assertThat(exchange(detector(), wg, EntropySamples.mseKey(r))).isSameAs(Verdict.NOT_MINE);
        byte[] quic = concat(hex("c3 00000001 08"), EntropySamples.random(r, 300));
        assertThat(exchange(detector(), quic, EntropySamples.mseKey(r))).isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void udpWithoutUtpNeverMatches() {
        Random r = new Random(11);
        TestFlow flow = new TestFlow(detector());
        byte[] wg = EntropySamples.random(r, 148);
        wg[0] = 1;
        wg[1] = wg[2] = wg[3] = 0;
        byte[] quic = concat(hex("c3 00000001 08"), EntropySamples.random(r, 1195));
        Verdict last = null;
        for (int i = 0; i < 16; i++) {
            last = flow.feed(Packets.udp(A, PA, B, 51820, i % 2 == 0 ? wg : quic));
            assertThat(last.isMatch()).isFalse();
            last = flow.feed(Packets.udp(B, 51820, A, PA, EntropySamples.mseKey(r)));
            assertThat(last.isMatch()).isFalse();
        }
        assertThat(last).isSameAs(Verdict.NOT_MINE); // maxUtpDatagrams = 32
    }

    @Test
    void joinedMidStreamIsNotMine() {
        Random r = new Random(12);
        TestFlow flow = new TestFlow(detector());
        assertThat(flow.feed(fromA(EntropySamples.mseKey(r)))).isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void payloadThatIsNotTheFirstStreamByteIsNotMine() {
        Random r = new Random(13);
        TestFlow flow = handshaken(detector(), A, PA, B, PB);
        assertThat(flow.feed(Packets.tcp(A, PA, B, PB, PacketView.ACK, ISN_A + 1001 & 0xffffffffL, ISN_B + 1,
                EntropySamples.mseKey(r)))).isSameAs(Verdict.NOT_MINE);
        TestFlow other = handshaken(detector(), A, PA, B, PB);
        assertThat(other.feed(fromA(EntropySamples.mseKey(r)))).isSameAs(Verdict.UNDECIDED);
        assertThat(other.feed(Packets.tcp(B, PB, A, PA, PacketView.ACK, ISN_B + 5000, ISN_A + 1 & 0xffffffffL,
                EntropySamples.mseKey(r)))).isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void synWithDataIsNotMine() {
        TestFlow flow = new TestFlow(detector());
        assertThat(flow.feed(Packets.tcp(A, PA, B, PB, PacketView.SYN, ISN_A, 0, EntropySamples.random(new Random(14),
                200)))).isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void wellKnownResponderPortsAreSkippedUnlessConfigured() {
        Random r = new Random(15);
        byte[] ya = EntropySamples.mseKey(r);
        byte[] yb = EntropySamples.mseKey(r);
        TestFlow flow = handshaken(detector(), A, PA, B, 443);
        assertThat(flow.feed(Packets.tcp(A, PA, B, 443, PacketView.ACK, ISN_A + 1 & 0xffffffffL, ISN_B + 1, ya)))
                .isSameAs(Verdict.NOT_MINE);
        TestFlow open = handshaken(detector("minResponderPort", 0), A, PA, B, 443);
        assertThat(open.feed(Packets.tcp(A, PA, B, 443, PacketView.ACK, ISN_A + 1 & 0xffffffffL, ISN_B + 1, ya)))
                .isSameAs(Verdict.UNDECIDED);
        assertThat(open.feed(Packets.tcp(B, 443, A, PA, PacketView.ACK, ISN_B + 1, ISN_A + 1 & 0xffffffffL, yb)))
                .isSameAs(EntropyDetector.MSE_TCP);
    }

    @Test
    void raisingTheThresholdMakesTheDetectorLessSensitive() {
        int previous = Integer.MAX_VALUE;
        for (double threshold : new double[] {7.6, 7.8, 7.9, 7.95}) {
            EntropyDetector d = detector("threshold", threshold);
            Random r = new Random(16); // the same payloads for every threshold
            int matches = 0;
            for (int i = 0; i < 300; i++) {
                byte[] ya = EntropySamples.random(r, 96 + r.nextInt(40));
                byte[] yb = EntropySamples.random(r, 96 + r.nextInt(40));
                matches += exchange(d, ya, yb).isMatch() ? 1 : 0;
            }
            assertThat(matches).as("matches at threshold %s", threshold).isLessThan(previous);
            previous = matches;
        }
    }

    @Test
    void minPayloadSizeRaisesTheShortestAcceptedKey() {
        Random r = new Random(17);
        byte[] ya = EntropySamples.random(r, 150);
        byte[] yb = EntropySamples.random(r, 300);
        assertThat(exchange(detector(), ya, yb)).isSameAs(EntropyDetector.MSE_TCP);
        assertThat(exchange(detector("minPayloadSize", 200), ya, yb)).isSameAs(Verdict.NOT_MINE);
    }

    // --- uTP ---

    private static byte[] utp(int type, int conn, int seq, int ack, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(UtpHeader.LENGTH + payload.length);
        b.put((byte) (type << 4 | UtpHeader.VERSION)).put((byte) 0).putShort((short) conn).putInt(1000).putInt(0)
                .putInt(0x100000).putShort((short) seq).putShort((short) ack).put(payload);
        return b.array();
    }

    @Test
    void randomKeyExchangeOverUtpMatches() {
        Random r = new Random(18);
        TestFlow flow = new TestFlow(detector());
        // a DHT message on the same socket first, then the uTP connection (BEP 29) carrying MSE
        assertThat(flow.feed(Packets.udp(A, PA, B, PB, ascii("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe"))))
                .isSameAs(Verdict.UNDECIDED);
        assertThat(flow.feed(Packets.udp(A, PA, B, PB, utp(UtpHeader.ST_SYN, 0x5302, 0xe7f5, 0, new byte[0]))))
                .isSameAs(Verdict.UNDECIDED);
        assertThat(flow.feed(Packets.udp(B, PB, A, PA, utp(UtpHeader.ST_STATE, 0x5302, 0x49c7, 0xe7f5, new byte[0]))))
                .isSameAs(Verdict.UNDECIDED);
        assertThat(flow.feed(Packets.udp(A, PA, B, PB, utp(UtpHeader.ST_DATA, 0x5303, 0xe7f6, 0x49c6,
                EntropySamples.mseKey(r))))).isSameAs(Verdict.UNDECIDED);
        assertThat(flow.feed(Packets.udp(B, PB, A, PA, utp(UtpHeader.ST_STATE, 0x5302, 0x49c7, 0xe7f6, new byte[0]))))
                .isSameAs(Verdict.UNDECIDED);
        assertThat(flow.feed(Packets.udp(B, PB, A, PA, utp(UtpHeader.ST_DATA, 0x5302, 0x49c7, 0xe7f6,
                EntropySamples.mseKey(r))))).isSameAs(EntropyDetector.MSE_UTP);
    }

    @Test
    void plaintextBitTorrentOverUtpIsNotMse() {
        byte[] handshake = concat(new byte[] {19}, ascii("BitTorrent protocol"), new byte[8], new byte[40]);
        TestFlow flow = new TestFlow(detector());
        assertThat(flow.feed(Packets.udp(A, PA, B, PB, utp(UtpHeader.ST_DATA, 0x5303, 2, 1, handshake))))
                .isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void anyBytesNeverThrow() {
        Random r = new Random(19);
        EntropyDetector d = detector();
        for (int i = 0; i < 3000; i++) {
            TestFlow flow = new TestFlow(d);
            for (int j = 0; j < 6; j++) {
                byte[] p = EntropySamples.random(r, r.nextInt(700));
                if (r.nextBoolean() && p.length >= 20) {
                    p[0] = 0x01; // uTP ST_DATA v1
                    p[1] = (byte) r.nextInt(3);
                }
                boolean tcp = (i & 1) == 0;
                Packets pkt = tcp
                        ? Packets.tcp(A, PA, B, PB, r.nextInt(64), r.nextInt() & 0xffffffffL, 0, p)
                        : Packets.udp(j % 2 == 0 ? A : B, j % 2 == 0 ? PA : PB, j % 2 == 0 ? B : A,
                                j % 2 == 0 ? PB : PA, p);
                assertThat(flow.feed(pkt)).isNotNull();
            }
        }
    }
}
