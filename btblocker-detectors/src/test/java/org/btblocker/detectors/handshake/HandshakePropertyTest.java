package org.btblocker.detectors.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.btblocker.detectors.handshake.HandshakeDetectorTest.fromA;
import static org.btblocker.detectors.handshake.HandshakeDetectorTest.fromB;
import static org.btblocker.testkit.Packets.concat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

import org.btblocker.api.Verdict;
import org.btblocker.testkit.TestFlow;
import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;

class HandshakePropertyTest implements WithQuickTheories {

    @Test
    void handshakeSplitAnywhereIntoAnySegmentsMatches() {
        qt().forAll(PeerWireGen.seeds(), integers().between(1, 25)).checkAssert((seed, maxSegment) -> {
            Random r = new Random(seed);
            byte[] hs = PeerWireGen.handshake(PeerWireGen.randomBytes(r, 20), PeerWireGen.randomBytes(r, 20));
            TestFlow f = HandshakeDetectorTest.flow();
            boolean responder = r.nextBoolean();
            Verdict v = Verdict.UNDECIDED;
            for (byte[] segment : PeerWireGen.split(r, hs, maxSegment)) {
                v = f.feed(responder ? fromB(segment) : fromA(segment));
                if (v.isMatch()) {
                    break;
                }
            }
            // tiny segments match earlier, on the dribbled prefix (issue 8)
            assertThat(v).isIn(HandshakeDetector.HANDSHAKE, HandshakeDetector.HANDSHAKE_DRIBBLED);
        });
    }

    @Test
    void randomFlowsNeverMatch() {
        qt().withExamples(3000).forAll(PeerWireGen.seeds()).checkAssert(seed -> {
            Random r = new Random(seed);
            TestFlow f = HandshakeDetectorTest.flow();
            int packets = 1 + r.nextInt(HandshakeDetectorTest.SETTINGS.maxPayloadPackets());
            for (int i = 0; i < packets; i++) {
                byte[] payload = PeerWireGen.randomBytes(r, 1 + r.nextInt(1460));
                Verdict v = f.feed(r.nextBoolean() ? fromA(payload) : fromB(payload));
                assertThat(v.isMatch()).as("seed %d packet %d", seed, i).isFalse();
            }
        });
    }

    @Test
    void validMessageRunsAreRecognisedWhateverTheSegmentation() {
        qt().forAll(PeerWireGen.seeds()).checkAssert(seed -> {
            Random r = new Random(seed);
            byte[] stream = new byte[0];
            for (int i = 0; i < 4; i++) {
                stream = concat(stream, PeerWireGen.have(r.nextInt(10_000)));
            }
            // segments always start on a message boundary here, so the run is followed whatever the split
            List<byte[]> messages = List.of(PeerWireGen.have(1), PeerWireGen.request(6, 2, 0, 16384),
                    PeerWireGen.frame(1, new byte[0]), PeerWireGen.have(3));
            TestFlow f = HandshakeDetectorTest.flow();
            f.feed(fromA(PeerWireGen.randomBytes(r, 68)));      // an unseen / scrambled start
            Verdict v = Verdict.UNDECIDED;
            for (byte[] m : messages) {
                v = f.feed(fromA(m));
                if (v.isMatch()) {
                    break;
                }
            }
            assertThat(v).isSameAs(HandshakeDetector.PEER_WIRE_MESSAGES);
        });
    }

    @Test
    void scanNeverThrowsAndStaysInBounds() {
        qt().forAll(PeerWireGen.randomArrays(3000).mix(PeerWireGen.mutatedMessages())).checkAssert(bytes -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            long r = PeerWireFrames.scan(b, 0, bytes.length);
            if (r >= 0) {
                assertThat(PeerWireFrames.frames(r)).isBetween(0, bytes.length / 5);
                assertThat(PeerWireFrames.remaining(r)).isBetween(0, PeerWireFrames.MAX_EXTENDED_LENGTH);
                assertThat(PeerWireFrames.evidenceOffset(r)).isBetween(0, bytes.length);
            }
            assertThat(HandshakePrefix.advance(b, 0, bytes.length, 0)).isBetween(-1, HandshakePrefix.LENGTH);
            for (int off = 0; off < Math.min(bytes.length, 40); off++) {
                assertThat(ExtensionMessage.classify(b, off, bytes.length)).isBetween(-1, 3);
            }
        });
    }

    @Test
    void generatedValidMessagesScanToTheirCount() {
        qt().forAll(PeerWireGen.seeds(), integers().between(1, 20)).checkAssert((seed, n) -> {
            Random r = new Random(seed);
            byte[] all = new byte[0];
            int expected = 0;
            for (int i = 0; i < n; i++) {
                byte[] m = PeerWireGen.randomFixedOrPiece(r);
                if (m.length > 4) {
                    expected++;
                }
                all = concat(all, m);
            }
            long result = PeerWireFrames.scan(ByteBuffer.wrap(all), 0, all.length);
            assertThat(PeerWireFrames.frames(result)).isEqualTo(expected);
            assertThat(PeerWireFrames.remaining(result)).isZero();
            // cut short: the cut message is reported as continuing, never as invalid
            int cut = 1 + r.nextInt(all.length);
            if (all.length - cut >= 0) {
                long truncated = PeerWireFrames.scan(ByteBuffer.wrap(all), 0, cut);
                assertThat(truncated).isNotNegative();
            }
        });
    }

    @Test
    void mutatedFlowsNeverThrow() {
        qt().forAll(PeerWireGen.mutatedMessages(), PeerWireGen.seeds()).checkAssert((bytes, seed) -> {
            Random r = new Random(seed);
            TestFlow f = HandshakeDetectorTest.flow();
            for (byte[] segment : PeerWireGen.split(r, concat(PeerWireGen.randomBytes(r, 3), bytes), 200)) {
                f.feed(r.nextBoolean() ? fromA(segment) : fromB(segment));
            }
        });
    }
}
