package org.btblocker.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

import org.btblocker.api.DetectorProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * The one place that runs {@link ServiceLoader} for detectors (the SLF4J provider pattern): built-in detectors and
 * plugins are found the same way. A provider that fails to load is reported and skipped; two providers with one
 * name, a bad name or a provider built for another API major version are errors naming the classes and jars.
 */
public final class DetectorRegistry {

    private static final Logger log = LoggerFactory.getLogger(DetectorRegistry.class);
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]*");

    private final Map<String, DetectorProvider> providers;

    private DetectorRegistry(Map<String, DetectorProvider> providers) {
        this.providers = providers;
    }

    /**
     * Finds every {@link DetectorProvider} visible to {@code loader}.
     *
     * @throws IllegalStateException when two providers share a name, a name is invalid, or the API version differs
     */
    public static DetectorRegistry discover(ClassLoader loader) {
        Map<String, DetectorProvider> found = new LinkedHashMap<>();
        var iterator = ServiceLoader.load(DetectorProvider.class, loader).iterator();
        while (true) {
            DetectorProvider provider;
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                provider = iterator.next();
            } catch (ServiceConfigurationError e) {
                log.warn("skipping a detector provider that failed to load: {}", e.getMessage());
                continue;
            }
            String name = provider.name();
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalStateException("detector provider " + describe(provider)
                        + " has an invalid name \"" + name + "\" (expected [a-z][a-z0-9_-]*)");
            }
            if (provider.apiVersion() != DetectorProvider.API_VERSION) {
                throw new IllegalStateException("detector provider " + describe(provider) + " was built for API "
                        + provider.apiVersion() + ", this btblocker has API " + DetectorProvider.API_VERSION
                        + "; rebuild the plugin against this btblocker-api");
            }
            DetectorProvider previous = found.putIfAbsent(name, provider);
            if (previous != null) {
                throw new IllegalStateException("two detector providers are named \"" + name + "\": "
                        + describe(previous) + " and " + describe(provider) + "; remove one of the jars");
            }
        }
        return new DetectorRegistry(found);
    }

    private static String describe(DetectorProvider provider) {
        var source = provider.getClass().getProtectionDomain().getCodeSource();
        return provider.getClass().getName() + (source == null ? "" : " (" + source.getLocation() + ")");
    }

    /** All providers found, in discovery order. */
    public List<DetectorProvider> all() {
        return List.copyOf(providers.values());
    }

    /**
     * The providers named in {@code btblocker.detectors}, in that order.
     *
     * @throws ConfigException.BadValue naming the unknown detector and the available ones
     */
    public List<DetectorProvider> select(Config root) {
        List<String> names = root.getStringList("btblocker.detectors");
        List<DetectorProvider> selected = new ArrayList<>();
        for (String name : names) {
            DetectorProvider provider = providers.get(name);
            if (provider == null) {
                throw new ConfigException.BadValue(root.getValue("btblocker.detectors").origin(),
                        "btblocker.detectors", "unknown detector \"" + name + "\"; available: "
                        + String.join(", ", providers.keySet()));
            }
            if (selected.contains(provider)) {
                throw new ConfigException.BadValue(root.getValue("btblocker.detectors").origin(),
                        "btblocker.detectors", "detector \"" + name + "\" is listed twice");
            }
            selected.add(provider);
        }
        return selected;
    }
}
