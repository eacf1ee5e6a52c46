package org.btblocker.app;

import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

import org.btblocker.api.ban.BanSinkProvider;
import org.btblocker.app.policy.BanWorker;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * Checks the daemon's own settings eagerly (the engine and detectors check theirs when built), so that
 * {@code check-config} and {@code run} fail at startup with the key path, never halfway through.
 */
public final class Settings {

    private Settings() {
    }

    /** Validates the settings of the {@code btblocker} block that the app owns; throws naming the key. */
    public static void validate(Config root) {
        Config c = root.getConfig("btblocker");
        logLevel(c);
        logFormat(c);
        BanWorker.checkSettings(c);
        intIn(c, "queueNum", 0, 65535);
        intIn(c, "queue.count", 1, 64);
        if (c.getInt("queueNum") + c.getInt("queue.count") - 1 > 65535) {
            throw bad(c, "queue.count", "queueNum + queue.count - 1 <= 65535");
        }
        intIn(c, "queue.copyRange", 64, 65535);
        intIn(c, "queue.maxLength", 1, 65536);
        List<String> interfaces = c.getStringList("interfaces");
        if (interfaces.isEmpty()) {
            throw bad(c, "interfaces", "at least one interface name, e.g. [\"eth0\"]");
        }
        for (String name : interfaces) {
            if (!name.matches("[A-Za-z0-9_.:@+-]{1,15}")) {
                throw bad(c, "interfaces", "interface names of 1-15 characters, got \"" + name + "\"");
            }
        }
        String sink = c.getString("banSink");
        List<String> sinks = ServiceLoader.load(BanSinkProvider.class, Settings.class.getClassLoader()).stream()
            .map(p -> p.get().name()).toList();
        if (!sinks.contains(sink)) {
            throw bad(c, "banSink", "one of " + sinks + ", got \"" + sink + "\"");
        }
    }

    /** {@code logLevel}: debug | info | warn | error. */
    public static String logLevel(Config c) {
        String level = c.getString("logLevel").trim().toLowerCase(Locale.ROOT);
        if (!List.of("trace", "debug", "info", "warn", "error").contains(level)) {
            throw bad(c, "logLevel", "one of debug, info, warn, error; got \"" + c.getString("logLevel") + "\"");
        }
        return level;
    }

    /** {@code logFormat}: text | json. */
    public static String logFormat(Config c) {
        String format = c.getString("logFormat").trim().toLowerCase(Locale.ROOT);
        if (!List.of("text", "json").contains(format)) {
            throw bad(c, "logFormat", "text or json, got \"" + c.getString("logFormat") + "\"");
        }
        return format;
    }

    private static int intIn(Config c, String path, int min, int max) {
        int v = c.getInt(path);
        if (v < min || v > max) {
            throw bad(c, path, "an integer from " + min + " to " + max + ", got " + v);
        }
        return v;
    }

    private static ConfigException bad(Config c, String path, String expected) {
        return new ConfigException.BadValue(c.hasPath(path) ? c.getValue(path).origin() : c.origin(),
            "btblocker." + path, "expected " + expected);
    }
}
