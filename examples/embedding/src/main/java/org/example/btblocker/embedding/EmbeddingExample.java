package org.example.btblocker.embedding;

import java.nio.ByteBuffer;

import org.btblocker.api.packet.PacketView;
import org.btblocker.engine.Decision;
import org.btblocker.engine.Engine;

import com.typesafe.config.ConfigFactory;

/**
 * Runs btblocker's detection in your own program: btblocker-api and btblocker-detectors on the classpath, no
 * native code. Feed it raw IP packets from any source; it answers per packet and reports each blocked flow.
 */
public final class EmbeddingExample {

    private EmbeddingExample() {
    }

    /** Inspects one hand-made packet: the BEP 3 handshake a client sends to a peer on port 6881. */
    public static void main(String[] args) {
        Engine engine = Engine.builder(ConfigFactory.load())
                .listener(EmbeddingExample::print)
                .build();
        PacketView view = new PacketView(); // reuse one view for every packet
        byte[] packet = handshakePacket();
        Engine.Action action = engine.inspect(view.reset(ByteBuffer.wrap(packet), 0, packet.length),
                System.nanoTime());
        System.out.println("action: " + action);
    }

    private static void print(Decision d) {
        System.out.println((d.blocked() ? "BLOCK " : "ALLOW ") + d.protocolName() + " " + d.initiator() + " -> "
                + d.responder() + " detector=" + d.detector() + " reason=\"" + d.reason() + "\"");
    }

    /** IPv4/TCP 10.0.0.1:40000 -> 10.0.0.2:6881 carrying "\x13BitTorrent protocol", reserved, hash, peer id. */
    static byte[] handshakePacket() {
        byte[] payload = new byte[68];
        payload[0] = 19;
        byte[] protocol = "BitTorrent protocol".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(protocol, 0, payload, 1, protocol.length);
        byte[] peerId = "-XX0001-123456789012".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(peerId, 0, payload, 48, peerId.length);
        ByteBuffer b = ByteBuffer.allocate(40 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) b.capacity()).putInt(0).put((byte) 64).put((byte) 6)
                .putShort((short) 0).putInt(0x0a000001).putInt(0x0a000002);
        b.putShort((short) 40000).putShort((short) 6881).putInt(1).putInt(1).put((byte) 0x50).put((byte) 0x18)
                .putShort((short) 65535).putInt(0);
        b.put(payload);
        return b.array();
    }
}
