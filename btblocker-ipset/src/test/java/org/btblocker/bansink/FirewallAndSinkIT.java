package org.btblocker.bansink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.btblocker.api.ban.BanFeed;
import org.btblocker.api.ban.BanRequest;
import org.btblocker.api.ban.BanSink;
import org.btblocker.api.ban.BanSinkContext;
import org.btblocker.api.ban.BanSinkProvider;
import org.btblocker.api.ban.BanSinkSetup;
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

    private Config config() {
        return ConfigFactory.parseString("btblocker { interfaces = [lo] }")
                .withFallback(ConfigFactory.defaultReference()).resolve().getConfig("btblocker");
    }

    /**
     * As the daemon does: configure (no side effect), open (creates the sets), then install the rules that match
     * them; with {@code reopen}, a second daemon start finds the sets and rules there and takes them over.
     */
    private void check(BanSinkProvider provider, boolean reopen) throws Exception {
        Config c = config();
        BanSinkSetup setup = provider.configure(new BanSinkContext(c, ConfigFactory.empty(), Duration.ofHours(5),
                Path.of("/nonexistent"), BanFeed.NONE));
        FirewallPlan plan = FirewallPlan.of(FirewallSettings.from(c, List.of(setup.enforcement())));
        FirewallManager firewall = new FirewallManager(inNamespace());
        BanSink sink;
        try (NetNs in = NetNs.enter(ns.name())) {
            sink = setup.open();
        }
        firewall.install(plan);
        if (reopen) {
            sink.close();
            try (NetNs in = NetNs.enter(ns.name())) {
                sink = setup.open();
            }
            firewall.install(plan);
        }
        try (BanSink open = sink) {
            InetAddress a = InetAddress.getByName("203.0.113.5");
            open.ban(new BanRequest(a, Duration.ofMinutes(10), "test", "shared sets"));
            assertThat(open.isBanned(a)).isTrue();
            InetAddress b = InetAddress.getByName("2001:db8::5");
            open.ban(new BanRequest(b, Duration.ofMinutes(10), "test", "shared sets"));
            assertThat(open.isBanned(b)).isTrue();
        } finally {
            firewall.remove(plan);
        }
    }

    @Test
    void ipsetOnce() throws Exception {
        check(new IpsetBanSinkProvider(), false);
        assertThat(ns.exec("ipset", "list", "torrent_block")).contains("203.0.113.5 timeout");
    }

    @Test
    void ipsetTakenOverByASecondStart() throws Exception {
        check(new IpsetBanSinkProvider(), true);
        assertThat(ns.exec("ipset", "list", "torrent_block6")).contains("2001:db8::5 timeout");
    }

    @Test
    void nftablesOnce() throws Exception {
        check(new NftSetBanSinkProvider(), false);
    }

    @Test
    void nftablesTakenOverByASecondStart() throws Exception {
        check(new NftSetBanSinkProvider(), true);
    }
}
