package org.btblocker.netfilter.nfqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;

import org.junit.jupiter.api.Test;

class QueueConfigTest {

    @Test
    void referenceDefaults() {
        assertThat(QueueConfig.of(3)).isEqualTo(new QueueConfig(3, 0xffff, 4096, true, true, 8 << 20));
        assertThat(QueueConfig.from(ConfigFactory.load()).queueNum()).isZero();
    }

    @Test
    void readsOverridesOnTopOfTheReference() {
        QueueConfig c = QueueConfig.from(ConfigFactory.parseString(
                "btblocker { queueNum = 12, queue { copyRange = 128, maxLength = 65536, failOpen = false, "
                        + "gso = false, receiveBuffer = 1M } }").withFallback(ConfigFactory.defaultReference()));
        assertThat(c).isEqualTo(new QueueConfig(12, 128, 65536, false, false, 1 << 20));
    }

    @Test
    void outOfRangeKeysAreNamed() {
        assertThatThrownBy(() -> QueueConfig.from(ConfigFactory.parseString("btblocker.queue.maxLength = 70000")
                .withFallback(ConfigFactory.defaultReference())))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("btblocker.queue.maxLength").hasMessageContaining("1 to 65536");
        assertThatThrownBy(() -> QueueConfig.from(ConfigFactory.parseString("btblocker.queueNum = -1")
                .withFallback(ConfigFactory.defaultReference())))
                .hasMessageContaining("btblocker.queueNum");
        assertThatThrownBy(() -> QueueConfig.from(ConfigFactory.parseString("btblocker.queue.receiveBuffer = 1K")
                .withFallback(ConfigFactory.defaultReference())))
                .hasMessageContaining("btblocker.queue.receiveBuffer");
    }

    @Test
    void constructorChecksEveryField() {
        assertThatThrownBy(() -> new QueueConfig(65536, 1, 1, true, true, 1 << 20))
                .hasMessage("queueNum must be in 0..65535, got 65536");
        assertThatThrownBy(() -> new QueueConfig(0, 0, 1, true, true, 1 << 20)).hasMessageContaining("copyRange");
        assertThatThrownBy(() -> new QueueConfig(0, 1, 0, true, true, 1 << 20)).hasMessageContaining("maxLength");
        assertThatThrownBy(() -> new QueueConfig(0, 1, 1, true, true, 1024))
                .hasMessageContaining("receiveBufferBytes");
    }
}
