package org.btblocker.app.bans;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.btblocker.api.ban.BanDurations;
import org.btblocker.api.ban.BanFeed;
import org.btblocker.api.ban.BanSinkContext;
import org.btblocker.api.ban.BanSinkProvider;
import org.btblocker.api.ban.BanSinkSetup;
import org.btblocker.api.ban.Enforcement;
import org.btblocker.engine.ProviderRegistry;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * The ban sinks {@code btblocker.banSinks} names, each configured by its provider: every setting read and checked,
 * nothing touched yet. Immutable; equal when every sink's setup is equal (a reload keeps the sinks then).
 *
 * @param sinks the configured sinks, in the order of {@code banSinks}
 */
public record ConfiguredSinks(List<ConfiguredSink> sinks) {

    /**
     * One sink: its name (config block, metrics label), provider and checked setup.
     *
     * @param name     the provider's name
     * @param provider where it came from (for {@code btblocker detectors})
     * @param setup    its checked settings
     */
    public record ConfiguredSink(String name, BanSinkProvider provider, BanSinkSetup setup) {
        /** Equal by name and setup: the provider instance does not matter. */
        @Override
        public boolean equals(Object o) {
            return o instanceof ConfiguredSink c && c.name.equals(name) && c.setup.equals(setup);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + setup.hashCode();
        }
    }

    /** Copies the list. */
    public ConfiguredSinks {
        sinks = List.copyOf(sinks);
    }

    /**
     * Selects the providers named by {@code btblocker.banSinks} and configures each from its own block.
     *
     * @param feed where sinks that receive bans from outside hand them to the daemon ({@link BanFeed#NONE} for tools)
     * @throws com.typesafe.config.ConfigException naming the key of an unknown sink or a bad setting
     */
    public static ConfiguredSinks configure(Config root, ClassLoader loader, BanFeed feed) {
        Config b = root.getConfig("btblocker");
        List<BanSinkProvider> providers = ProviderRegistry.banSinks(loader).select(root, "btblocker.banSinks");
        var banDuration = BanDurations.parse(b, "banDuration");
        Path state = Path.of(b.getString("stateDirectory"));
        List<ConfiguredSink> sinks = new ArrayList<>();
        for (BanSinkProvider provider : providers) {
            String name = provider.name();
            Config own = b.hasPath(name) && b.getValue(name).valueType() == com.typesafe.config.ConfigValueType.OBJECT
                    ? b.getConfig(name) : ConfigFactory.empty("no btblocker." + name + " block");
            BanSinkSetup setup = provider.configure(new BanSinkContext(b, own, banDuration, state, feed));
            sinks.add(new ConfiguredSink(name, provider, java.util.Objects.requireNonNull(setup,
                    "ban sink " + name + " configured nothing")));
        }
        return new ConfiguredSinks(sinks);
    }

    /** What the firewall must match for these sinks' bans to drop traffic. */
    public List<Enforcement> enforcements() {
        return sinks.stream().map(s -> s.setup().enforcement()).toList();
    }

    /** The names, in order. */
    public List<String> names() {
        return sinks.stream().map(ConfiguredSink::name).toList();
    }
}
