package org.btblocker.app.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import org.btblocker.api.DetectorProvider;
import org.btblocker.api.Interest;
import org.btblocker.engine.ProviderRegistry;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code btblocker detectors}: every detector found on the classpath (built-in and plugins), whether the
 * configuration enables it, what it inspects, and its settings with their effective values.
 */
@Command(name = "detectors", description = "List the detectors found (built-in and plugins) and their settings.")
final class DetectorsCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Config root = configOptions.load();
        List<String> enabled = root.getStringList("btblocker.detectors");
        PrintWriter out = spec.commandLine().getOut();
        for (DetectorProvider provider : ProviderRegistry.detectors(getClass().getClassLoader()).all()) {
            String name = provider.name();
            int position = enabled.indexOf(name);
            out.printf("%-10s %-9s %-22s %s%n", name, position < 0 ? "disabled" : "enabled", describe(provider.interest()),
                provider.description());
            String block = "btblocker." + name;
            if (root.hasPath(block)) {
                Map<String, ConfigValue> settings = new TreeMap<>();
                for (Map.Entry<String, ConfigValue> e : root.getConfig(block).entrySet()) {
                    settings.put(e.getKey(), e.getValue());
                }
                for (Map.Entry<String, ConfigValue> e : settings.entrySet()) {
                    out.printf("    %s.%s = %s%n", block, e.getKey(), e.getValue().render(
                        com.typesafe.config.ConfigRenderOptions.concise()));
                }
            }
        }
        out.printf("%nenabled, in order: btblocker.detectors = %s%n", enabled);
        out.flush();
        return 0;
    }

    private static String describe(Interest interest) {
        String transport = interest.tcp() && interest.udp() ? "tcp+udp" : interest.tcp() ? "tcp" : "udp";
        return transport + (interest.emptyPackets() ? ", all packets" : ", payload");
    }
}
