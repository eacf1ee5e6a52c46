package org.btblocker.engine;

import java.time.Duration;
import java.util.List;

import org.btblocker.api.packet.CidrSet;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * The engine's settings, read eagerly from the {@code btblocker} block so that a bad value fails at startup with
 * the key path. Defaults live in {@code reference.conf} only.
 */
record EngineSettings(List<String> detectors, int maxPacketsPerFlow, List<Integer> whitelistPorts,
                      List<String> allowlist, int maxFlows, Duration tcpIdleTimeout, Duration udpIdleTimeout,
                      int endpointMemoryMaxEntries, Duration endpointMemoryTtl) {

    EngineSettings {
        detectors = List.copyOf(detectors);
        whitelistPorts = List.copyOf(whitelistPorts);
        allowlist = List.copyOf(allowlist);
    }

    /** Reads {@code btblocker.*} from a resolved root config. */
    static EngineSettings from(Config root) {
        Config c = root.getConfig("btblocker");
        List<String> detectors = c.getStringList("detectors");
        int maxPackets = intIn(c, "maxPacketsPerFlow", 1, 1024);
        List<Integer> ports = c.getIntList("whitelistPorts");
        for (int port : ports) {
            if (port < 0 || port > 65535) {
                throw bad(c, "whitelistPorts", "ports between 0 and 65535, got " + port);
            }
        }
        List<String> allowlist = c.getStringList("allowlist");
        try {
            CidrSet.parse(allowlist);
        } catch (IllegalArgumentException e) {
            throw bad(c, "allowlist", "a list of CIDRs like \"10.0.0.0/8\" or \"2001:db8::/32\": " + e.getMessage());
        }
        int maxFlows = intIn(c, "flowTable.maxFlows", 16, 1 << 26);
        Duration tcpIdle = positive(c, "flowTable.tcpIdleTimeout");
        Duration udpIdle = positive(c, "flowTable.udpIdleTimeout");
        int memoryEntries = intIn(c, "endpointMemory.maxEntries", 4, 1 << 24);
        Duration memoryTtl = positive(c, "endpointMemory.ttl");
        return new EngineSettings(detectors, maxPackets, ports, allowlist, maxFlows, tcpIdle, udpIdle,
                memoryEntries, memoryTtl);
    }

    static int intIn(Config c, String path, int min, int max) {
        int v = c.getInt(path);
        if (v < min || v > max) {
            throw bad(c, path, "an integer from " + min + " to " + max + ", got " + v);
        }
        return v;
    }

    static Duration positive(Config c, String path) {
        Duration d = c.getDuration(path);
        if (d.isNegative() || d.isZero()) {
            throw bad(c, path, "a positive duration like \"120s\", got " + d);
        }
        return d;
    }

    static ConfigException bad(Config c, String path, String expected) {
        return new ConfigException.BadValue(c.hasPath(path) ? c.getValue(path).origin() : c.origin(),
                "btblocker." + path, "expected " + expected);
    }
}
