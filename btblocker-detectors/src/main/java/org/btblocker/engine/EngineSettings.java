package org.btblocker.engine;

import java.time.Duration;
import java.util.List;

import org.btblocker.api.ConfigChecks;
import org.btblocker.api.packet.CidrSet;

import com.typesafe.config.Config;

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
        int maxPackets = ConfigChecks.intIn(c, "btblocker", "maxPacketsPerFlow", 1, 1024);
        List<Integer> ports = c.getIntList("whitelistPorts");
        for (int port : ports) {
            if (port < 0 || port > 65535) {
                throw ConfigChecks.bad(c, "btblocker", "whitelistPorts", "ports between 0 and 65535, got " + port);
            }
        }
        List<String> allowlist = c.getStringList("allowlist");
        try {
            CidrSet.parse(allowlist);
        } catch (IllegalArgumentException e) {
            throw ConfigChecks.bad(c, "btblocker", "allowlist",
                    "a list of CIDRs like \"10.0.0.0/8\" or \"2001:db8::/32\": " + e.getMessage());
        }
        int maxFlows = ConfigChecks.intIn(c, "btblocker", "flowTable.maxFlows", 16, 1 << 26);
        Duration tcpIdle = positive(c, "flowTable.tcpIdleTimeout");
        Duration udpIdle = positive(c, "flowTable.udpIdleTimeout");
        int memoryEntries = ConfigChecks.intIn(c, "btblocker", "endpointMemory.maxEntries", 4, 1 << 24);
        Duration memoryTtl = positive(c, "endpointMemory.ttl");
        return new EngineSettings(detectors, maxPackets, ports, allowlist, maxFlows, tcpIdle, udpIdle,
                memoryEntries, memoryTtl);
    }

    static Duration positive(Config c, String path) {
        Duration d = c.getDuration(path);
        if (d.isNegative() || d.isZero()) {
            throw ConfigChecks.bad(c, "btblocker", path, "a positive duration like \"120s\", got " + d);
        }
        return d;
    }
}
