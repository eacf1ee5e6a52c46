package org.btblocker.detectors.lsd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.btblocker.detectors.bencode.BencodeGen;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** BEP 14 announce format, section "Message": examples and near misses. */
class LsdAnnounceTest {

    private static final String IH = "ED4F1085E885F98F9A69B70EE89EB988B8FD9115";

    static int parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return LsdAnnounce.parse(BencodeGen.embedded(b), 3, b.length);
    }

    @Test
    void bep14Example() {
        assertThat(parse("BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 6881\r\nInfohash: " + IH
            + "\r\ncookie: xyz\r\n\r\n\r\n")).isEqualTo(1);
        assertThat(parse("BT-SEARCH * HTTP/1.1\r\nHost: [ff15::efc0:988f]:6771\r\nPort: 6881\r\nInfohash: " + IH
            + "\r\n\r\n\r\n")).isEqualTo(1);
        // without the optional second blank line, and with several infohashes
        assertThat(parse("BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 6881\r\nInfohash: " + IH
            + "\r\nInfohash: " + "ed4f1085e885f98f9a69b70ee89eb988b8fd9115" + "\r\n\r\n")).isEqualTo(2);
        assertThat(parse("BT-SEARCH * HTTP/1.1\r\nhost: x\r\nINFOHASH:" + IH + "  \r\nport:1\r\n\r\n")).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // wrong request line
        "BT-SEARCH * HTTP/1.0\r\nHost: h\r\nPort: 6881\r\nInfohash: " + IH + "\r\n\r\n",
        "M-SEARCH * HTTP/1.1\r\nHost: h\r\nPort: 6881\r\nInfohash: " + IH + "\r\n\r\n",
        "bt-search * HTTP/1.1\r\nHost: h\r\nPort: 6881\r\nInfohash: " + IH + "\r\n\r\n",
        // infohash too short, too long, not hex, missing
        "BT-SEARCH * HTTP/1.1\r\nHost: h\r\nPort: 6881\r\nInfohash: " + "D4F1085E885F98F9A69B70EE89EB988B8FD9115" + "\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nHost: h\r\nPort: 6881\r\nInfohash: " + IH + "0\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nHost: h\r\nPort: 6881\r\nInfohash: " + "G" + "D4F1085E885F98F9A69B70EE89EB988B8FD9115" + "\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nHost: h\r\nPort: 6881\r\n\r\n",
        // port out of range, leading zero, missing, twice
        "BT-SEARCH * HTTP/1.1\r\nHost: h\r\nPort: 65536\r\nInfohash: " + IH + "\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nHost: h\r\nPort: 0\r\nInfohash: " + IH + "\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nHost: h\r\nPort: 06881\r\nInfohash: " + IH + "\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nHost: h\r\nInfohash: " + IH + "\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nHost: h\r\nPort: 1\r\nPort: 2\r\nInfohash: " + IH + "\r\n\r\n",
        // host empty or missing
        "BT-SEARCH * HTTP/1.1\r\nHost: \r\nPort: 6881\r\nInfohash: " + IH + "\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nPort: 6881\r\nInfohash: " + IH + "\r\n\r\n",
        // bare LF, no blank line, trailing bytes, a header without a colon, a control byte
        "BT-SEARCH * HTTP/1.1\nHost: h\nPort: 6881\nInfohash: " + IH + "\n\n",
        "BT-SEARCH * HTTP/1.1\r\nHost: h\r\nPort: 6881\r\nInfohash: " + IH + "\r\n",
        "BT-SEARCH * HTTP/1.1\r\nHost: h\r\nPort: 6881\r\nInfohash: " + IH + "\r\n\r\nGET / HTTP/1.1",
        "BT-SEARCH * HTTP/1.1\r\nHost h\r\nPort: 6881\r\nInfohash: " + IH + "\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nHost: h\u0000\r\nPort: 6881\r\nInfohash: " + IH + "\r\n\r\n",
        "",
        "BT-SEARCH",
    })
    void nearMissesAreRefused(String s) {
        assertThat(parse(s)).isEqualTo(-1);
    }

    @Test
    void tooManyHeadersAreRefused() {
        String many = "X: y\r\n".repeat(LsdAnnounce.MAX_HEADERS);
        assertThat(parse("BT-SEARCH * HTTP/1.1\r\n" + many + "Host: h\r\nPort: 1\r\nInfohash: " + IH + "\r\n\r\n"))
            .isEqualTo(-1);
    }

    @Test
    void groupsAreTheBep14Ones() {
        assertThat(LsdAnnounce.isGroup(0, 0x0000_ffff_efc0_988fL, 6771)).isTrue();
        assertThat(LsdAnnounce.isGroup(0xff15_0000_0000_0000L, 0xefc0_988fL, 6771)).isTrue();
        assertThat(LsdAnnounce.isGroup(0, 0x0000_ffff_efc0_988fL, 6772)).isFalse();
        assertThat(LsdAnnounce.isGroup(0, 0x0000_ffff_efc0_9890L, 6771)).isFalse();
        assertThat(LsdAnnounce.isGroup(0xff02_0000_0000_0000L, 0xefc0_988fL, 6771)).isFalse();
    }

    @Test
    void badOffsetsAreAnsweredNotThrown() {
        ByteBuffer b = ByteBuffer.allocate(30);
        assertThat(LsdAnnounce.parse(b, 20, 30)).isEqualTo(-1);
        assertThat(LsdAnnounce.parse(b, -1, 25)).isEqualTo(-1);
        assertThat(LsdAnnounce.parse(null, 0, 25)).isEqualTo(-1);
    }
}
