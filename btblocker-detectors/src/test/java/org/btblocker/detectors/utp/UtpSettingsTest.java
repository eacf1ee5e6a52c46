package org.btblocker.detectors.utp;

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

class UtpSettingsTest {

    private static Config own() {
        return ConfigFactory.defaultReference().getConfig("btblocker.utp");
    }

    @Test
    void referenceDefaults() {
        assertThat(UtpSettings.from(own())).isEqualTo(new UtpSettings(3, 6, 32));
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> UtpSettings.from(own().withValue("minHeadersMidStream", ConfigValueFactory.fromAnyRef(1))))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("minHeadersMidStream");
        assertThatThrownBy(() -> UtpSettings.from(own().withValue("minHeadersOneWay", ConfigValueFactory.fromAnyRef(2))))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("minHeadersOneWay");
        assertThatThrownBy(() -> UtpSettings.from(own().withValue("maxDatagrams", ConfigValueFactory.fromAnyRef(0))))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("maxDatagrams");
        assertThatThrownBy(() -> UtpSettings.from(own().withoutPath("maxDatagrams")))
                .isInstanceOf(ConfigException.Missing.class);
    }

    @Test
    void providerIsListedForServiceLoader() {
        DetectorProvider p = StreamSupport.stream(ServiceLoader.load(DetectorProvider.class).spliterator(), false)
                .filter(d -> d.name().equals("utp")).findFirst().orElseThrow();
        assertThat(p).isInstanceOf(UtpDetectorProvider.class);
        assertThat(p.interest()).isEqualTo(Interest.UDP_PAYLOAD);
        assertThat(p.stateSlots()).isEqualTo(UtpDetector.SLOTS).isBetween(0, 8);
        assertThat(p.create(own())).isInstanceOf(UtpDetector.class);
    }
}
