package org.btblocker.engine;

import java.time.Duration;
import java.util.List;

import org.btblocker.api.ConfigChecks;
import org.btblocker.api.packet.CidrSet;

import com.typesafe.config.Config;

/**
 * The engine's own settings, read eagerly from the {@code btblocker} block so that a bad value fails at startup
 * with the key path. Defaults live in {@code reference.conf} only. ({@code endpointMemory.*} is read by
 * {@link EndpointMemory#from}.)
 */
record EngineSettings(int maxPacketsPerFlow, List<Integer> whitelistPorts, CidrSet allowlist, int maxFlows,
                      Duration tcpIdleTimeout, Duration udpIdleTimeout, int maxClaimsPerPacket) {

    EngineSettings {
        whitelistPorts = List.copyOf(whitelistPorts);
    }

    /** Reads {@code btblocker.*} from a resolved root config. */
    static EngineSettings from(Config root) {
        Config c = root.getConfig("btblocker");
        if (c.getStringList("detectors").isEmpty()) {
            throw ConfigChecks.bad(c, "btblocker", "detectors", "at least one detector (with none, every packet "
                    + "would be queued and let through unjudged)");
        }
        int maxPackets = ConfigChecks.intIn(c, "btblocker", "maxPacketsPerFlow", 1, 1024);
        List<Integer> ports = ConfigChecks.ports(c, "btblocker", "whitelistPorts");
        List<String> cidrs = c.getStringList("allowlist");
        CidrSet allowlist;
        try {
            allowlist = CidrSet.parse(cidrs);
        } catch (IllegalArgumentException e) {
            throw ConfigChecks.bad(c, "btblocker", "allowlist",
                    "a list of CIDRs like \"10.0.0.0/8\" or \"2001:db8::/32\": " + e.getMessage());
        }
        int maxFlows = ConfigChecks.intIn(c, "btblocker", "flowTable.maxFlows", 16, 1 << 26);
        Duration tcpIdle = positive(c, "flowTable.tcpIdleTimeout");
        Duration udpIdle = positive(c, "flowTable.udpIdleTimeout");
        int claimsPerPacket = ConfigChecks.intIn(c, "btblocker", "endpointMemory.maxClaimsPerPacket", 0, 4096);
        return new EngineSettings(maxPackets, ports, allowlist, maxFlows, tcpIdle, udpIdle, claimsPerPacket);
    }

    static Duration positive(Config c, String path) {
        Duration d = c.getDuration(path);
        if (d.isNegative() || d.isZero()) {
            throw ConfigChecks.bad(c, "btblocker", path, "a positive duration like \"120s\", got " + d);
        }
        return d;
    }
}
