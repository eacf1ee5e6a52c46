package org.btblocker.api.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;
import org.quicktheories.core.Gen;

class PacketViewPropertyTest implements WithQuickTheories {

    private Gen<byte[]> bytes(int max) {
        return lists().of(integers().between(0, 255)).ofSizeBetween(0, max).map(list -> {
            byte[] b = new byte[list.size()];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (int) list.get(i);
            }
            return b;
        });
    }

    /** A valid IPv4 or IPv6 UDP packet with the given payload. */
    private static byte[] udp(boolean v6, int srcPort, int dstPort, byte[] payload) {
        int l4 = 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate((v6 ? 40 : 20) + l4);
        if (v6) {
            b.putInt(0x60000000).putShort((short) l4).put((byte) 17).put((byte) 64);
            b.putLong(0x20010db8L << 32).putLong(1).putLong(0x20010db8L << 32).putLong(2);
        } else {
            b.put((byte) 0x45).put((byte) 0).putShort((short) b.capacity()).putInt(0).put((byte) 64).put((byte) 17)
                    .putShort((short) 0).putInt(0x0a000001).putInt(0x0a000002);
        }
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) l4).putShort((short) 0).put(payload);
        return b.array();
    }

    @Test
    void validUdpPacketsParseWithTheirPayload() {
        qt().forAll(booleans().all(), integers().between(0, 65535), integers().between(0, 65535), bytes(300))
                .checkAssert((v6, sp, dp, payload) -> {
                    PacketView p = new PacketView().reset(ByteBuffer.wrap(udp(v6, sp, dp, payload)), 0,
                            (v6 ? 48 : 28) + payload.length);
                    assertThat(p.isUdp()).isTrue();
                    assertThat(p.srcPort()).isEqualTo(sp);
                    assertThat(p.dstPort()).isEqualTo(dp);
                    assertThat(p.payloadLength()).isEqualTo(payload.length);
                    for (int i = 0; i < payload.length; i++) {
                        assertThat((byte) p.payloadByte(i)).isEqualTo(payload[i]);
                    }
                });
    }

    @Test
    void arbitraryBytesNeverThrowAndStayInBounds() {
        qt().withExamples(5000).forAll(bytes(200), integers().between(0, 3)).checkAssert((b, shape) -> {
            // Bias the first nibble towards 4 and 6 so that the deeper parsers are reached.
            if (b.length > 0 && shape > 0) {
                b[0] = (byte) ((shape == 1 ? 0x40 : 0x60) | (b[0] & 0x0f));
            }
            PacketView p = new PacketView().reset(ByteBuffer.wrap(b), 0, b.length);
            assertInBounds(p, b.length);
        });
    }

    @Test
    void mutatedAndTruncatedValidPacketsNeverThrowAndStayInBounds() {
        qt().withExamples(5000)
                .forAll(booleans().all(), bytes(64), integers().between(0, 200 * 256 - 1), integers().between(0, 200))
                .checkAssert((v6, payload, mutation, cut) -> {
                    byte[] b = udp(v6, 6881, 6881, payload);
                    b[(mutation >>> 8) % b.length] = (byte) (mutation & 0xff);
                    int length = Math.max(0, b.length - cut);
                    PacketView p = new PacketView().reset(ByteBuffer.wrap(b), 0, length);
                    assertInBounds(p, length);
                });
    }

    private static void assertInBounds(PacketView p, int length) {
        if (p.isParseable()) {
            assertThat(p.payloadOffset()).isBetween(0, length);
            assertThat(p.payloadLength()).isBetween(0, length - p.payloadOffset());
            if (p.payloadLength() > 0) {
                p.payloadByte(p.payloadLength() - 1);
            }
        }
    }
}
