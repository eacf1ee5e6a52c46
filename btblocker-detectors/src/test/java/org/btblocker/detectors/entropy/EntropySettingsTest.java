package org.btblocker.detectors.entropy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ServiceLoader;
import java.util.stream.StreamSupport;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import org.btblocker.api.DetectorProvider;
import org.btblocker.api.Interest;
import org.junit.jupiter.api.Test;

class EntropySettingsTest {

    private static Config own() {
        return ConfigFactory.load().getConfig("btblocker.entropy");
    }

    @Test
    void referenceDefaultsKeepTheSeedValues() {
        assertThat(EntropySettings.from(own())).isEqualTo(new EntropySettings(7.6, 60, 32, 24));
    }

    @Test
    void seedKeysReachTheBlockBySubstitution() {
        Config app = ConfigFactory.parseString("btblocker { entropyThreshold = 7.9, minPayloadSize = 120 }");
        Config own = ConfigFactory.load(app).getConfig("btblocker.entropy");
        assertThat(EntropySettings.from(own)).isEqualTo(new EntropySettings(7.9, 120, 32, 24));
    }

    @Test
    void theBlockKeyWinsOverTheSeedKey() {
        Config app = ConfigFactory.parseString("btblocker { entropyThreshold = 7.9, entropy.threshold = 7.7 }");
        assertThat(EntropySettings.from(ConfigFactory.load(app).getConfig("btblocker.entropy")).threshold())
                .isEqualTo(7.7);
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> EntropySettings.from(own().withValue("threshold", ConfigValueFactory.fromAnyRef(8.5))))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("threshold");
        assertThatThrownBy(() -> EntropySettings.from(own().withValue("threshold", ConfigValueFactory.fromAnyRef(0))))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("threshold");
        assertThatThrownBy(() -> EntropySettings.from(own().withValue("minPayloadSize",
                ConfigValueFactory.fromAnyRef(0)))).isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("minPayloadSize");
        assertThatThrownBy(() -> EntropySettings.from(own().withValue("maxUtpDatagrams",
                ConfigValueFactory.fromAnyRef(-1)))).isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("maxUtpDatagrams");
        assertThatThrownBy(() -> EntropySettings.from(own().withValue("maxFlights",
                ConfigValueFactory.fromAnyRef(0)))).isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("maxFlights");
        assertThatThrownBy(() -> EntropySettings.from(own().withValue("threshold",
                ConfigValueFactory.fromAnyRef("high")))).isInstanceOf(ConfigException.class);
    }

    @Test
    void providerIsListedForServiceLoader() {
        DetectorProvider p = StreamSupport.stream(ServiceLoader.load(DetectorProvider.class).spliterator(), false)
                .filter(d -> d.name().equals("entropy")).findFirst().orElseThrow();
        assertThat(p).isInstanceOf(EntropyDetectorProvider.class);
        assertThat(p.interest()).isEqualTo(Interest.ALL_PACKETS);
        assertThat(p.stateSlots()).isEqualTo(EntropyDetector.SLOTS).isBetween(0, 8);
        assertThat(p.create(own())).isInstanceOf(EntropyDetector.class);
    }
}
