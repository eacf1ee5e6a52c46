package org.btblocker.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;

import org.btblocker.api.DetectorProvider;
import org.btblocker.api.ban.BanSinkProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * The one place that runs {@link ServiceLoader} for plugins (the SLF4J provider pattern): detectors and ban sinks,
 * built-in and from plugin jars, are found the same way and pass the same checks. A provider that fails to load is
 * reported and skipped; two providers with one name, a bad name or a provider built for another API major version
 * are errors naming the classes and jars.
 *
 * @param <P> {@link DetectorProvider} or {@link BanSinkProvider}
 */
public final class ProviderRegistry<P> {

    private static final Logger log = LoggerFactory.getLogger(ProviderRegistry.class);
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]*");

    private final String kind;
    private final Map<String, P> providers;

    private ProviderRegistry(String kind, Map<String, P> providers) {
        this.kind = kind;
        this.providers = providers;
    }

    /**
     * Every {@link DetectorProvider} visible to {@code loader}.
     *
     * @throws IllegalStateException when two providers share a name, a name is invalid, or the API version differs
     */
    public static ProviderRegistry<DetectorProvider> detectors(ClassLoader loader) {
        return discover("detector", DetectorProvider.class, loader, DetectorProvider::name,
                DetectorProvider::apiVersion, DetectorProvider.API_VERSION);
    }

    /**
     * Every {@link BanSinkProvider} visible to {@code loader}.
     *
     * @throws IllegalStateException when two providers share a name, a name is invalid, or the API version differs
     */
    public static ProviderRegistry<BanSinkProvider> banSinks(ClassLoader loader) {
        return discover("ban sink", BanSinkProvider.class, loader, BanSinkProvider::name,
                BanSinkProvider::apiVersion, BanSinkProvider.API_VERSION);
    }

    private static <P> ProviderRegistry<P> discover(String kind, Class<P> type, ClassLoader loader,
            Function<P, String> nameOf, ToIntFunction<P> versionOf, int apiVersion) {
        Map<String, P> found = new LinkedHashMap<>();
        var iterator = ServiceLoader.load(type, loader).iterator();
        while (true) {
            P provider;
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                provider = iterator.next();
            } catch (ServiceConfigurationError e) {
                log.warn("skipping a {} provider that failed to load: {}", kind, e.getMessage());
                continue;
            }
            String name = nameOf.apply(provider);
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalStateException(kind + " provider " + describe(provider) + " has an invalid name \""
                        + name + "\" (expected [a-z][a-z0-9_-]*)");
            }
            int version = versionOf.applyAsInt(provider);
            if (version != apiVersion) {
                throw new IllegalStateException(kind + " provider " + describe(provider) + " was built for API "
                        + version + ", this btblocker has API " + apiVersion + "; rebuild the plugin against this "
                        + "btblocker-api");
            }
            P previous = found.putIfAbsent(name, provider);
            if (previous != null) {
                throw new IllegalStateException("two " + kind + " providers are named \"" + name + "\": "
                        + describe(previous) + " and " + describe(provider) + "; remove one of the jars");
            }
        }
        return new ProviderRegistry<>(kind, found);
    }

    /** The class and the jar (or directory) a provider was loaded from. */
    public static String describe(Object provider) {
        return provider.getClass().getName() + " (" + origin(provider) + ")";
    }

    /** Where a provider's class was loaded from: a jar path, a directory, or "built in" when unknown. */
    public static String origin(Object provider) {
        var source = provider.getClass().getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null ? "built in" : source.getLocation().getPath();
    }

    /** All providers found, in discovery order. */
    public List<P> all() {
        return List.copyOf(providers.values());
    }

    /** The provider named {@code name}, or null. */
    public P get(String name) {
        return providers.get(name);
    }

    /**
     * The providers named in the string list {@code listPath} of {@code root}, in that order.
     *
     * @throws ConfigException.BadValue naming the key, the unknown or repeated name, and the available ones
     */
    public List<P> select(Config root, String listPath) {
        List<String> names = root.getStringList(listPath);
        List<P> selected = new ArrayList<>();
        for (String name : names) {
            P provider = providers.get(name);
            if (provider == null) {
                throw new ConfigException.BadValue(root.getValue(listPath).origin(), listPath, "unknown " + kind
                        + " \"" + name + "\"; available: " + String.join(", ", providers.keySet()));
            }
            if (selected.contains(provider)) {
                throw new ConfigException.BadValue(root.getValue(listPath).origin(), listPath, kind + " \"" + name
                        + "\" is listed twice");
            }
            selected.add(provider);
        }
        return selected;
    }
}
