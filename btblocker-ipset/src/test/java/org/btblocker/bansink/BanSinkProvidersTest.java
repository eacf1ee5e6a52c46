package org.btblocker.bansink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ServiceLoader;
import org.btblocker.api.ban.BanFeed;
import org.btblocker.api.ban.BanRequest;
import org.btblocker.api.ban.BanSink;
import org.btblocker.api.ban.BanSinkContext;
import org.btblocker.api.ban.BanSinkProvider;
import org.btblocker.api.ban.Enforcement;
import org.btblocker.ipset.IpsetBanSinkProvider;
import org.btblocker.nftables.NftSetBanSinkProvider;
import org.junit.jupiter.api.Test;

class BanSinkProvidersTest {

    private static BanSinkContext context(String overrides) {
        Config b = ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference()).resolve()
                .getConfig("btblocker");
        return new BanSinkContext(b, ConfigFactory.empty(), Duration.ofHours(5), Path.of("/nonexistent"),
                BanFeed.NONE);
    }

    @Test
    void threeProvidersAreRegistered() {
        assertThat(ServiceLoader.load(BanSinkProvider.class).stream().map(p -> p.get().name()))
                .containsExactlyInAnyOrder("ipset", "nftables", "log");
    }

    @Test
    void referenceDefaultsAndTheEnforcementTheyAskFor() {
        assertThat(new IpsetBanSinkProvider().configure(context("")).enforcement())
                .isEqualTo(new Enforcement.IpsetMatch("torrent_block", "torrent_block6"));
        assertThat(new NftSetBanSinkProvider().configure(context("")).enforcement())
                .isEqualTo(new Enforcement.NftSetMatch("btblocker", "banned4", "banned6"));
        assertThat(new LogBanSinkProvider().configure(context("")).enforcement()).isEqualTo(Enforcement.none());
    }

    @Test
    void logSinkBansNothing() throws Exception {
        try (BanSink sink = new LogBanSinkProvider().configure(context("")).open()) {
            InetAddress a = InetAddress.getByName("192.0.2.1");
            sink.ban(new BanRequest(a, Duration.ofSeconds(10), "dht", "KRPC get_peers"));
            assertThat(sink.isBanned(a)).isFalse();
            assertThat(sink.canList()).isFalse();
            sink.unban(a);
        }
    }

    @Test
    void configureChecksTheKeysAndTouchesNothing() {
        // configure() runs as any user: no socket is opened, so a bad name is the only possible failure
        assertThatThrownBy(() -> new IpsetBanSinkProvider()
                .configure(context("btblocker.ipsetName = \"a_name_that_is_much_too_long_for_ipset\"")))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("btblocker.ipsetName");
        assertThatThrownBy(() -> new IpsetBanSinkProvider().configure(context("btblocker.ipsetName = \"a b\"")))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("btblocker.ipsetName");
        assertThatThrownBy(() -> new NftSetBanSinkProvider()
                .configure(context("btblocker.nftables.set6 = \"bad-name\"")))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("btblocker.nftables.set6");
        assertThatThrownBy(() -> new NftSetBanSinkProvider()
                .configure(context("btblocker.nftables.set6 = banned4")))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("btblocker.nftables.set6");
    }

    @Test
    void equalSettingsMakeEqualSetups() {
        // the daemon keeps a sink across a reload when its setup is equal
        assertThat(new IpsetBanSinkProvider().configure(context("")))
                .isEqualTo(new IpsetBanSinkProvider().configure(context("")))
                .isNotEqualTo(new IpsetBanSinkProvider().configure(context("btblocker.ipsetName = other")));
    }
}
