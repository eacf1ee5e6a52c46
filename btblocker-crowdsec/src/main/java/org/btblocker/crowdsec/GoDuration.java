package org.btblocker.crowdsec;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Optional;

/**
 * Durations as the Local API writes and reads them: Go's {@code time.Duration} text. The decision stream reports
 * the time a decision has left as {@code "4h59m30.720373345s"}, and a deleted or expired one with a negative value
 * ({@code "-44.187779ms"}); a pushed decision needs a unit ({@code "18000s"}): LAPI 1.4.6 answers a bare
 * {@code "18000"} with HTTP 500 "missing unit in duration".
 */
final class GoDuration {

    /** Longest text accepted; Go never writes more than about 25 characters. */
    static final int MAX_LENGTH = 64;

    private static final BigDecimal NANOS_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private GoDuration() {
    }

    /**
     * Whole seconds with Go's {@code s} unit, rounded up: {@code "18000s"}. A ban restored with 0.4 s left is pushed
     * as {@code "1s"}, never as {@code "0s"}.
     */
    static String format(Duration d) {
        long seconds = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
        return seconds + "s";
    }

    /**
     * Parses Go's duration syntax: an optional sign, then one or more {@code <decimal><unit>} with the units ns, us
     * (µs, μs), ms, s, m, h; or a bare {@code "0"}. Pure; never throws.
     *
     * @return the duration (nanosecond precision, truncated), or empty when the text is not a Go duration or does not
     *         fit in a {@code long} of nanoseconds
     */
    static Optional<Duration> parse(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        int i = 0;
        boolean negative = false;
        char first = text.charAt(0);
        if (first == '-' || first == '+') {
            negative = first == '-';
            i++;
        }
        if (text.substring(i).equals("0")) {
            return Optional.of(Duration.ZERO);
        }
        if (i == text.length()) {
            return Optional.empty();
        }
        BigDecimal total = BigDecimal.ZERO;
        while (i < text.length()) {
            int start = i;
            boolean digits = false;
            while (i < text.length() && isDigit(text.charAt(i))) {
                i++;
                digits = true;
            }
            if (i < text.length() && text.charAt(i) == '.') {
                i++;
                while (i < text.length() && isDigit(text.charAt(i))) {
                    i++;
                    digits = true;
                }
            }
            if (!digits) {
                return Optional.empty();
            }
            String number = text.substring(start, i);
            int unitStart = i;
            while (i < text.length() && !isDigit(text.charAt(i)) && text.charAt(i) != '.') {
                i++;
            }
            long unit = unitNanos(text.substring(unitStart, i));
            if (unit < 0) {
                return Optional.empty();
            }
            // "1." and ".5" are valid in Go; BigDecimal wants a digit on both sides
            String normalized = (number.startsWith(".") ? "0" : "") + number + (number.endsWith(".") ? "0" : "");
            total = total.add(new BigDecimal(normalized).multiply(BigDecimal.valueOf(unit)));
            if (total.compareTo(NANOS_MAX) > 0) {
                return Optional.empty();
            }
        }
        long nanos = total.setScale(0, RoundingMode.DOWN).longValueExact();
        return Optional.of(Duration.ofNanos(negative ? -nanos : nanos));
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "\u00b5s", "\u03bcs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> -1L;
        };
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
