package org.btblocker.crowdsec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** RFC 8259 examples and the limits of the JSON reader and writer. */
class JsonReaderTest {

    @Test
    void readsTheLapiLoginAnswer() throws JsonException {
        JsonValue.JsonObject o = JsonReader.parse("{\"code\":200,\"expire\":\"2026-12-02T06:58:12Z\",\"token\":"
                + "\"eyJh.eyJl.9gEV\"}").asObject("login");
        assertThat(o.get("code").asLong("code")).isEqualTo(200);
        assertThat(o.string("expire")).isEqualTo("2026-12-02T06:58:12Z");
        assertThat(o.string("token")).isEqualTo("eyJh.eyJl.9gEV");
        assertThat(o.get("absent")).isEqualTo(JsonValue.JsonNull.INSTANCE);
    }

    @Test
    void readsEscapesAndWhitespace() throws JsonException {
        JsonValue v = JsonReader.parse(" [ \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\" , -0.5e+2 , true ,"
                + " false , null , { } , [ ] ]\r\n");
        assertThat(v).isEqualTo(new JsonValue.JsonArray(List.of(
                new JsonValue.JsonString("a\"b\\c/d\b\f\n\r\t\u00e9\ud83d\ude00"),
                new JsonValue.JsonNumber(new BigDecimal("-0.5e+2")), JsonValue.JsonBoolean.TRUE,
                JsonValue.JsonBoolean.FALSE, JsonValue.JsonNull.INSTANCE, new JsonValue.JsonObject(Map.of()),
                new JsonValue.JsonArray(List.of()))));
    }

    @Test
    void refusesWhatRfc8259Refuses() {
        for (String bad : List.of("", " ", "01", "1.", ".5", "+1", "-", "1e", "[1,]", "{\"a\":1,}", "{a:1}",
                "'a'", "\"\u0001\"", "\"\\x\"", "\"\\u12g4\"", "\"abc", "[1 2]", "tru", "nul", "1 2", "{\"a\"1}",
                "[", "{", "\"\\u00e\"", "NaN", "Infinity", "[\"\\u\"]")) {
            assertThatThrownBy(() -> JsonReader.parse(bad)).as(bad).isInstanceOf(JsonException.class)
                    .satisfies(e -> assertThat(((JsonException) e).offset()).isBetween(0, bad.length()));
        }
    }

    @Test
    void limitsNestingAndNumberLength() throws JsonException {
        String deep = "[".repeat(JsonReader.MAX_DEPTH) + "]".repeat(JsonReader.MAX_DEPTH);
        assertThat(JsonReader.parse(deep)).isInstanceOf(JsonValue.JsonArray.class);
        String tooDeep = "[".repeat(JsonReader.MAX_DEPTH + 1) + "]".repeat(JsonReader.MAX_DEPTH + 1);
        assertThatThrownBy(() -> JsonReader.parse(tooDeep)).hasMessageContaining("nested deeper than 64");
        String longNumber = "1".repeat(JsonReader.MAX_NUMBER_LENGTH + 1);
        assertThatThrownBy(() -> JsonReader.parse(longNumber)).hasMessageContaining("number longer than");
        assertThatThrownBy(() -> JsonReader.parse("1e99999999999")).hasMessageContaining("out of range");
    }

    @Test
    void asLongRefusesFractionsAndHugeExponentsWithoutExpandingThem() throws JsonException {
        assertThat(JsonReader.parse("9223372036854775807").asLong("id")).isEqualTo(Long.MAX_VALUE);
        assertThat(JsonReader.parse("1.0e3").asLong("id")).isEqualTo(1000);
        for (String bad : List.of("9223372036854775808", "1.5", "1e999999999", "-1e-999999999", "\"1\"")) {
            assertThatThrownBy(() -> JsonReader.parse(bad).asLong("id")).as(bad).isInstanceOf(JsonException.class);
        }
    }

    @Test
    void writesCompactWithEscapes() {
        JsonValue v = JsonValue.object().put("a", "\"\\\n\u0001\u00e9\ud800").put("n", 18000).put("t", true)
                .put("o", JsonValue.object().put("x", new JsonValue.JsonArray(List.of()))).build();
        assertThat(JsonWriter.write(v)).isEqualTo("{\"a\":\"\\\"\\\\\\n\\u0001\u00e9\\ud800\",\"n\":18000,"
                + "\"t\":true,\"o\":{\"x\":[]}}");
    }

    @Test
    void shapeErrorsNameTheField() {
        assertThatThrownBy(() -> JsonReader.parse("{\"token\":5}").asObject("login").string("token"))
                .isInstanceOf(JsonException.class).hasMessage("token: expected a string, got a number");
    }
}
