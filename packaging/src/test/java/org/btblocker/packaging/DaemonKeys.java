package org.btblocker.packaging;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;

/**
 * The keys of the {@code btblocker} block the packaged daemon knows: every leaf of the reference.conf files on this
 * module's classpath (the jars the .deb ships), with its default. {@code check-config} accepts any other key
 * silently, so a misspelt key in the conffile or in the Nix module's rendering would go unnoticed without this.
 */
final class DaemonKeys {

    /**
     * Keys that the conffile and the Nix module write before the daemon reads them: another branch is adding them
     * (metrics, plugins, detection log). A key here is checked like any other as soon as a reference.conf defines
     * it; an entry ending in "." covers every key under it.
     */
    static final List<String> PENDING = List.of("metrics.", "pluginsDir", "detectionLog");

    private DaemonKeys() {
    }

    /** Every reference.conf on the classpath, merged and resolved, without the btblocker.* system properties. */
    static Config referenceRoot() {
        // not ConfigFactory.defaultReference(): it lays system properties over the files, and failsafe passes this
        // module's paths as btblocker.root, btblocker.deb, ...
        return ConfigFactory.parseResources("reference.conf").resolve();
    }

    /** The daemon's defaults: the {@code btblocker} block of every reference.conf. */
    static Config reference() {
        return referenceRoot().getConfig("btblocker");
    }

    /** Every leaf key of the daemon's defaults (lists are leaves), sorted, with its default value. */
    static Map<String, ConfigValue> defaults() {
        return leaves(reference());
    }

    /** Every leaf key of {@code block}, sorted. */
    static Map<String, ConfigValue> leaves(Config block) {
        Map<String, ConfigValue> keys = new TreeMap<>();
        block.entrySet().forEach(e -> keys.put(e.getKey(), e.getValue()));
        return keys;
    }

    /** True when {@code key} is one of {@link #PENDING} and no reference.conf defines it yet. */
    static boolean isPending(String key) {
        return !reference().hasPath(key)
            && PENDING.stream().anyMatch(p -> p.endsWith(".") ? key.startsWith(p) : key.equals(p));
    }
}
