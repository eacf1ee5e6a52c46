package org.example.btblocker.portrange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;

import org.btblocker.api.packet.PacketView;
import org.btblocker.engine.ProviderRegistry;
import org.btblocker.engine.Engine;
import org.junit.jupiter.api.Test;

import com.typesafe.config.ConfigFactory;

class PortRangePluginTest {

    private static PacketView udp(int dstPort) {
        ByteBuffer b = ByteBuffer.allocate(32);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 32).putInt(0).put((byte) 64).put((byte) 17)
                .putShort((short) 0).putInt(0x0a000001).putInt(0x0a000002);
        b.putShort((short) 40000).putShort((short) dstPort).putShort((short) 12).putShort((short) 0).putInt(0x01020304);
        return new PacketView().reset(b, 0, 32);
    }

    @Test
    void isFoundByServiceLoaderBesideTheBuiltInDetectors() {
        var names = ProviderRegistry.detectors(getClass().getClassLoader()).all().stream().map(p -> p.name()).toList();
        assertThat(names).contains("portrange", "endpoint");
    }

    @Test
    void blocksFlowsToConfiguredPortsWhenEnabled() {
        var root = ConfigFactory.parseString("btblocker { detectors = [portrange], whitelistPorts = [] }")
                .withFallback(ConfigFactory.defaultReference()).resolve();
        Engine engine = Engine.builder(root).build();
        assertThat(engine.inspect(udp(6885), 0)).isEqualTo(Engine.Action.BLOCK);
        assertThat(engine.inspect(udp(6890), 0)).isEqualTo(Engine.Action.ALLOW);
    }

    @Test
    void aBadRangeNamesTheKey() {
        var root = ConfigFactory.parseString("btblocker { detectors = [portrange], portrange.ports = [\"9-1\"] }")
                .withFallback(ConfigFactory.defaultReference()).resolve();
        assertThatThrownBy(() -> Engine.builder(root).build()).hasMessageContaining("btblocker.portrange.ports");
    }
}
