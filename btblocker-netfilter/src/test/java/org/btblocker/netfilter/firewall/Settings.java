package org.btblocker.netfilter.firewall;

import java.util.List;

import org.btblocker.api.ban.Enforcement;

/** Test settings: one place to build variations. */
final class Settings {

    /** The built-in sinks' enforcements, by the sink that brings them. */
    enum SinkKind {
        IPSET(new Enforcement.IpsetMatch("torrent_block", "torrent_block6")),
        NFTABLES(new Enforcement.NftSetMatch("btblocker", "banned4", "banned6")),
        LOG(Enforcement.none());

        final Enforcement enforcement;

        SinkKind(Enforcement enforcement) {
            this.enforcement = enforcement;
        }
    }

    private Settings() { }

    static FirewallSettings ipset(List<String> interfaces, List<Integer> ports) {
        return new FirewallSettings(interfaces, false, 0, 1, ports, List.of(SinkKind.IPSET.enforcement),
                new Marks(1, 2, 3));
    }

    static FirewallSettings of(SinkKind kind, boolean local, int queueNum, int queueCount) {
        return new FirewallSettings(List.of("eth0"), local, queueNum, queueCount, List.of(22),
                List.of(kind.enforcement), new Marks(0x10, 0x20, 0x30));
    }
}
