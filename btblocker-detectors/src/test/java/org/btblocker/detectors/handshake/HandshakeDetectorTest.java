package org.btblocker.detectors.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.btblocker.detectors.handshake.PeerWireGen.compactPeer;
import static org.btblocker.detectors.handshake.PeerWireGen.extended;
import static org.btblocker.detectors.handshake.PeerWireGen.extensionHandshakeDict;
import static org.btblocker.detectors.handshake.PeerWireGen.frame;
import static org.btblocker.detectors.handshake.PeerWireGen.handshake;
import static org.btblocker.detectors.handshake.PeerWireGen.have;
import static org.btblocker.detectors.handshake.PeerWireGen.pexDict;
import static org.btblocker.detectors.handshake.PeerWireGen.piece;
import static org.btblocker.detectors.handshake.PeerWireGen.request;
import static org.btblocker.testkit.Packets.ascii;
import static org.btblocker.testkit.Packets.concat;

import java.util.Arrays;
import java.util.ServiceLoader;
import java.util.stream.StreamSupport;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;

import org.btblocker.api.DetectorProvider;
import org.btblocker.api.Interest;
import org.btblocker.api.Verdict;
import org.btblocker.api.packet.PacketView;
import org.btblocker.testkit.Packets;
import org.btblocker.testkit.TestFlow;
import org.junit.jupiter.api.Test;

class HandshakeDetectorTest {

    static final HandshakeSettings SETTINGS = new HandshakeSettings(12, 3, 50);

    static Packets fromA(byte[] payload) {
        return Packets.tcp("10.0.0.1", 51413, "10.0.0.2", 6881, payload);
    }

    static Packets fromB(byte[] payload) {
        return Packets.tcp("10.0.0.2", 6881, "10.0.0.1", 51413, payload);
    }

    static TestFlow flow() {
        return new TestFlow(new HandshakeDetector(SETTINGS));
    }

    @Test
    void bep3HandshakeFromTheInitiatorMatches() {
        assertThat(flow().feed(fromA(handshake()))).isSameAs(HandshakeDetector.HANDSHAKE_CLIENT_PEER_ID);
        byte[] otherPeerId = handshake(PeerWireGen.filled(20, 1), ascii("M4-3-6--xxxxxxxxxxxx"));
        assertThat(flow().feed(fromA(otherPeerId))).isSameAs(HandshakeDetector.HANDSHAKE);
    }

    @Test
    void prefixAloneIsEnough() {
        assertThat(flow().feed(fromA(PeerWireGen.PREFIX))).isSameAs(HandshakeDetector.HANDSHAKE);
    }

    @Test
    void handshakeOverIpv6Matches() {
        TestFlow f = flow();
        assertThat(f.feed(Packets.tcp("2001:db8::1", 40000, "2001:db8::2", 6881, handshake())))
                .isSameAs(HandshakeDetector.HANDSHAKE_CLIENT_PEER_ID);
    }

    @Test
    void responderMaySendFirst() {
        TestFlow f = flow();
        assertThat(f.feed(Packets.tcp("10.0.0.1", 51413, "10.0.0.2", 6881, PacketView.SYN, 0, 0, new byte[0])).kind())
                .isEqualTo(Verdict.Kind.UNDECIDED);
        assertThat(f.feed(fromB(handshake()))).isSameAs(HandshakeDetector.HANDSHAKE_CLIENT_PEER_ID);
    }

    @Test
    void responderHandshakeMatchesAfterAnUnrelatedInitiatorStart() {
        TestFlow f = flow();
        assertThat(f.feed(fromA(PeerWireGen.filled(96, 0x77))).kind()).isEqualTo(Verdict.Kind.UNDECIDED);
        assertThat(f.feed(fromB(handshake()))).isSameAs(HandshakeDetector.HANDSHAKE_CLIENT_PEER_ID);
    }

    @Test
    void prefixSplitAtEveryPositionIntoTwoSegmentsMatchesOnTheLastPiece() {
        byte[] hs = handshake();
        for (int i = 1; i < hs.length; i++) {
            TestFlow f = flow();
            Verdict first = f.feed(fromA(Arrays.copyOfRange(hs, 0, i)));
            Verdict second = f.feed(fromA(Arrays.copyOfRange(hs, i, hs.length)));
            if (i >= HandshakePrefix.LENGTH) {
                assertThat(first).as("split at %d", i).isSameAs(HandshakeDetector.HANDSHAKE);
            } else {
                assertThat(first.kind()).as("split at %d", i).isEqualTo(Verdict.Kind.UNDECIDED);
                assertThat(second).as("split at %d", i).isSameAs(HandshakeDetector.HANDSHAKE);
            }
        }
    }

    @Test
    void prefixSplitAtEveryPairOfPositionsIntoThreeSegmentsMatches() {
        byte[] hs = Arrays.copyOf(handshake(), 30);
        for (int i = 1; i < hs.length; i++) {
            for (int j = i + 1; j < hs.length; j++) {
                TestFlow f = flow();
                Verdict v = f.feed(fromA(Arrays.copyOfRange(hs, 0, i)));
                if (!v.isMatch()) {
                    v = f.feed(fromA(Arrays.copyOfRange(hs, i, j)));
                }
                if (!v.isMatch()) {
                    v = f.feed(fromA(Arrays.copyOfRange(hs, j, hs.length)));
                }
                assertThat(v).as("split at %d, %d", i, j).isSameAs(HandshakeDetector.HANDSHAKE);
            }
        }
    }

    @Test
    void nearMissesAreNotMatched() {
        byte[] wrongLast = handshake();
        wrongLast[19] = 'X';                                  // "\x13BitTorrent protocoX"
        byte[] wrongLength = handshake();
        wrongLength[0] = 0x12;                                // "\x12BitTorrent protocol"
        byte[] lowerCase = concat(new byte[] {19}, ascii("bittorrent protocol"));
        for (byte[] miss : new byte[][] {wrongLast, wrongLength, lowerCase}) {
            TestFlow f = flow();
            assertThat(f.feed(fromA(miss)).isMatch()).isFalse();
            assertThat(f.feed(fromA(miss)).isMatch()).isFalse();
        }
    }

    @Test
    void nearMissSplitAcrossSegmentsIsNotMatched() {
        byte[] miss = handshake();
        miss[19] = 'X';
        TestFlow f = flow();
        assertThat(f.feed(fromA(Arrays.copyOfRange(miss, 0, 10))).kind()).isEqualTo(Verdict.Kind.UNDECIDED);
        assertThat(f.feed(fromA(Arrays.copyOfRange(miss, 10, miss.length))).isMatch()).isFalse();
    }

    @Test
    void handshakeAtTheStartOfALaterSegmentMatches() {
        // MSE/PE negotiated plaintext (BEP 8): key exchange bytes first, then the plain handshake.
        TestFlow f = flow();
        assertThat(f.feed(fromA(PeerWireGen.filled(120, 0x3c))).isMatch()).isFalse();
        assertThat(f.feed(fromB(PeerWireGen.filled(200, 0x5d))).isMatch()).isFalse();
        assertThat(f.feed(fromB(concat(handshake(), extended(0, extensionHandshakeDict())))))
                .isSameAs(HandshakeDetector.HANDSHAKE_AFTER_START);
    }

    @Test
    void extensionHandshakeMidStreamMatches() {
        TestFlow f = flow();
        assertThat(f.feed(fromA(PeerWireGen.filled(100, 0x11))).isMatch()).isFalse();
        assertThat(f.feed(fromA(extended(0, extensionHandshakeDict())))).isSameAs(HandshakeDetector.EXTENSION_HANDSHAKE);
    }

    @Test
    void extensionHandshakeWithoutMDictionaryIsNoEvidence() {
        TestFlow f = flow();
        f.feed(fromA(PeerWireGen.filled(100, 0x11)));
        assertThat(f.feed(fromA(extended(0, ascii("d1:pi6881e1:v5:hello" + "e")))).isMatch()).isFalse();
    }

    @Test
    void utMetadataRequestAndDataMatch() {
        TestFlow f = flow();
        f.feed(fromA(PeerWireGen.filled(100, 0x11)));
        assertThat(f.feed(fromA(extended(3, ascii("d8:msg_typei0e5:piecei0ee")))))
                .isSameAs(HandshakeDetector.UT_METADATA);
        TestFlow g = flow();
        g.feed(fromB(PeerWireGen.filled(100, 0x11)));
        byte[] data = concat(ascii("d8:msg_typei1e5:piecei0e10:total_sizei34256ee"), PeerWireGen.filled(1000, 7));
        assertThat(g.feed(fromB(extended(2, data)))).isSameAs(HandshakeDetector.UT_METADATA);
    }

    @Test
    void utPexMatchesAndRemembersAddedPeersWhenBothDirectionsWereSeen() {
        byte[] added = concat(compactPeer(192, 0, 2, 7, 6881), compactPeer(198, 51, 100, 9, 51413));
        TestFlow f = flow();
        f.feed(fromA(PeerWireGen.filled(100, 0x11)));
        f.feed(fromB(PeerWireGen.filled(100, 0x22)));
        assertThat(f.feed(fromB(extended(1, pexDict(added))))).isSameAs(HandshakeDetector.UT_PEX);
        assertThat(f.endpointSet().peers).containsExactlyInAnyOrder("192.0.2.7:6881", "198.51.100.9:51413");
    }

    @Test
    void utPexFromAOneWayFlowRemembersNothing() {
        byte[] added = compactPeer(192, 0, 2, 7, 6881);
        TestFlow f = flow();
        f.feed(fromA(PeerWireGen.filled(100, 0x11)));
        assertThat(f.feed(fromA(extended(1, pexDict(added))))).isSameAs(HandshakeDetector.UT_PEX);
        assertThat(f.endpointSet().peers).isEmpty();
    }

    @Test
    void aPieceHeaderInsideASegmentMatchesAFlowJoinedMidStream() {
        // the gateway joins a download: the first segment it sees starts inside a block and carries the next header
        java.util.Random r = new java.util.Random(3);
        byte[] rest = new byte[9000];
        r.nextBytes(rest);
        byte[] block = new byte[5000];
        r.nextBytes(block);
        byte[] header = java.nio.ByteBuffer.allocate(13).putInt(16393).put((byte) 7).putInt(40).putInt(16384 * 2)
                .array();
        TestFlow f = flow();
        assertThat(f.feed(fromB(rest))).isSameAs(Verdict.UNDECIDED);   // only block bytes: no framing found
        assertThat(f.feed(fromB(concat(rest, header, block)))).isSameAs(HandshakeDetector.BLOCK_MESSAGE);
    }

    @Test
    void bep52HashRequestsCountAsMessages() {
        byte[] hashRequest = concat(java.nio.ByteBuffer.allocate(5).putInt(49).put((byte) 21).array(), new byte[48]);
        TestFlow f = flow();
        assertThat(f.feed(fromA(concat(hashRequest, hashRequest, have(3))))).isSameAs(
                HandshakeDetector.PEER_WIRE_MESSAGES);
    }

    @Test
    void threeConsistentMessagesMidStreamMatch() {
        TestFlow f = flow();
        assertThat(f.feed(fromB(concat(have(1), have(2), request(6, 3, 0, 16384))))).isSameAs(
                HandshakeDetector.PEER_WIRE_MESSAGES);
    }

    @Test
    void twoMessagesAreNotEnoughButARunAcrossSegmentsIs() {
        TestFlow f = flow();
        assertThat(f.feed(fromB(concat(have(1), have(2)))).isMatch()).isFalse();
        assertThat(f.feed(fromB(frame(1, new byte[0])))).isSameAs(HandshakeDetector.PEER_WIRE_MESSAGES);
    }

    @Test
    void runFollowsAPieceSpanningSegments() {
        byte[] stream = concat(piece(7, 0, PeerWireGen.filled(3000, 0x42)), have(7), frame(2, new byte[0]));
        TestFlow f = flow();
        Verdict v = Verdict.UNDECIDED;
        for (int p = 0; p < stream.length && !v.isMatch(); p += 1000) {
            v = f.feed(fromB(Arrays.copyOfRange(stream, p, Math.min(stream.length, p + 1000))));
        }
        assertThat(v).isSameAs(HandshakeDetector.PEER_WIRE_MESSAGES);
    }

    @Test
    void onlyVariableLengthMessagesAreNotEnough() {
        TestFlow f = flow();
        byte[] three = concat(frame(5, new byte[] {(byte) 0xff, 0}), piece(1, 0, new byte[10]), frame(5, new byte[3]));
        assertThat(f.feed(fromB(three)).isMatch()).isFalse();
    }

    @Test
    void requestWithOversizedBlockIsNotAMessage() {
        TestFlow f = flow();
        assertThat(f.feed(fromB(concat(have(1), have(2), request(6, 3, 0, (1 << 17) + 1)))).isMatch()).isFalse();
    }

    @Test
    void keepAlivesDoNotCount() {
        TestFlow f = flow();
        assertThat(f.feed(fromB(new byte[64])).isMatch()).isFalse();
        assertThat(f.feed(fromB(new byte[64])).isMatch()).isFalse();
    }

    /**
     * Issue 8, evasion by segmentation: the seed's handshake one byte per segment (e1b8c66 gave up after
     * maxPayloadPackets = 12 payload packets, before the 20-byte prefix was complete). The detector never gives up
     * part-way through the prefix, and tiny segments carrying it are evidence: the fifth byte matches.
     */
    @Test
    void aHandshakeSentOneOrTwoBytesPerSegmentMatchesOnTheDribbledPrefix() {
        for (int size : new int[] {1, 2}) {
            TestFlow f = flow();
            byte[] hs = handshake();
            Verdict v = Verdict.UNDECIDED;
            int segments = 0;
            for (int at = 0; at < hs.length && !v.isMatch(); at += size, segments++) {
                f.feed(fromB(new byte[0]));                          // the receiver's ACK in between
                v = f.feed(fromA(Arrays.copyOfRange(hs, at, Math.min(hs.length, at + size))));
            }
            assertThat(v).as("%d-byte segments", size).isSameAs(HandshakeDetector.HANDSHAKE_DRIBBLED);
            assertThat(segments).as("%d-byte segments", size).isEqualTo(size == 1 ? 5 : 4);
        }
    }

    /** Issue 8: the other direction's packets do not run out the budget while one direction is mid-prefix. */
    @Test
    void theOtherDirectionCannotExhaustTheBudgetWhileAPrefixIsPartWayIn() {
        TestFlow f = flow();
        byte[] prefix = PeerWireGen.PREFIX;
        assertThat(f.feed(fromA(Arrays.copyOf(prefix, 11))).kind()).isEqualTo(Verdict.Kind.UNDECIDED);
        for (int i = 0; i < 3 * SETTINGS.maxPayloadPackets(); i++) {
            assertThat(f.feed(fromB(ascii("HTTP/1.1 200 OK\r\n" + i))).kind()).isEqualTo(Verdict.Kind.UNDECIDED);
        }
        assertThat(f.feed(fromA(Arrays.copyOfRange(prefix, 11, 20)))).isSameAs(HandshakeDetector.HANDSHAKE);
    }

    @Test
    void commonProtocolsAreNotMatchedAndGiveUp() {
        byte[][] starts = {
            ascii("GET /index.html HTTP/1.1\r\nHost: example.org\r\nUser-Agent: curl/8.0\r\n\r\n"),
            Packets.hex("16030100f4010000f00303" + "00".repeat(32) + "00" + "0004130113020100" + "00c3"),
            ascii("SSH-2.0-OpenSSH_9.6\r\n"),
        };
        for (byte[] start : starts) {
            TestFlow f = flow();
            Verdict v = f.feed(fromA(start));
            for (int i = 1; i < SETTINGS.maxPayloadPackets(); i++) {
                assertThat(v.isMatch()).isFalse();
                v = f.feed(i % 2 == 0 ? fromA(start) : fromB(start));
            }
            assertThat(v).isSameAs(Verdict.NOT_MINE);
        }
    }

    @Test
    void emptySegmentsAreIgnored() {
        TestFlow f = flow();
        for (int i = 0; i < 50; i++) {
            assertThat(f.feed(fromA(new byte[0]))).isSameAs(Verdict.UNDECIDED);
        }
        assertThat(f.feed(fromA(handshake()))).isSameAs(HandshakeDetector.HANDSHAKE_CLIENT_PEER_ID);
    }

    @Test
    void settingsComeFromReferenceConfAndBadValuesNameTheKey() {
        var own = ConfigFactory.defaultReference().getConfig("btblocker.handshake");
        assertThat(HandshakeSettings.from(own).maxPayloadPackets()).isPositive();
        assertThatThrownBy(() -> HandshakeSettings.from(own.withValue("minFrames", ConfigValueFactory.fromAnyRef(1))))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("minFrames");
        assertThatThrownBy(() -> HandshakeSettings.from(own.withoutPath("maxPayloadPackets")))
                .isInstanceOf(ConfigException.Missing.class);
    }

    @Test
    void providerIsRegistered() {
        DetectorProvider p = StreamSupport.stream(ServiceLoader.load(DetectorProvider.class).spliterator(), false)
                .filter(d -> d.name().equals("handshake")).findFirst().orElseThrow();
        assertThat(p.interest()).isEqualTo(Interest.TCP_PAYLOAD);
        assertThat(p.stateSlots()).isEqualTo(HandshakeDetector.SLOTS);
        assertThat(p.create(ConfigFactory.defaultReference().getConfig("btblocker.handshake"))).isNotNull();
    }

    @Test
    void azureusStylePeerIds() {
        var b = java.nio.ByteBuffer.wrap(handshake());
        assertThat(PeerId.isAzureusStyle(b, PeerId.OFFSET_IN_HANDSHAKE, 68)).isTrue();
        var other = java.nio.ByteBuffer.wrap(ascii("M4-3-6--xxxxxxxxxxxx"));
        assertThat(PeerId.isAzureusStyle(other, 0, 20)).isFalse();
        assertThat(PeerId.isAzureusStyle(other, 0, 5)).isFalse();
    }
}
