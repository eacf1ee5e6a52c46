package org.btblocker.netfilter.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.generators.SourceDSL.strings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;

class FirewallSettingsTest implements WithQuickTheories {

    /** The netfilter reference.conf plus the keys the ipset module's reference.conf provides. */
    private static Config config(String overrides) {
        return ConfigFactory.parseString(overrides)
                .withFallback(ConfigFactory.defaultReference()).resolve().getConfig("btblocker");
    }

    @Test
    void referenceDefaults() {
        FirewallSettings s = FirewallSettings.from(config(""), List.of());
        assertThat(s.interfaces()).containsExactly("eth0");
        assertThat(s.queueNum()).isZero();
        assertThat(s.queueCount()).isEqualTo(1);
        assertThat(s.localTraffic()).isFalse();
        assertThat(s.whitelistPorts()).containsExactly(22, 53);
        assertThat(s.enforcements()).isEmpty();
        assertThat(s.marks()).isEqualTo(new Marks(1, 2, 3));
    }

    @Test
    void marksAcceptHexStringsDecimalStringsAndNumbers() {
        FirewallSettings s = FirewallSettings.from(config(
                "btblocker.firewall.marks { clean = \"0X100\", bittorrent = 512, mask = \"768\" }"), List.of());
        assertThat(s.marks()).isEqualTo(new Marks(0x100, 0x200, 0x300));
    }

    @Test
    void errorsNameTheKey() {
        assertThatThrownBy(() -> FirewallSettings.from(config("btblocker.queue.count = 0"), List.of()))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("queue.count");
        assertThatThrownBy(() -> FirewallSettings.from(config("btblocker.interfaces = []"), List.of()))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("interfaces");
        assertThatThrownBy(() -> FirewallSettings.from(config("btblocker.firewall.whitelistPorts = [0]"), List.of()))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("firewall.whitelistPorts");
        assertThatThrownBy(() -> FirewallSettings.from(config("btblocker.firewall.marks.clean = \"0x4\""), List.of()))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("firewall.marks")
                .hasMessageContaining("inside the mask");
        assertThatThrownBy(() -> FirewallSettings.from(config("btblocker.firewall.marks.mask = \"0xfg\""), List.of()))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("firewall.marks.mask");
    }

    @Test
    void interfaceNamesAreChecked() {
        assertThatThrownBy(() -> Settings.ipset(List.of("eth0; rm"), List.of()))
                .hasMessageContaining("not an interface name");
        assertThatThrownBy(() -> Settings.ipset(List.of("abcdefghijklmnop"), List.of()))
                .hasMessageContaining("not an interface name");
        assertThat(Settings.ipset(List.of("br-lan", "wan.2", "ppp+"), List.of()).interfaces()).hasSize(3);
    }

    @Test
    void anyMarkStringEitherParsesOrIsABadValueNamingTheKey() {
        qt().forAll(strings().allPossible().ofLengthBetween(0, 12)).checkAssert(text -> {
            Config c = config("").withValue("firewall.marks.mask", ConfigValueFactory.fromAnyRef(text));
            try {
                FirewallSettings s = FirewallSettings.from(c, List.of());
                assertThat(s.marks().mask()).isBetween(1L, 0xFFFF_FFFFL);
            } catch (ConfigException e) {
                assertThat(e).hasMessageContaining("firewall.marks");
            }
        });
    }

    @Test
    void hexMarksRoundTrip() {
        qt().forAll(longs().between(4, 0xFFFF_FFFFL)).checkAssert(mask -> {
            long m = mask | 3;
            Config c = config("").withValue("firewall.marks.mask", ConfigValueFactory.fromAnyRef(Marks.hex(m)));
            assertThat(FirewallSettings.from(c, List.of()).marks().mask()).isEqualTo(m);
        });
    }
}
