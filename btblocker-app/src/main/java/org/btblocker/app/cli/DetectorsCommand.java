package org.btblocker.app.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import org.btblocker.api.DetectorProvider;
import org.btblocker.api.Interest;
import org.btblocker.api.ban.BanSinkProvider;
import org.btblocker.engine.ProviderRegistry;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code btblocker detectors}: every detector and ban sink found (built in, or a plugin jar of
 * {@code btblocker.pluginsDir}), where it came from, whether the configuration enables it, what it inspects, and its
 * settings with their effective values.
 */
@Command(name = "detectors", description = "List the detectors and ban sinks found (built in and plugins), where "
    + "each came from, and their settings.")
final class DetectorsCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Config root = configOptions.load();
        ClassLoader loader = configOptions.classLoader();
        List<String> enabled = root.getStringList("btblocker.detectors");
        PrintWriter out = spec.commandLine().getOut();
        out.println("detectors (btblocker.detectors):");
        for (DetectorProvider provider : ProviderRegistry.detectors(loader).all()) {
            String name = provider.name();
            out.printf("%-10s %-9s %-22s %s%n", name, enabled.contains(name) ? "enabled" : "disabled",
                describe(provider.interest()), provider.description());
            out.printf("    from %s%n", origin(provider));
            settings(out, root, name);
        }
        out.printf("%nenabled, in order: btblocker.detectors = %s%n", enabled);
        List<String> sinks = root.getStringList("btblocker.banSinks");
        out.printf("%nban sinks (btblocker.banSinks):%n");
        for (BanSinkProvider provider : ProviderRegistry.banSinks(loader).all()) {
            String name = provider.name();
            out.printf("%-10s %-9s %s%n", name, sinks.contains(name) ? "enabled" : "disabled",
                provider.description());
            out.printf("    from %s%n", origin(provider));
            settings(out, root, name);
        }
        out.printf("%nenabled: btblocker.banSinks = %s%n", sinks);
        out.flush();
        return 0;
    }

    /** "built in", or the plugin jar's path. */
    static String origin(Object provider) {
        return provider.getClass().getClassLoader() instanceof java.net.URLClassLoader
            && provider.getClass().getClassLoader() != DetectorsCommand.class.getClassLoader()
            ? ProviderRegistry.origin(provider) : "built in";
    }

    private static void settings(PrintWriter out, Config root, String name) {
        String block = "btblocker." + name;
        if (root.hasPath(block) && root.getValue(block).valueType() == com.typesafe.config.ConfigValueType.OBJECT) {
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

    private static String describe(Interest interest) {
        String transport = interest.tcp() && interest.udp() ? "tcp+udp" : interest.tcp() ? "tcp" : "udp";
        return transport + (interest.emptyPackets() ? ", all packets" : ", payload");
    }
}
