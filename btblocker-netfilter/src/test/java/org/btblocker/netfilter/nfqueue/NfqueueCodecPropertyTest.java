package org.btblocker.netfilter.nfqueue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;

import org.btblocker.netlink.AttrCursor;
import org.btblocker.netlink.MessageCursor;
import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;

/** Generated kernel packet messages parse to what was put in; hostile bytes never throw and stay in bounds. */
class NfqueueCodecPropertyTest implements WithQuickTheories {

    @Test
    void generatedPacketsAreRecognised() {
        qt().forAll(NfqueueGen.specs()).checkAssert(s -> {
            ByteBuffer b = ByteBuffer.wrap(NfqueueGen.packet(s));
            MessageCursor m = new MessageCursor().reset(b);
            assertThat(m.next()).isTrue();
            QueuedPacket p = new QueuedPacket();
            assertThat(NfqueueCodec.parsePacket(m, new AttrCursor(), p)).isTrue();
            assertThat(p.queueNum()).isEqualTo(s.queueNum());
            assertThat(p.packetId()).isEqualTo(s.packetId());
            assertThat(p.hwProtocol()).isEqualTo(s.hwProtocol());
            assertThat(p.hook()).isEqualTo(s.hook());
            assertThat(p.mark()).isEqualTo(Math.max(0, s.mark()));
            assertThat(p.inDevice()).isEqualTo(Math.max(0, s.inDev()));
            assertThat(p.outDevice()).isEqualTo(Math.max(0, s.outDev()));
            assertThat(p.ctInfo()).isEqualTo(s.ctInfo());
            assertThat(p.capLength()).isEqualTo(s.capLen());
            assertThat(p.skbInfo()).isEqualTo(Math.max(0, s.skbInfo()));
            if (s.payload() == null) {
                assertThat(p.payloadOffset).isEqualTo(-1);
            } else {
                assertThat(p.payloadLength).isEqualTo(s.payload().length);
                for (int i = 0; i < s.payload().length; i++) {
                    assertThat(b.get(p.payloadOffset + i)).isEqualTo(s.payload()[i]);
                }
            }
        });
    }

    @Test
    void hostileBytesNeverThrowAndPayloadStaysInBounds() {
        qt().withExamples(1000).forAll(NfqueueGen.hostile()).checkAssert(bytes -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            MessageCursor m = new MessageCursor().reset(b);
            AttrCursor a = new AttrCursor();
            QueuedPacket p = new QueuedPacket();
            while (m.next()) {
                if (NfqueueCodec.parsePacket(m, a, p) && p.payloadOffset >= 0) {
                    assertThat(p.payloadOffset).isBetween(0, bytes.length);
                    assertThat(p.payloadOffset + p.payloadLength).isLessThanOrEqualTo(bytes.length);
                }
            }
        });
    }
}
