package org.btblocker.app.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.btblocker.app.errors.ExitCodes;
import org.btblocker.app.errors.UserException;

/**
 * Builds the effective configuration: {@code --set KEY=VALUE} over {@code --config FILE} over every
 * {@code reference.conf} on the classpath, then resolved (so substitutions in reference.conf see the overrides).
 * Any problem becomes a one-line {@link UserException} with exit code {@link ExitCodes#CONFIG}.
 */
final class ConfigLoader {

    private ConfigLoader() {
    }

    /**
     * @param file optional HOCON file ({@code --config})
     * @param sets {@code KEY=VALUE} overrides; VALUE is a HOCON value ({@code []}, {@code "5h"}, {@code {a=1}})
     */
    static Config load(Path file, List<String> sets) {
        return load(file, sets, ConfigLoader.class.getClassLoader());
    }

    /**
     * The same, with the {@code reference.conf}s {@code loader} sees (plugins ship their defaults in theirs).
     */
    static Config load(Path file, List<String> sets, ClassLoader loader) {
        Config overrides = ConfigFactory.empty();
        for (String set : sets) {
            overrides = set(overrides, set);
        }
        Config fromFile = ConfigFactory.empty();
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new UserException(ExitCodes.CONFIG, "--config " + file + ": no such file");
            }
            try {
                fromFile = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            } catch (ConfigException e) {
                throw new UserException(ExitCodes.CONFIG, e.getMessage(), e);
            }
        }
        try {
            return overrides.withFallback(fromFile).withFallback(ConfigFactory.defaultReferenceUnresolved(loader)).resolve();
        } catch (ConfigException e) {
            throw new UserException(ExitCodes.CONFIG, e.getMessage(), e);
        }
    }

    private static Config set(Config overrides, String set) {
        int eq = set.indexOf('=');
        if (eq <= 0) {
            throw new UserException(ExitCodes.CONFIG, "--set expects KEY=VALUE, got \"" + set + "\"");
        }
        String key = set.substring(0, eq).strip();
        String value = set.substring(eq + 1);
        try {
            ConfigUtil.splitPath(key); // rejects a malformed path with a message naming it
            Config parsed = ConfigFactory.parseString("value = " + value,
                ConfigParseOptions.defaults().setOriginDescription("--set " + key));
            ConfigValue v = parsed.root().get("value");
            if (parsed.root().size() != 1 || v == null) {
                throw new UserException(ExitCodes.CONFIG, "--set " + key + ": expected one HOCON value, got \""
                    + value + "\"");
            }
            return overrides.withValue(key, v);
        } catch (ConfigException e) {
            // parse errors already start with their origin ("--set KEY: 1: ..."); path errors have none
            String message = e.origin() != null && e.origin().description().startsWith("--set") ? e.getMessage() : "--set " + key + ": " + e.getMessage();
            throw new UserException(ExitCodes.CONFIG, message, e);
        }
    }
}
