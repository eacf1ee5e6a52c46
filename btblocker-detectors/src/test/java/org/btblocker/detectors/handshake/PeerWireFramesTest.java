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
        assertThat(PeerWireFrames.lengthFits(10, 5)).isFalse();  // ids 10-12, 18, 19, 21+ are not accepted
        assertThat(PeerWireFrames.lengthFits(21, 5)).isFalse();
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
