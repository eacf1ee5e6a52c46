package org.btblocker.crowdsec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;

/** Go's duration text as LAPI 1.4.6 writes it in the decision stream. */
class GoDurationTest implements WithQuickTheories {

    @Test
    void readsWhatTheLapiWrites() {
        assertThat(GoDuration.parse("4h59m30.720373345s")).contains(Duration.ofHours(4).plusMinutes(59)
                .plusSeconds(30).plusNanos(720_373_345));
        assertThat(GoDuration.parse("59.340449296s")).contains(Duration.ofNanos(59_340_449_296L));
        assertThat(GoDuration.parse("-44.187779ms")).contains(Duration.ofNanos(-44_187_779));
        assertThat(GoDuration.parse("1m59.387332903s")).contains(Duration.ofNanos(119_387_332_903L));
        assertThat(GoDuration.parse("0s")).contains(Duration.ZERO);
        assertThat(GoDuration.parse("0")).contains(Duration.ZERO);
        assertThat(GoDuration.parse("1.5\u00b5s")).contains(Duration.ofNanos(1500));
        assertThat(GoDuration.parse("2us300ns")).contains(Duration.ofNanos(2300));
        assertThat(GoDuration.parse("+1.h")).contains(Duration.ofHours(1));
        assertThat(GoDuration.parse(".5m")).contains(Duration.ofSeconds(30));
    }

    @Test
    void refusesWhatGoRefuses() {
        for (String bad : new String[] {"", "18000", "1", "-", "h", "1x", "1.5", "1h-1m", ".s", "1e3s", "1 h",
            "9999999999999999999h", "2562048h", null}) {
            assertThat(GoDuration.parse(bad)).as(String.valueOf(bad)).isEmpty();
        }
        assertThat(GoDuration.parse("2562047h")).isPresent(); // the largest whole-hour Go duration
    }

    @Test
    void writesSecondsWithTheUnitTheLapiNeeds() {
        assertThat(GoDuration.format(Duration.ofSeconds(18000))).isEqualTo("18000s");
        assertThat(GoDuration.format(Duration.ofMillis(400))).isEqualTo("1s");
        assertThat(GoDuration.format(Duration.ofMillis(599_001))).isEqualTo("600s");
    }

    @Test
    void formattedDurationsReadBack() {
        qt().forAll(longs().between(0, 4_000_000_000L)).checkAssert(s ->
                assertThat(GoDuration.parse(GoDuration.format(Duration.ofSeconds(s)))).contains(Duration.ofSeconds(s)));
    }

    @Test
    void goStyleTextReadsBackExactly() {
        qt().forAll(longs().between(-9_000_000_000_000_000L, 9_000_000_000_000_000L)).checkAssert(nanos ->
                assertThat(GoDuration.parse(goString(nanos))).contains(Duration.ofNanos(nanos)));
    }

    @Test
    void arbitraryTextNeverThrows() {
        qt().forAll(strings().basicLatinAlphabet().ofLengthBetween(0, 80)).checkAssert(s -> {
            Optional<Duration> d = GoDuration.parse(s);
            assertThat(d).isNotNull();
        });
    }

    /** What Go's Duration.String() writes: h, m, then seconds with up to 9 decimals (>= 1 s). */
    private static String goString(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        StringBuilder s = new StringBuilder(nanos < 0 ? "-" : "");
        long n = Math.abs(nanos);
        long h = n / 3_600_000_000_000L;
        long m = n / 60_000_000_000L % 60;
        long sec = n / 1_000_000_000L % 60;
        long frac = n % 1_000_000_000L;
        if (h > 0) {
            s.append(h).append('h');
        }
        if (h > 0 || m > 0) {
            s.append(m).append('m');
        }
        s.append(sec);
        if (frac > 0) {
            s.append('.').append(String.format("%09d", frac).replaceAll("0+$", ""));
        }
        return s.append('s').toString();
    }
}
