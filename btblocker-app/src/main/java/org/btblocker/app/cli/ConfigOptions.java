package org.btblocker.app.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.btblocker.app.errors.UserException;
import org.btblocker.app.plugins.PluginClassLoader;

import com.typesafe.config.Config;

import picocli.CommandLine.Option;

/** {@code --config FILE} and {@code --set KEY=VALUE}, shared by every subcommand that reads the configuration. */
final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "HOCON file over the built-in defaults.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
        description = "Override one setting; VALUE is HOCON, e.g. --set btblocker.whitelistPorts=[]")
    List<String> sets = new ArrayList<>();

    private ClassLoader loader;

    /**
     * The effective, resolved configuration, with the defaults of the plugins in {@code btblocker.pluginsDir}. The
     * plugins are loaded by the first call; later calls (a reload) read the configuration again with the same ones.
     *
     * @throws UserException exit 2 for a bad configuration; exit 1 when a plugin is refused (ownership, mode)
     */
    Config load() {
        if (loader == null) {
            Config first = ConfigLoader.load(config, sets);
            loader = PluginClassLoader.over(Path.of(first.getString("btblocker.pluginsDir")),
                    ConfigOptions.class.getClassLoader(), PluginClassLoader.isPrivileged());
        }
        return ConfigLoader.load(config, sets, loader);
    }

    /** Where detectors and ban sinks are found: the application's, and the plugins' of {@link #load()}. */
    ClassLoader classLoader() {
        if (loader == null) {
            load();
        }
        return loader;
    }
}
