package org.btblocker.netfilter.firewall;

import java.util.List;
import org.btblocker.netfilter.firewall.FirewallSettings.SinkKind;

/** Test settings: one place to build variations. */
final class Settings {

    private Settings() { }

    static FirewallSettings ipset(List<String> interfaces, List<Integer> ports) {
        return new FirewallSettings(interfaces, false, 0, 1, ports, SinkKind.IPSET, "torrent_block", "btblocker",
                "banned4", "banned6", new Marks(1, 2, 3));
    }

    static FirewallSettings of(SinkKind kind, boolean local, int queueNum, int queueCount) {
        return new FirewallSettings(List.of("eth0"), local, queueNum, queueCount, List.of(22), kind, "torrent_block",
                "btblocker", "banned4", "banned6", new Marks(0x10, 0x20, 0x30));
    }
}
