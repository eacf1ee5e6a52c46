package org.btblocker.api.ban;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;

class BanDurationsTest implements WithQuickTheories {

    private static Duration parse(String hocon) {
        Config c = ConfigFactory.parseString("banDuration = " + hocon);
        return BanDurations.parse(c, "banDuration");
    }

    @Test
    void seedStringAndBareNumbersAreSeconds() {
        assertThat(parse("\"18000\"")).isEqualTo(Duration.ofHours(5));
        assertThat(parse("18000")).isEqualTo(Duration.ofHours(5));
        assertThat(parse("\" 86400 \"")).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void hoconDurationsWithUnits() {
        assertThat(parse("5h")).isEqualTo(Duration.ofHours(5));
        assertThat(parse("\"30 minutes\"")).isEqualTo(Duration.ofMinutes(30));
        assertThat(parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(parse("1500ms")).as("rounded up").isEqualTo(Duration.ofSeconds(2));
        assertThat(parse("90s")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void badValuesNameTheKeyAndTheAcceptedForms() {
        for (String bad : new String[] {"\"soon\"", "0", "-5", "1.5h", "\"5 fortnights\"", "[1]", "25d"}) {
            assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(ConfigException.BadValue.class)
                    .hasMessageContaining("banDuration")
                    .hasMessageContaining("expected seconds (18000) or a duration (\"5h\")");
        }
        assertThatThrownBy(() -> BanDurations.parse(ConfigFactory.empty(), "banDuration"))
                .isInstanceOf(ConfigException.Missing.class);
    }

    @Test
    void everyNumberOfSecondsParsesToItself() {
        qt().forAll(longs().between(0, 999_999_999_999_999L)).checkAssert(s ->
                assertThat(BanDurations.parseSeconds(Long.toString(s))).isEqualTo(s));
    }

    @Test
    void unitsScale() {
        qt().forAll(longs().between(0, 1_000_000), arbitrary().pick("m", "minutes", " h", "hours", "d", "s", "ms"))
                .checkAssert((n, unit) -> {
                    long factor = switch (unit.strip()) {
                        case "m", "minutes" -> 60;
                        case "h", "hours" -> 3600;
                        case "d" -> 86400;
                        case "s" -> 1;
                        default -> -1;
                    };
                    long expected = factor > 0 ? n * factor : (n + 999) / 1000;
                    assertThat(BanDurations.parseSeconds(n + unit)).isEqualTo(expected);
                });
    }

    @Test
    void arbitraryTextNeverThrowsAndIsMinusOneOrANonNegativeCount() {
        qt().forAll(strings().allPossible().ofLengthBetween(0, 24)).checkAssert(s ->
                assertThat(BanDurations.parseSeconds(s)).isGreaterThanOrEqualTo(-1L));
        qt().forAll(strings().numeric(), strings().betweenCodePoints(32, 126).ofLengthBetween(0, 6))
                .checkAssert((num, junk) -> assertThat(BanDurations.parseSeconds(num + junk))
                        .isGreaterThanOrEqualTo(-1L));
        assertThat(BanDurations.parseSeconds(null)).isEqualTo(-1);
        assertThat(BanDurations.parseSeconds("9999999999999999999999h")).isEqualTo(-1);
    }
}
