package org.btblocker.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;

class JsonTest implements WithQuickTheories {

    static String str(String s) {
        return Json.string(new StringBuilder(), s).toString();
    }

    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        assertThat(str("plain.pcap")).isEqualTo("\"plain.pcap\"");
        assertThat(str("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(str("tab\tnl\ncr\r")).isEqualTo("\"tab\\tnl\\ncr\\r\"");
        assertThat(str("\u0001\u001f\u2028")).isEqualTo("\"\\u0001\\u001f\\u2028\"");
        assertThat(str("caf\u00e9")).isEqualTo("\"caf\u00e9\"");
        assertThat(str(null)).isEqualTo("null");
    }

    @Test
    void verdictLineOmitsTheDetectorOfAnAllowedFlow() {
        assertThat(Json.verdictLine("x.pcap", new FlowVerdict("udp", "1.2.3.4:5", "[::1]:6", false, "ignored")))
            .isEqualTo("{\"pcap\": \"x.pcap\", \"proto\": \"udp\", \"src\": \"1.2.3.4:5\", \"dst\": \"[::1]:6\", "
                + "\"verdict\": \"allow\", \"detector\": null}");
    }

    @Test
    void escapedStringsHaveNoRawControlCharactersAndUnescapeBack() {
        qt().forAll(strings().allPossible().ofLengthBetween(0, 40)).checkAssert(s -> {
            String json = str(s);
            assertThat(json.chars().noneMatch(c -> c < 0x20)).isTrue();
            assertThat(unescape(json)).isEqualTo(s);
        });
    }

    /** A minimal JSON string decoder, to check the round trip. */
    static String unescape(String json) {
        StringBuilder s = new StringBuilder();
        for (int i = 1; i < json.length() - 1; i++) {
            char c = json.charAt(i);
            if (c != '\\') {
                s.append(c);
                continue;
            }
            char e = json.charAt(++i);
            switch (e) {
                case 'n': s.append('\n'); break;
                case 'r': s.append('\r'); break;
                case 't': s.append('\t'); break;
                case 'b': s.append('\b'); break;
                case 'f': s.append('\f'); break;
                case 'u': s.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16)); i += 4; break;
                default: s.append(e);
            }
        }
        return s.toString();
    }
}
