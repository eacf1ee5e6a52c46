package org.btblocker.detectors.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.btblocker.detectors.handshake.PeerWireGen.compactPeer;
import static org.btblocker.detectors.handshake.PeerWireGen.extended;
import static org.btblocker.detectors.handshake.PeerWireGen.frame;
import static org.btblocker.detectors.handshake.PeerWireGen.have;
import static org.btblocker.testkit.Packets.ascii;
import static org.btblocker.testkit.Packets.concat;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

/** Message lengths per BEP 3 ("Peer messages"), BEP 6 ("New messages") and BEP 10 / 9 / 11 payloads. */
class PeerWireFramesTest {

    @Test
    void lengthsFollowTheBeps() {
        for (int id : new int[] {0, 1, 2, 3, 14, 15}) {          // no payload
            assertThat(PeerWireFrames.lengthFits(id, 1)).as("id %d", id).isTrue();
            assertThat(PeerWireFrames.lengthFits(id, 2)).as("id %d", id).isFalse();
        }
        for (int id : new int[] {4, 13, 17}) {                   // one u32 piece index
            assertThat(PeerWireFrames.lengthFits(id, 5)).isTrue();
            assertThat(PeerWireFrames.lengthFits(id, 6)).isFalse();
        }
        for (int id : new int[] {6, 8, 16}) {                    // index, begin, length
            assertThat(PeerWireFrames.lengthFits(id, 13)).isTrue();
            assertThat(PeerWireFrames.lengthFits(id, 12)).isFalse();
        }
        assertThat(PeerWireFrames.lengthFits(9, 3)).isTrue();    // BEP 5 port: u16
        assertThat(PeerWireFrames.lengthFits(7, 9 + (1 << 14))).isTrue();
        assertThat(PeerWireFrames.lengthFits(7, 10 + (1 << 17))).isFalse();
        assertThat(PeerWireFrames.lengthFits(5, 1)).isFalse();
        assertThat(PeerWireFrames.lengthFits(10, 5)).isFalse();  // ids 10-12, 18, 19, 24+ are not accepted
        assertThat(PeerWireFrames.lengthFits(24, 49)).isFalse();
        // BEP 52: hash request and hash reject are 49 bytes, hashes 49 + 32 per hash
        assertThat(PeerWireFrames.lengthFits(21, 49)).isTrue();
        assertThat(PeerWireFrames.lengthFits(23, 49)).isTrue();
        assertThat(PeerWireFrames.lengthFits(21, 5)).isFalse();
        assertThat(PeerWireFrames.lengthFits(22, 49 + 32 * 3)).isTrue();
        assertThat(PeerWireFrames.lengthFits(22, 49)).isFalse();
        assertThat(PeerWireFrames.lengthFits(22, 49 + 33)).isFalse();
    }

    /** A piece message header (BEP 3) for block {@code begin} of piece {@code index}, without the block. */
    private static byte[] pieceHeader(int index, int begin) {
        return ByteBuffer.allocate(13).putInt(9 + (1 << 14)).put((byte) 7).putInt(index).putInt(begin).array();
    }

    @Test
    void blockMessagesAreFoundInsideASegment() {
        java.util.Random r = new java.util.Random(1);
        byte[] tail = new byte[700];                             // the end of an earlier block
        r.nextBytes(tail);
        byte[] block = new byte[3000];
        r.nextBytes(block);
        byte[] segment = concat(tail, pieceHeader(12, 3 << 14), block);
        assertThat(PeerWireFrames.findBlockMessage(ByteBuffer.wrap(segment), 0, segment.length)).isEqualTo(700);
        byte[] request = ByteBuffer.allocate(17).putInt(13).put((byte) 6).putInt(5).putInt(1 << 14).putInt(1 << 14)
                .array();
        byte[] requests = concat(new byte[] {0, 0x40, 0}, request, request);  // the end of a request, two more
        assertThat(PeerWireFrames.findBlockMessage(ByteBuffer.wrap(requests), 0, requests.length)).isEqualTo(3);
    }

    @Test
    void nearMissesOfABlockMessageAreNotFound() {
        byte[] oddBegin = concat(new byte[9], pieceHeader(12, 100), new byte[20]);
        assertThat(PeerWireFrames.findBlockMessage(ByteBuffer.wrap(oddBegin), 0, oddBegin.length)).isEqualTo(-1);
        byte[] hugeIndex = concat(new byte[9], pieceHeader(1 << 25, 0), new byte[20]);
        assertThat(PeerWireFrames.findBlockMessage(ByteBuffer.wrap(hugeIndex), 0, hugeIndex.length)).isEqualTo(-1);
        byte[] otherLength = ByteBuffer.allocate(40).putInt(5, 9 + (1 << 15)).put(9, (byte) 7).array();
        assertThat(PeerWireFrames.findBlockMessage(ByteBuffer.wrap(otherLength), 0, 40)).isEqualTo(-1);
        byte[] request32k = ByteBuffer.allocate(17).putInt(13).put((byte) 6).putInt(5).putInt(0).putInt(1 << 15)
                .array();
        assertThat(PeerWireFrames.findBlockMessage(ByteBuffer.wrap(request32k), 0, 17)).isEqualTo(-1);
        byte[] cut = pieceHeader(1, 0);                          // a header needs its 13 bytes
        assertThat(PeerWireFrames.findBlockMessage(ByteBuffer.wrap(cut), 0, 12)).isEqualTo(-1);
    }

    @Test
    void randomBytesHoldNoBlockMessage() {
        java.util.Random r = new java.util.Random(2);
        byte[] segment = new byte[1 << 16];
        int found = 0;
        for (int i = 0; i < 200; i++) {
            r.nextBytes(segment);
            found += PeerWireFrames.findBlockMessage(ByteBuffer.wrap(segment), 0, segment.length) >= 0 ? 1 : 0;
        }
        assertThat(found).isZero();
    }

    @Test
    void scanCountsMessagesAndReportsTheContinuingTail() {
        byte[] bytes = concat(have(1), new byte[4], frame(2, new byte[0]), frame(7, new byte[100]));
        long r = PeerWireFrames.scan(ByteBuffer.wrap(bytes), 0, bytes.length - 40);
        assertThat(PeerWireFrames.frames(r)).isEqualTo(3);       // keep-alive not counted, the cut piece is
        assertThat(PeerWireFrames.remaining(r)).isEqualTo(40);
        assertThat(PeerWireFrames.hasFixedLength(r)).isTrue();
        assertThat(PeerWireFrames.alignmentLost(r)).isFalse();
        long cutLength = PeerWireFrames.scan(ByteBuffer.wrap(bytes), 0, 11);
        assertThat(PeerWireFrames.alignmentLost(cutLength)).isTrue();
    }

    @Test
    void extensionMessagesAreClassifiedByTheirDictionary() {
        assertThat(classify(extended(0, PeerWireGen.extensionHandshakeDict())))
                .isEqualTo(ExtensionMessage.EXTENSION_HANDSHAKE);
        assertThat(classify(extended(0, concat(PeerWireGen.extensionHandshakeDict(), new byte[] {0}))))
                .isEqualTo(ExtensionMessage.INVALID);            // extension handshake: exactly one dictionary
        assertThat(classify(extended(0, ascii("hello")))).isEqualTo(ExtensionMessage.INVALID);
        assertThat(classify(extended(7, new byte[] {0, 1, 2, 3}))).isEqualTo(ExtensionMessage.OTHER);
        assertThat(classify(extended(2, ascii("d8:msg_typei2e5:piecei3ee")))).isEqualTo(ExtensionMessage.UT_METADATA);
        assertThat(classify(extended(2, ascii("d8:msg_typei3e5:piecei3ee")))).isEqualTo(ExtensionMessage.OTHER);
        byte[] tooMuchData = concat(ascii("d8:msg_typei1e5:piecei0ee"), new byte[ExtensionMessage.METADATA_PIECE + 1]);
        assertThat(classify(extended(2, tooMuchData))).isEqualTo(ExtensionMessage.OTHER);
        byte[] peers = compactPeer(192, 0, 2, 1, 6881);
        assertThat(classify(extended(1, PeerWireGen.pexDict(peers)))).isEqualTo(ExtensionMessage.UT_PEX);
        byte[] wrongFlags = concat(ascii("d5:added6:"), peers, ascii("7:added.f2:ab7:dropped0:e"));
        assertThat(classify(extended(1, wrongFlags))).isEqualTo(ExtensionMessage.OTHER);
        byte[] ragged = ascii("d5:added5:abcdee");
        assertThat(classify(extended(1, ragged))).isEqualTo(ExtensionMessage.OTHER);
    }

    @Test
    void scanReportsWhereTheEvidenceIs() {
        byte[] bytes = concat(have(1), extended(3, ascii("d8:msg_typei0e5:piecei1ee")));
        long r = PeerWireFrames.scan(ByteBuffer.wrap(bytes), 0, bytes.length);
        assertThat(PeerWireFrames.evidence(r)).isEqualTo(ExtensionMessage.UT_METADATA);
        assertThat(bytes[PeerWireFrames.evidenceOffset(r)]).isEqualTo((byte) 'd');
    }

    private static int classify(byte[] message) {
        return ExtensionMessage.classify(ByteBuffer.wrap(message), 5, message.length);
    }
}
