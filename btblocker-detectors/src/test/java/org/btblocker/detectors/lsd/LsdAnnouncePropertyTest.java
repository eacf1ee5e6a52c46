package org.btblocker.detectors.lsd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.btblocker.detectors.bencode.BencodeGen;
import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;

/** Generated announces parse with their infohash count; hostile bytes never throw. */
class LsdAnnouncePropertyTest implements WithQuickTheories {

    @Test
    void generatedAnnouncesAreRecognised() {
        qt().forAll(LsdGen.announces()).checkAssert(a -> {
            byte[] b = a.bytes();
            assertThat(LsdAnnounce.parse(BencodeGen.embedded(b), 3, b.length)).isEqualTo(a.infohashes());
        });
    }

    @Test
    void truncatedBeforeTheBlankLineIsRefused() {
        qt().forAll(LsdGen.announces(), integers().between(0, 1000)).checkAssert((a, cut) -> {
            byte[] b = a.bytes();
            int headerEnd = a.text().indexOf("\r\n\r\n") + 4;
            int len = cut % headerEnd;                          // always a proper prefix of the header block
            assertThat(LsdAnnounce.parse(ByteBuffer.wrap(Arrays.copyOf(b, len)), 0, len)).isEqualTo(-1);
        });
    }

    @Test
    void mutatedAndRandomInputNeverThrows() {
        qt().forAll(BencodeGen.mutated(LsdGen.announceBytes())).checkAssert(b ->
            assertThat(LsdAnnounce.parse(BencodeGen.embedded(b), 3, b.length)).isBetween(-1, 32));
        qt().forAll(BencodeGen.randomBytes(200)).checkAssert(b ->
            assertThat(LsdAnnounce.parse(ByteBuffer.wrap(b), 0, b.length)).isEqualTo(-1));
        byte[] prefix = "BT-SEARCH * HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
        qt().forAll(BencodeGen.randomBytes(100)).checkAssert(r -> {
            byte[] b = Arrays.copyOf(prefix, prefix.length + r.length);
            System.arraycopy(r, 0, b, prefix.length, r.length);
            assertThat(LsdAnnounce.parse(ByteBuffer.wrap(b), 0, b.length)).isEqualTo(-1);
        });
    }
}
