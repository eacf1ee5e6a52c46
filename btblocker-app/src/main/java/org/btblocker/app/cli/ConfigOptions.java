package org.btblocker.app.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.typesafe.config.Config;

import picocli.CommandLine.Option;

/** {@code --config FILE} and {@code --set KEY=VALUE}, shared by every subcommand that reads the configuration. */
final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "HOCON file over the built-in defaults.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
        description = "Override one setting; VALUE is HOCON, e.g. --set btblocker.whitelistPorts=[]")
    List<String> sets = new ArrayList<>();

    /** The effective, resolved configuration. */
    Config load() {
        return ConfigLoader.load(config, sets);
    }
}
