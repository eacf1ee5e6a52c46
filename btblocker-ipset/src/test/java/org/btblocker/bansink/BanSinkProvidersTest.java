package org.btblocker.bansink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ServiceLoader;
import org.btblocker.api.ban.BanRequest;
import org.btblocker.api.ban.BanSink;
import org.btblocker.api.ban.BanSinkProvider;
import org.junit.jupiter.api.Test;

class BanSinkProvidersTest {

    private static Config btblocker(String overrides) {
        return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference()).resolve()
                .getConfig("btblocker");
    }

    @Test
    void threeProvidersAreRegistered() {
        assertThat(ServiceLoader.load(BanSinkProvider.class).stream().map(p -> p.get().name()))
                .containsExactlyInAnyOrder("ipset", "nftables", "log");
    }

    @Test
    void referenceDefaults() {
        Config c = btblocker("");
        assertThat(c.getString("banSink")).isEqualTo("ipset");
        assertThat(c.getString("ipsetName")).isEqualTo("torrent_block");
        assertThat(BanDurations.parse(c, "banDuration")).isEqualTo(Duration.ofHours(5));
        assertThat(c.getString("nftables.table")).isEqualTo("btblocker");
        assertThat(c.getString("nftables.set4")).isEqualTo("banned4");
        assertThat(c.getString("nftables.set6")).isEqualTo("banned6");
    }

    @Test
    void logSinkBansNothing() throws Exception {
        try (BanSink sink = new LogBanSinkProvider().create(btblocker(""))) {
            InetAddress a = InetAddress.getByName("192.0.2.1");
            sink.ban(new BanRequest(a, Duration.ofSeconds(10), "dht", "KRPC get_peers"));
            assertThat(sink.isBanned(a)).isFalse();
            sink.unban(a);
        }
    }

    @Test
    void providersCheckTheirKeysBeforeTouchingTheKernel() {
        Config badDuration = btblocker("btblocker.banDuration = \"soon\"");
        for (BanSinkProvider p : ServiceLoader.load(BanSinkProvider.class)) {
            assertThatThrownBy(() -> p.create(badDuration)).as(p.name())
                    .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("banDuration");
        }
        assertThatThrownBy(() -> new org.btblocker.ipset.IpsetBanSinkProvider()
                .create(btblocker("btblocker.ipsetName = \"a_name_that_is_much_too_long_for_ipset\"")))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("ipsetName");
        assertThatThrownBy(() -> new org.btblocker.nftables.NftSetBanSinkProvider()
                .create(btblocker("btblocker.nftables.set6 = \"bad-name\"")))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("nftables.set6");
    }
}
