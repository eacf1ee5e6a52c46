package org.btblocker.detectors.entropy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.btblocker.testkit.Packets.ascii;
import static org.btblocker.testkit.Packets.concat;
import static org.btblocker.testkit.Packets.hex;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import org.btblocker.api.Verdict;
import org.btblocker.api.packet.PacketView;
import org.btblocker.detectors.lengths.StreamRhythm;
import org.btblocker.detectors.utp.UtpHeader;
import org.btblocker.testkit.Packets;
import org.btblocker.testkit.TestFlow;
import org.junit.jupiter.api.Test;

/**
 * MSE/PE by structure (https://wiki.vuze.com/w/Message_Stream_Encryption, steps 1-5): the key-exchange flights, then
 * peer-wire lengths. Sessions are scripted after what the lab's clients send (see {@link #clientSession}).
 */
class EntropyDetectorTest {

    private static final String A = "10.0.0.1";
    private static final String B = "192.0.2.7";
    private static final int PA = 54937;
    private static final int PB = 51413;
    private static final long ISN_A = 0xfffffff0L; // wraps: the stream starts at 0xfffffff1
    private static final long ISN_B = 0x12345678L;
    private static final int PIECE = StreamRhythm.PIECE_MESSAGE;

    private static EntropyDetector detector() {
        return new EntropyDetector(EntropySettings.from(ConfigFactory.load().getConfig("btblocker.entropy")));
    }

    private static EntropyDetector detector(String key, Object value) {
        return new EntropyDetector(EntropySettings.from(ConfigFactory.load().getConfig("btblocker.entropy")
                .withValue(key, ConfigValueFactory.fromAnyRef(value))));
    }

    /** A TCP connection through one detector after its three-way handshake; sequence numbers follow what was sent. */
    private static final class Session {
        final TestFlow flow;
        final String a;
        final String b;
        final int pa;
        final int pb;
        long seqA = ISN_A + 1;
        long seqB = ISN_B + 1;

        Session(EntropyDetector d, String a, int pa, String b, int pb) {
            this.flow = new TestFlow(d);
            this.a = a;
            this.b = b;
            this.pa = pa;
            this.pb = pb;
            assertThat(flow.feed(Packets.tcp(a, pa, b, pb, PacketView.SYN, ISN_A, 0, new byte[0])))
                    .isSameAs(Verdict.UNDECIDED);
            assertThat(flow.feed(Packets.tcp(b, pb, a, pa, PacketView.SYN | PacketView.ACK, ISN_B, ISN_A + 1,
                    new byte[0]))).isSameAs(Verdict.UNDECIDED);
            assertThat(flow.feed(Packets.tcp(a, pa, b, pb, PacketView.ACK, ISN_A + 1, ISN_B + 1, new byte[0])))
                    .isSameAs(Verdict.UNDECIDED);
        }

        Session(EntropyDetector d) {
            this(d, A, PA, B, PB);
        }

        /** The initiator sends one segment. */
        Verdict a(byte[] p) {
            Verdict v = atA(seqA, p);
            seqA += p.length;
            return v;
        }

        /** The responder sends one segment. */
        Verdict b(byte[] p) {
            Verdict v = atB(seqB, p);
            seqB += p.length;
            return v;
        }

        Verdict atA(long seq, byte[] p) {
            return flow.feed(Packets.tcp(a, pa, b, pb, PacketView.ACK | PacketView.PSH, seq & 0xffffffffL,
                    seqB & 0xffffffffL, p));
        }

        Verdict atB(long seq, byte[] p) {
            return flow.feed(Packets.tcp(b, pb, a, pa, PacketView.ACK | PacketView.PSH, seq & 0xffffffffL,
                    seqA & 0xffffffffL, p));
        }
    }

    private static byte[] random(Random r, int n) {
        return EntropySamples.random(r, n);
    }

    /** Steps 1-4 of MSE: Ya + PadA, Yb + PadB, the initiator's sync flight (PadC, no IA), the responder's. */
    private static void keyExchange(Session s, Random r) {
        assertThat(s.a(EntropySamples.mseKey(r))).isSameAs(Verdict.UNDECIDED);
        assertThat(s.b(EntropySamples.mseKey(r))).isSameAs(Verdict.UNDECIDED);
        assertThat(s.a(random(r, EntropyDetector.MIN_INITIATOR_SYNC + r.nextInt(513)))).isSameAs(Verdict.UNDECIDED);
        assertThat(s.b(random(r, EntropyDetector.MIN_RESPONDER_SYNC + r.nextInt(513)))).isSameAs(Verdict.UNDECIDED);
    }

    /**
     * What follows the exchange in the lab's aria2-to-libtorrent capture, with the lengths RC4 keeps: the initiator's
     * handshake (68), the responder's handshake with its extension handshake (305), the initiator's extension
     * handshake with 16 requests and a have (281), one piece after an unchoke (50 + 16,397, two segments), one
     * request (17), one piece (13-byte header, then the block). Returns the first verdict that is not UNDECIDED.
     */
    private static Verdict clientSession(Session s, Random r) {
        byte[][] initiator = {random(r, 68), random(r, 281), random(r, 17), random(r, 17)};
        byte[][][] responder = {{random(r, 305)}, {random(r, 50), random(r, PIECE)},
            {random(r, 13), random(r, PIECE - 13)}, {random(r, 13), random(r, PIECE - 13)}};
        for (int i = 0; i < initiator.length; i++) {
            Verdict v = s.a(initiator[i]);
            if (v != Verdict.UNDECIDED) {
                return v;
            }
            for (byte[] segment : responder[i]) {
                v = s.b(segment);
                if (v != Verdict.UNDECIDED) {
                    return v;
                }
            }
        }
        return Verdict.UNDECIDED;
    }

    @Test
    void keyExchangeThenPeerWireLengthsMatchAndProve() {
        Random r = new Random(1);
        Session s = new Session(detector());
        keyExchange(s, r);
        Verdict v = clientSession(s, r);
        assertThat(v).isSameAs(EntropyDetector.MSE_TCP);
        assertThat(v.provesEndpoints()).as("a structural proof").isTrue();
    }

    @Test
    void theKeyExchangeAloneIsNotEnough() {
        Random r = new Random(2);
        Session s = new Session(detector());
        keyExchange(s, r);
        // flights of an HTTP exchange over an AEAD proxy: every record carries at least 35 bytes
        Verdict v = Verdict.UNDECIDED;
        for (int i = 0; i < 40 && v == Verdict.UNDECIDED; i++) {
            v = i % 2 == 0 ? s.a(random(r, 120 + r.nextInt(10))) : s.b(random(r, 250 + r.nextInt(400)));
        }
        assertThat(v).isSameAs(Verdict.NOT_MINE);         // after maxFlights
    }

    @Test
    void shadowsocksKeepAliveFlightsNeverMatch() {
        // the lab's shadowsocks-libev (chacha20-ietf-poly1305) capture: four small files over one connection
        int[] flights = {196, 301, 123, 270, 124, 311, 125, 372, 125, 422, 124, 311, 125, 372, 125, 422, 124, 311,
            125, 372, 125, 422, 124, 311, 125, 372, 125, 422, 124, 311};
        Random r = new Random(3);
        Session s = new Session(detector(), A, PA, B, 8388);
        Verdict v = Verdict.UNDECIDED;
        for (int i = 0; i < flights.length && v == Verdict.UNDECIDED; i++) {
            v = i % 2 == 0 ? s.a(random(r, flights[i])) : s.b(random(r, flights[i]));
        }
        assertThat(v).isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void aProxyDownloadNeverMatches() {
        // a request, then a large response in AEAD chunks of 16,417 bytes (16,383 + 34)
        Random r = new Random(4);
        Session s = new Session(detector(), A, PA, B, 6881);
        assertThat(s.a(random(r, 200))).isSameAs(Verdict.UNDECIDED);
        assertThat(s.b(random(r, 7240))).isSameAs(Verdict.NOT_MINE); // far more than Yb + PadB
        Session keepAlive = new Session(detector(), A, PA, B, 6881);
        keyExchange(keepAlive, r);
        Verdict v = Verdict.UNDECIDED;
        for (int i = 0; i < 30 && v == Verdict.UNDECIDED; i++) {
            v = keepAlive.a(random(r, 123));
            for (int k = 0; k < 8 && v == Verdict.UNDECIDED; k++) {
                v = keepAlive.b(random(r, 16417));
            }
        }
        assertThat(v).isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void mseOverIpv6AndOnPort443Matches() {
        Random r = new Random(5);
        Session v6 = new Session(detector(), "2001:db8::1", PA, "2001:db8::2", PB);
        keyExchange(v6, r);
        assertThat(clientSession(v6, r)).isSameAs(EntropyDetector.MSE_TCP);
        Session https = new Session(detector(), A, PA, B, 443);   // judged by content, not by port
        keyExchange(https, r);
        assertThat(clientSession(https, r)).isSameAs(EntropyDetector.MSE_TCP);
    }

    @Test
    void almostAllSessionsMatch() {
        Random r = new Random(6);
        EntropyDetector d = detector();
        int matches = 0;
        for (int i = 0; i < 500; i++) {
            Session s = new Session(d);
            if (s.a(EntropySamples.mseKey(r)) != Verdict.UNDECIDED || s.b(EntropySamples.mseKey(r)) != Verdict.UNDECIDED
                    || s.a(random(r, 56 + r.nextInt(513))) != Verdict.UNDECIDED
                    || s.b(random(r, 14 + r.nextInt(513))) != Verdict.UNDECIDED) {
                continue;
            }
            matches += clientSession(s, r).isMatch() ? 1 : 0;
        }
        assertThat(matches).isGreaterThanOrEqualTo(495);
    }

    @Test
    void segmentationAndRetransmissionsChangeNothing() {
        Random r = new Random(7);
        Session s = new Session(detector());
        byte[] ya = random(r, 400);
        assertThat(s.atA(s.seqA, Arrays.copyOf(ya, 200))).isSameAs(Verdict.UNDECIDED);
        assertThat(s.atA(s.seqA, Arrays.copyOf(ya, 200))).isSameAs(Verdict.UNDECIDED);   // retransmitted
        assertThat(s.atA(s.seqA + 100, Arrays.copyOfRange(ya, 100, 400))).isSameAs(Verdict.UNDECIDED); // overlaps
        s.seqA += 400;                                     // Ya + PadA in two overlapping segments: one 400-byte flight
        assertThat(s.b(EntropySamples.mseKey(r))).isSameAs(Verdict.UNDECIDED);
        assertThat(s.atA(s.seqA - 400, ya)).isSameAs(Verdict.UNDECIDED);  // a late copy of the first flight
        assertThat(s.a(random(r, 30))).isSameAs(Verdict.UNDECIDED);       // the sync flight in two segments
        assertThat(s.a(random(r, 60))).isSameAs(Verdict.UNDECIDED);
        assertThat(s.b(random(r, 100))).isSameAs(Verdict.UNDECIDED);
        assertThat(clientSession(s, r)).isSameAs(EntropyDetector.MSE_TCP);
    }

    @Test
    void anInitiatorThatDoesNotWaitIsNotMse() {
        Random r = new Random(8);
        Session s = new Session(detector());
        assertThat(s.a(random(r, 400))).isSameAs(Verdict.UNDECIDED);
        assertThat(s.a(random(r, 300))).isSameAs(Verdict.NOT_MINE);      // 700 bytes before any answer
        Session responder = new Session(detector());
        assertThat(responder.a(random(r, 200))).isSameAs(Verdict.UNDECIDED);
        assertThat(responder.b(random(r, 500))).isSameAs(Verdict.UNDECIDED);
        assertThat(responder.b(random(r, 200))).isSameAs(Verdict.NOT_MINE); // Yb + PadB is at most 608 bytes too
    }

    @Test
    void syncFlightsOutOfSizeAreNotMse() {
        Random r = new Random(9);
        Session shortSync = new Session(detector());
        assertThat(shortSync.a(EntropySamples.mseKey(r))).isSameAs(Verdict.UNDECIDED);
        assertThat(shortSync.b(EntropySamples.mseKey(r))).isSameAs(Verdict.UNDECIDED);
        assertThat(shortSync.a(random(r, EntropyDetector.MIN_INITIATOR_SYNC - 1))).isSameAs(Verdict.UNDECIDED);
        assertThat(shortSync.b(random(r, 100))).isSameAs(Verdict.NOT_MINE);
        Session shortAnswer = new Session(detector());
        assertThat(shortAnswer.a(EntropySamples.mseKey(r))).isSameAs(Verdict.UNDECIDED);
        assertThat(shortAnswer.b(EntropySamples.mseKey(r))).isSameAs(Verdict.UNDECIDED);
        assertThat(shortAnswer.a(random(r, 100))).isSameAs(Verdict.UNDECIDED);
        assertThat(shortAnswer.b(random(r, EntropyDetector.MIN_RESPONDER_SYNC - 1))).isSameAs(Verdict.UNDECIDED);
        assertThat(shortAnswer.a(random(r, 68))).isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void onlyOneRandomSideIsNotMse() {
        Random r = new Random(10);
        assertThat(firstTwo(EntropySamples.mseKey(r), EntropySamples.httpResponse())).isSameAs(Verdict.NOT_MINE);
        assertThat(firstTwo(EntropySamples.mseKey(r), new byte[200])).isSameAs(Verdict.NOT_MINE);
        assertThat(firstTwo(ascii(EntropySamples.ENGLISH), EntropySamples.mseKey(r))).isSameAs(Verdict.NOT_MINE);
    }

    /** The verdict on the first two flights: the initiator's, then the responder's. */
    private static Verdict firstTwo(byte[] initiator, byte[] responder) {
        return firstTwo(detector(), initiator, responder);
    }

    private static Verdict firstTwo(EntropyDetector d, byte[] initiator, byte[] responder) {
        Session s = new Session(d);
        Verdict first = s.a(initiator);
        return first != Verdict.UNDECIDED ? first : s.b(responder);
    }

    @Test
    void keyFlightsOutsideTheMseWindowAreNotMse() {
        Random r = new Random(11);
        assertThat(firstTwo(random(r, 40), EntropySamples.mseKey(r))).isSameAs(Verdict.NOT_MINE);
        assertThat(firstTwo(random(r, 2000), EntropySamples.mseKey(r))).isSameAs(Verdict.NOT_MINE);
        assertThat(firstTwo(random(r, 95), EntropySamples.mseKey(r))).isSameAs(Verdict.NOT_MINE);
        assertThat(firstTwo(random(r, 609), EntropySamples.mseKey(r))).isSameAs(Verdict.NOT_MINE);
        assertThat(firstTwo(EntropySamples.mseKey(r), random(r, 700))).isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void tlsOpeningIsNotMse() {
        Random r = new Random(12);
        assertThat(firstTwo(EntropySamples.tlsClientHello(r), EntropySamples.tlsServerHello(r)))
                .isSameAs(Verdict.NOT_MINE);
        assertThat(firstTwo(EntropySamples.mseKey(r), EntropySamples.tlsServerHello(r))).isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void sshOnAnOddPortNeverMatches() {
        Random r = new Random(13);
        Session serverFirst = new Session(detector(), A, PA, B, 40022);
        assertThat(serverFirst.b(EntropySamples.sshBanner())).isSameAs(Verdict.NOT_MINE);
        assertThat(firstTwo(EntropySamples.sshBanner(), EntropySamples.sshKexinit(r))).isSameAs(Verdict.NOT_MINE);
        assertThat(firstTwo(concat(EntropySamples.sshBanner(), EntropySamples.sshKexinit(r)), EntropySamples.mseKey(r)))
                .isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void httpIsNotMse() {
        assertThat(firstTwo(EntropySamples.httpRequest(), EntropySamples.httpResponse())).isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void wireGuardAndQuicShapedTcpPayloadsAreNotMse() {
        Random r = new Random(14);
        byte[] wg = random(r, 148);
        wg[0] = 1;
        wg[1] = wg[2] = wg[3] = 0;
        assertThat(firstTwo(wg, EntropySamples.mseKey(r))).isSameAs(Verdict.NOT_MINE);
        byte[] quic = concat(hex("c3 00000001 08"), random(r, 300));
        assertThat(firstTwo(quic, EntropySamples.mseKey(r))).isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void joinedMidStreamIsNotMine() {
        Random r = new Random(15);
        TestFlow flow = new TestFlow(detector());
        assertThat(flow.feed(Packets.tcp(A, PA, B, PB, PacketView.ACK, 1000, 1, EntropySamples.mseKey(r))))
                .isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void aHoleInTheExchangeIsNotMine() {
        Random r = new Random(16);
        Session s = new Session(detector());
        assertThat(s.atA(s.seqA + 1000, EntropySamples.mseKey(r))).isSameAs(Verdict.NOT_MINE);
        Session other = new Session(detector());
        assertThat(other.a(EntropySamples.mseKey(r))).isSameAs(Verdict.UNDECIDED);
        assertThat(other.atB(other.seqB + 5000, EntropySamples.mseKey(r))).isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void synWithDataIsNotMine() {
        TestFlow flow = new TestFlow(detector());
        assertThat(flow.feed(Packets.tcp(A, PA, B, PB, PacketView.SYN, ISN_A, 0, random(new Random(17), 200))))
                .isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void raisingTheThresholdMakesTheDetectorLessSensitive() {
        int previous = Integer.MAX_VALUE;
        for (double threshold : new double[] {7.6, 7.8, 7.9, 7.95}) {
            EntropyDetector d = detector("threshold", threshold);
            Random r = new Random(18); // the same payloads for every threshold
            int passed = 0;
            for (int i = 0; i < 300; i++) {
                byte[] ya = random(r, 96 + r.nextInt(40));
                byte[] yb = random(r, 96 + r.nextInt(40));
                passed += firstTwo(d, ya, yb) == Verdict.UNDECIDED ? 1 : 0;
            }
            assertThat(passed).as("key flights taken at threshold %s", threshold).isLessThan(previous);
            previous = passed;
        }
    }

    @Test
    void minPayloadSizeRaisesTheShortestAcceptedKey() {
        Random r = new Random(19);
        byte[] ya = random(r, 150);
        byte[] yb = random(r, 300);
        assertThat(firstTwo(detector(), ya, yb)).isSameAs(Verdict.UNDECIDED);
        assertThat(firstTwo(detector("minPayloadSize", 200), ya, yb)).isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void piecesAloneProveTheFlowWhenTheirPacketsEndOnMessages() {
        // an uploader app-limited on a slow link: each piece written as a 13-byte header and its block
        Random r = new Random(20);
        Session s = new Session(detector());
        keyExchange(s, r);
        assertThat(s.a(random(r, 300))).isSameAs(Verdict.UNDECIDED);   // handshake, extension handshake (no request)
        Verdict v = Verdict.UNDECIDED;
        for (int piece = 0; piece < 6 && v == Verdict.UNDECIDED; piece++) {
            v = s.b(random(r, 13));
            if (v == Verdict.UNDECIDED) {
                v = s.b(random(r, PIECE - 13));
            }
        }
        assertThat(v).isSameAs(EntropyDetector.MSE_TCP);
    }

    // --- uTP ---

    private static byte[] utp(int type, int conn, int seq, int ack, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(UtpHeader.LENGTH + payload.length);
        b.put((byte) (type << 4 | UtpHeader.VERSION)).put((byte) 0).putShort((short) conn).putInt(1000).putInt(0)
                .putInt(0x100000).putShort((short) seq).putShort((short) ack).put(payload);
        return b.array();
    }

    @Test
    void sessionOverUtpMatches() {
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
                EntropySamples.mseKey(r))))).isSameAs(Verdict.UNDECIDED);
        assertThat(flow.feed(Packets.udp(B, PB, A, PA, utp(UtpHeader.ST_DATA, 0x5302, 0x49c7, 0xe7f6,
                EntropySamples.mseKey(r))))).as("a retransmitted packet").isSameAs(Verdict.UNDECIDED);
        // the sync flights, the initiator's handshake alone (1 point), the responder's, requests (1), an unchoke and a
        // piece's first packet, one request (2): proven when the responder's next packet closes the request's flight
        boolean[] fromA = {true, false, true, false, true, false, false, true, false};
        int[] lengths = {300, 100, 68, 305, 281, 50, 1400, 17, 9};
        int seqA = 0xe7f7;
        int seqB = 0x49c8;
        for (int i = 0; i < lengths.length; i++) {
            byte[] data = random(r, lengths[i]);
            Verdict v = fromA[i]
                    ? flow.feed(Packets.udp(A, PA, B, PB, utp(UtpHeader.ST_DATA, 0x5303, seqA++, seqB - 1, data)))
                    : flow.feed(Packets.udp(B, PB, A, PA, utp(UtpHeader.ST_DATA, 0x5302, seqB++, seqA - 1, data)));
            assertThat(v).as("packet %d", i).isSameAs(i == lengths.length - 1 ? EntropyDetector.MSE_UTP
                    : Verdict.UNDECIDED);
        }
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
