package org.btblocker.app.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;
import org.quicktheories.core.Gen;

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
    void parsesTheRfc8259Examples() {
        assertThat(Json.parse("{\"seq\": 12, \"op\": \"ban\", \"ok\": true, \"x\": null, \"f\": -1.5e3}"))
            .isEqualTo(Map.of("seq", 12L, "op", "ban", "ok", true, "x", Json.NULL, "f", -1500.0));
        assertThat(Json.parse(" [1, [2, {\"a\": []}], \"\\u00e9\\n\"] ")).isEqualTo(List.of(1L, List.of(2L,
            Map.of("a", List.of())), "\u00e9\n"));
        assertThat(Json.parse("\"\\ud83d\\ude00\"")).isEqualTo("\ud83d\ude00");
    }

    @Test
    void refusesWhatIsNotExactlyOneValue() {
        for (String bad : List.of("", "{", "{\"a\":1,}", "[1,]", "01", "1.", "-", "{\"a\" 1}", "tru", "\"x",
                "\"\u0001\"", "{} {}", "[1] x", "{a:1}", "'x'", "\"\\x\"", "1e", "NaN")) {
            assertThat(Json.parse(bad)).as(bad).isNull();
        }
        assertThat(Json.parse("[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2))).isNull();
    }

    @Test
    void escapedStringsHaveNoRawControlCharactersAndParseBack() {
        qt().forAll(strings().allPossible().ofLengthBetween(0, 40)).checkAssert(s -> {
            String json = str(s);
            assertThat(json.chars().noneMatch(c -> c < 0x20)).isTrue();
            assertThat(Json.parse(json)).isEqualTo(s);
        });
    }

    private Gen<Object> values(int depth) {
        Gen<Object> leaf = integers().between(0, 5).zip(longs().all(), strings().allPossible().ofLengthBetween(0, 8),
            (kind, n, s) -> switch (kind) {
                case 0 -> (Object) n;
                case 1 -> s;
                case 2 -> (Object) (n % 2 == 0);
                case 3 -> Json.NULL;
                case 4 -> (Object) (n / 7.0);
                default -> (Object) (long) (n % 1000);
            });
        if (depth == 0) {
            return leaf;
        }
        Gen<Object> child = values(depth - 1);
        Gen<Object> list = lists().of(child).ofSizeBetween(0, 4).map(l -> (Object) new ArrayList<>(l));
        Gen<Object> map = lists().of(strings().basicLatinAlphabet().ofLengthBetween(0, 5)).ofSizeBetween(0, 4)
            .zip(lists().of(child).ofSize(4), (keys, vs) -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < keys.size(); i++) {
                    m.put(keys.get(i), vs.get(i));
                }
                return (Object) m;
            });
        return integers().between(0, 2).zip(leaf, list, map, (k, a, b, c) -> k == 0 ? a : k == 1 ? b : c);
    }

    @Test
    void writtenValuesParseBackEqual() {
        qt().withExamples(300).forAll(values(2)).checkAssert(v -> {
            String text = Json.value(new StringBuilder(), v).toString();
            assertThat(Json.parse(text)).as(text).isEqualTo(v);
        });
    }

    @Test
    void mutatedAndTruncatedTextNeverThrows() {
        qt().withExamples(300).forAll(values(2), integers().between(0, 1000), integers().between(0, 65535)).checkAssert((v, at, c) -> {
            String text = Json.value(new StringBuilder(), v).toString();
            int i = text.isEmpty() ? 0 : at % text.length();
            String mutated = text.substring(0, i) + (char) c.intValue() + text.substring(Math.min(text.length(), i + 1));
            Json.parse(mutated);                       // any answer, never an exception
            assertThat(Json.parse(text.substring(0, i)) == null || i == 0 || isScalar(v)).isTrue();
        });
    }

    private static boolean isScalar(Object v) {
        return !(v instanceof Map) && !(v instanceof List) && !(v instanceof String);
    }
}
