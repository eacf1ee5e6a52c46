package org.btblocker.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.btblocker.api.DetectorProvider;

import com.typesafe.config.Config;

/**
 * Everything an {@link Engine} is made from, read and checked once: the engine's settings and the detector
 * providers {@code btblocker.detectors} selects, whose detectors were created once to check their settings.
 * Immutable and shareable between threads: the daemon builds one off the packet path, then each queue's engine
 * takes it ({@link Engine#reconfigure}) and creates its own detector instances.
 */
public final class EngineSetup {

    private final Config root;
    final EngineSettings settings;
    private final List<DetectorProvider> providers;

    private EngineSetup(Config root, EngineSettings settings, List<DetectorProvider> providers) {
        this.root = root;
        this.settings = settings;
        this.providers = List.copyOf(providers);
        DetectorSet.create(root, this.providers);        // every detector's settings, checked now
    }

    /**
     * The setup of a resolved root configuration, with the detectors visible to {@code loader} (built-in and
     * plugins).
     *
     * @throws com.typesafe.config.ConfigException naming the key path of a missing or invalid setting or an
     *         unknown detector
     */
    public static EngineSetup of(Config root, ClassLoader loader) {
        EngineSettings settings = EngineSettings.from(root);
        return new EngineSetup(root, settings, ProviderRegistry.detectors(loader).select(root,
                "btblocker.detectors"));
    }

    /** The setup of {@code root} with the given providers instead of discovered ones (tests, embedding). */
    public static EngineSetup of(Config root, List<DetectorProvider> providers) {
        return new EngineSetup(root, EngineSettings.from(root), providers);
    }

    /** New detector instances for one engine thread. */
    DetectorSet newDetectorSet() {
        return DetectorSet.create(root, providers);
    }

    /** The configuration this setup was read from. */
    public Config root() {
        return root;
    }

    /** The detectors' names, in the order they run. */
    public List<String> detectorNames() {
        return providers.stream().map(DetectorProvider::name).toList();
    }

    /** The detector providers, in the order they run. */
    public List<DetectorProvider> providers() {
        return providers;
    }

    /**
     * The settings that differ from {@code previous} but only take effect when the daemon restarts (sizes of the
     * flow table and the endpoint memory, allocated once), as key paths; empty when there are none.
     */
    public List<String> restartOnlyChanges(EngineSetup previous) {
        Objects.requireNonNull(previous, "previous");
        List<String> changed = new ArrayList<>();
        for (String key : List.of("btblocker.flowTable.maxFlows", "btblocker.endpointMemory.maxEntries",
                "btblocker.endpointMemory.ttl", "btblocker.endpointMemory.maxClaimsPerSource",
                "btblocker.endpointMemory.claimWindow")) {
            if (!root.getValue(key).unwrapped().equals(previous.root.getValue(key).unwrapped())) {
                changed.add(key);
            }
        }
        return changed;
    }
}
