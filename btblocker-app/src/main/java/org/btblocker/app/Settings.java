package org.btblocker.app;

import java.util.List;
import java.util.Locale;

import org.btblocker.api.ConfigChecks;
import org.btblocker.app.bans.BanWorker;
import org.btblocker.app.metrics.MetricsSettings;
import org.btblocker.netfilter.nfqueue.QueueConfig;

import com.typesafe.config.Config;

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
        MetricsSettings.from(c);
        c.getString("detectionLog");
        c.getString("pluginsDir");
        ConfigChecks.intIn(c, "btblocker", "queue.count", 1, 64);
        QueueConfig.from(root);
    }

    /** {@code logLevel}: debug | info | warn | error. */
    public static String logLevel(Config c) {
        String level = c.getString("logLevel").trim().toLowerCase(Locale.ROOT);
        if (!List.of("trace", "debug", "info", "warn", "error").contains(level)) {
            throw ConfigChecks.bad(c, "btblocker", "logLevel",
                    "one of debug, info, warn, error; got \"" + c.getString("logLevel") + "\"");
        }
        return level;
    }

    /** {@code logFormat}: text | json. */
    public static String logFormat(Config c) {
        String format = c.getString("logFormat").trim().toLowerCase(Locale.ROOT);
        if (!List.of("text", "json").contains(format)) {
            throw ConfigChecks.bad(c, "btblocker", "logFormat",
                    "text or json, got \"" + c.getString("logFormat") + "\"");
        }
        return format;
    }
}
