package org.btblocker.app.policy;

import java.time.Duration;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;

/**
 * Reads {@code banDuration}: the seed writes it as a string of seconds ({@code "18000"}), so a bare number means
 * seconds here (unlike HOCON's durations, where it means milliseconds); {@code "5h"}-style durations work too.
 */
final class BanDurations {

    /** ipset's largest timeout (in seconds) is 2^31 / 1000; longer bans would overflow in the kernel. */
    static final long MAX_SECONDS = 2_147_483L;

    private BanDurations() {
    }

    static Duration parse(Config c, String path) {
        var value = c.getValue(path);
        String text = value.valueType() == ConfigValueType.STRING ? c.getString(path).trim()
                : String.valueOf(value.unwrapped());
        Duration d;
        if (text.matches("[0-9]{1,12}")) {
            d = Duration.ofSeconds(Long.parseLong(text));
        } else {
            try {
                d = c.getDuration(path);
            } catch (ConfigException e) {
                throw bad(c, path, text);
            }
        }
        if (d.getSeconds() < 1 || d.getSeconds() > MAX_SECONDS) {
            throw bad(c, path, text);
        }
        return d;
    }

    private static ConfigException bad(Config c, String path, String text) {
        return new ConfigException.BadValue(c.getValue(path).origin(), "btblocker." + path,
                "expected seconds (\"18000\") or a duration (\"5h\") from 1 s to " + MAX_SECONDS + " s, got \""
                        + text + "\"");
    }
}
