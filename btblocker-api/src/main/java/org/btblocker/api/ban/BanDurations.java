package org.btblocker.api.ban;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.Locale;

/**
 * The one reader of ban durations such as {@code banDuration}. The seed writes seconds as a string ({@code "18000"}),
 * so a bare number means <b>seconds</b> here, unlike HOCON's own duration format where it means milliseconds; a number
 * with a HOCON unit ({@code "5h"}, {@code "30 minutes"}, {@code "1500ms"}) is also accepted. Sub-second results round
 * up to whole seconds, since kernel set timeouts count seconds.
 */
public final class BanDurations {

    /** Longest accepted duration in seconds: ipset's IPSET_MAX_TIMEOUT ((UINT_MAX >> 1) / 1000). */
    public static final long MAX_SECONDS = 2_147_483L;

    private BanDurations() { }

    /**
     * Reads {@code path} from {@code config}.
     *
     * @throws ConfigException.BadValue naming the path when the value is not a positive duration of at most
     *         {@link #MAX_SECONDS} seconds
     * @throws ConfigException.Missing when the path is absent
     */
    public static Duration parse(Config config, String path) {
        ConfigValue v = config.getValue(path);
        String text = v.valueType() == ConfigValueType.NUMBER || v.valueType() == ConfigValueType.STRING
                ? String.valueOf(v.unwrapped()) : null;
        long seconds = text == null ? -1 : parseSeconds(text);
        if (seconds <= 0 || seconds > MAX_SECONDS) {
            // Callers pass the btblocker block; name the key as the operator writes it.
            String key = path.startsWith("btblocker.") ? path : "btblocker." + path;
            throw new ConfigException.BadValue(v.origin(), key, "expected seconds (18000) or a duration (\"5h\") "
                    + "between 1 s and " + MAX_SECONDS + " s, got " + v.render());
        }
        return Duration.ofSeconds(seconds);
    }

    /**
     * Parses {@code "18000"} (seconds) or {@code "<integer>[ ]<unit>"} with a HOCON unit into whole seconds, rounding
     * up. Pure; never throws.
     *
     * @return the seconds (0 for a zero duration), or -1 when the text is not a duration or overflows
     */
    public static long parseSeconds(String text) {
        if (text == null) {
            return -1;
        }
        String s = text.strip();
        int i = 0;
        long value = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            if (i >= 15) {
                return -1;                       // > 10^15: no sensible ban, and the unit scaling below can't overflow
            }
            value = value * 10 + (s.charAt(i) - '0');
            i++;
        }
        if (i == 0) {
            return -1;
        }
        String unit = s.substring(i).strip().toLowerCase(Locale.ROOT);
        long nanosPerUnit = switch (unit) {
            case "", "s", "second", "seconds" -> 1_000_000_000L;
            case "ns", "nano", "nanos", "nanosecond", "nanoseconds" -> 1L;
            case "us", "micro", "micros", "microsecond", "microseconds" -> 1_000L;
            case "ms", "milli", "millis", "millisecond", "milliseconds" -> 1_000_000L;
            case "m", "minute", "minutes" -> 60_000_000_000L;
            case "h", "hour", "hours" -> 3_600_000_000_000L;
            case "d", "day", "days" -> 86_400_000_000_000L;
            default -> -1L;
        };
        if (nanosPerUnit < 0) {
            return -1;
        }
        if (nanosPerUnit >= 1_000_000_000L) {
            long perSecond = nanosPerUnit / 1_000_000_000L;
            return value > Long.MAX_VALUE / perSecond ? -1 : value * perSecond;
        }
        long per = 1_000_000_000L / nanosPerUnit;
        return (value + per - 1) / per;
    }
}
