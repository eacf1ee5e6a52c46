package org.btblocker.bansink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.btblocker.api.ban.BanRequest;
import org.btblocker.api.ban.BanSink;
import org.btblocker.api.ban.BanSinkProvider;
import org.btblocker.netfilter.firewall.Command;
import org.btblocker.netfilter.firewall.CommandRunner;
import org.btblocker.netfilter.firewall.FirewallManager;
import org.btblocker.netfilter.firewall.FirewallPlan;
import org.btblocker.netfilter.firewall.FirewallSettings;
import org.btblocker.netlink.NetNs;
import org.btblocker.netlink.TestNetns;
import org.btblocker.nftables.NftSetBanSinkProvider;
import org.btblocker.ipset.IpsetBanSinkProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The firewall and the ban sinks share the ban sets: whichever creates them first, the other accepts them. Runs in a
 * fresh network namespace through the public providers and the firewall manager, as the daemon does.
 */
class FirewallAndSinkIT {

    private TestNetns ns;

    @BeforeEach
    void namespace() throws Exception {
        assumeTrue(TestNetns.canCreate(), "needs root and iproute2");
        ns = TestNetns.create("fwsink");
    }

    @AfterEach
    void delete() throws Exception {
        if (ns != null) {
            ns.close();
        }
    }

    private CommandRunner inNamespace() {
        CommandRunner system = CommandRunner.system();
        return c -> {
            List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns.name()));
            argv.addAll(c.argv());
            return system.run(new Command(argv));
        };
    }

    private Config config(String sink) {
        return ConfigFactory.parseString("btblocker { banSink = " + sink + ", interfaces = [lo] }")
                .withFallback(ConfigFactory.defaultReference()).resolve().getConfig("btblocker");
    }

    private BanSink sink(BanSinkProvider provider, Config c) throws Exception {
        try (NetNs in = NetNs.enter(ns.name())) {
            return provider.create(c);
        }
    }

    private void check(BanSinkProvider provider, String sinkName, boolean firewallFirst) throws Exception {
        Config c = config(sinkName);
        FirewallPlan plan = FirewallPlan.of(FirewallSettings.from(c));
        FirewallManager firewall = new FirewallManager(inNamespace());
        BanSink sink;
        if (firewallFirst) {
            firewall.install(plan);
            sink = sink(provider, c);
        } else {
            sink = sink(provider, c);
            firewall.install(plan);
        }
        try (sink) {
            InetAddress a = InetAddress.getByName("203.0.113.5");
            sink.ban(new BanRequest(a, Duration.ofMinutes(10), "test", "shared sets"));
            assertThat(sink.isBanned(a)).isTrue();
            InetAddress b = InetAddress.getByName("2001:db8::5");
            sink.ban(new BanRequest(b, Duration.ofMinutes(10), "test", "shared sets"));
            assertThat(sink.isBanned(b)).isTrue();
        } finally {
            firewall.remove(plan);
        }
    }

    @Test
    void ipsetFirewallFirst() throws Exception {
        check(new IpsetBanSinkProvider(), "ipset", true);
        assertThat(ns.exec("ipset", "list", "torrent_block")).contains("203.0.113.5 timeout");
    }

    @Test
    void ipsetSinkFirst() throws Exception {
        check(new IpsetBanSinkProvider(), "ipset", false);
        assertThat(ns.exec("ipset", "list", "torrent_block6")).contains("2001:db8::5 timeout");
    }

    @Test
    void nftablesFirewallFirst() throws Exception {
        check(new NftSetBanSinkProvider(), "nftables", true);
    }

    @Test
    void nftablesSinkFirst() throws Exception {
        check(new NftSetBanSinkProvider(), "nftables", false);
    }
}
