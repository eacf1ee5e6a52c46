package org.btblocker.crowdsec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;

/** The JSON codec: generated documents round-trip; mutated and truncated text fails only as declared. */
class JsonReaderPropertyTest implements WithQuickTheories {

    @Test
    void writtenValuesParseBackEqual() {
        qt().forAll(JsonGen.values()).checkAssert(v -> {
            String text = JsonWriter.write(v);
            try {
                assertThat(JsonReader.parse(text)).isEqualTo(v);
            } catch (JsonException e) {
                fail("could not read back " + text + ": " + e.getMessage());
            }
        });
    }

    @Test
    void parsedTextWritesBackIdentical() {
        qt().forAll(JsonGen.texts()).checkAssert(text -> {
            try {
                assertThat(JsonWriter.write(JsonReader.parse(text))).isEqualTo(text);
            } catch (JsonException e) {
                fail("could not read " + text + ": " + e.getMessage());
            }
        });
    }

    @Test
    void mutatedDocumentsFailOnlyWithJsonExceptionWithinBounds() {
        qt().forAll(JsonGen.mutated(JsonGen.texts().mix(JsonGen.streams())))
                .checkAssert(JsonReaderPropertyTest::parsesOrFailsInBounds);
    }

    @Test
    void truncatedDocumentsFailOnlyWithJsonExceptionWithinBounds() {
        qt().forAll(JsonGen.truncated(JsonGen.texts().mix(JsonGen.streams())))
                .checkAssert(JsonReaderPropertyTest::parsesOrFailsInBounds);
    }

    @Test
    void everyProperPrefixOfAContainerIsRefused() {
        qt().forAll(JsonGen.streams(), integers().between(0, 10_000)).checkAssert((text, cut) -> {
            String prefix = text.substring(0, cut % text.length());
            try {
                JsonReader.parse(prefix);
                fail("a proper prefix of an object parsed: " + prefix);
            } catch (JsonException e) {
                assertThat(e.offset()).isBetween(0, prefix.length());
            }
        });
    }

    @Test
    void generatedStreamsParseWithEveryDecision() {
        qt().forAll(JsonGen.streams()).checkAssert(text -> {
            try {
                DecisionStream s = DecisionStream.parse(text);
                assertThat(s.malformed()).isZero();
                long listed = text.split("\"id\":", -1).length - 1;
                assertThat(s.added().size() + s.deleted().size()).isEqualTo((int) listed);
                s.deleted().forEach(d -> assertThat(d.remaining()).isNegative());
                s.added().forEach(d -> assertThat(d.remaining()).isPositive());
            } catch (JsonException e) {
                fail(text + ": " + e.getMessage());
            }
        });
    }

    @Test
    void mutatedStreamsNeverThrowAnythingElse() {
        qt().forAll(JsonGen.mutated(JsonGen.streams())).checkAssert(text -> {
            try {
                DecisionStream s = DecisionStream.parse(text);
                assertThat(s.malformed()).isNotNegative();
            } catch (JsonException e) {
                assertThat(e.offset()).isBetween(-1, text.length());
            }
        });
    }

    private static void parsesOrFailsInBounds(String text) {
        try {
            JsonValue v = JsonReader.parse(text);
            // what parses is valid JSON: it writes out and reads back as the same value
            assertThat(JsonReader.parse(JsonWriter.write(v))).isEqualTo(v);
        } catch (JsonException e) {
            assertThat(e.offset()).isBetween(0, text.length());
        }
    }
}
