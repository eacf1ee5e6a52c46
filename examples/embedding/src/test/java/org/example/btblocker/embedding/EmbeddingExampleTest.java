package org.example.btblocker.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.btblocker.api.packet.PacketView;
import org.btblocker.engine.Decision;
import org.btblocker.engine.Engine;
import org.junit.jupiter.api.Test;

import com.typesafe.config.ConfigFactory;

class EmbeddingExampleTest {

    @Test
    void theDefaultEngineBlocksTheHandshakeOfTheExample() {
        List<Decision> decisions = new ArrayList<>();
        Engine engine = Engine.builder(ConfigFactory.load()).listener(decisions::add).build();
        byte[] packet = EmbeddingExample.handshakePacket();
        var action = engine.inspect(new PacketView().reset(ByteBuffer.wrap(packet), 0, packet.length), 0);
        assertThat(action).isEqualTo(Engine.Action.BLOCK);
        assertThat(decisions).singleElement().extracting(Decision::detector).isEqualTo("handshake");
    }
}
