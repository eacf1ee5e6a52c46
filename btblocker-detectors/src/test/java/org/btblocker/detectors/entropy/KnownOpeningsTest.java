package org.btblocker.detectors.entropy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.btblocker.testkit.Packets.ascii;
import static org.btblocker.testkit.Packets.concat;
import static org.btblocker.testkit.Packets.hex;

import java.nio.ByteBuffer;

import org.btblocker.detectors.openings.KnownOpenings;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;

class KnownOpeningsTest implements WithQuickTheories {

    private static int match(byte[] b) {
        return KnownOpenings.match(ByteBuffer.wrap(b), 0, b.length);
    }

    private static byte[] randomTail(byte[] head, int total, long seed) {
        byte[] tail = new byte[total - head.length];
        new Random(seed).nextBytes(tail);
        for (int i = 0; i < tail.length; i++) {
            tail[i] |= 1; // no zero bytes: keep the header rule out of the way
        }
        return concat(head, tail);
    }

    @Test
    void recognisesProtocolOpenings() {
        Random r = new Random(1);
        assertThat(match(EntropySamples.tlsClientHello(r))).isEqualTo(KnownOpenings.TLS);
        assertThat(match(EntropySamples.tlsServerHello(r))).isEqualTo(KnownOpenings.TLS);
        assertThat(match(randomTail(hex("170303 0120"), 200, 2))).isEqualTo(KnownOpenings.TLS);
        assertThat(match(randomTail(hex("16 fefd 0000 0000"), 200, 3))).isEqualTo(KnownOpenings.DTLS);
        assertThat(match(EntropySamples.sshBanner())).isEqualTo(KnownOpenings.SSH);
        assertThat(match(EntropySamples.httpRequest())).isEqualTo(KnownOpenings.HTTP);
        assertThat(match(EntropySamples.httpResponse())).isEqualTo(KnownOpenings.HTTP);
        assertThat(match(ascii("POST /x HTTP/1.1\r\n\r\n"))).isEqualTo(KnownOpenings.HTTP);
        assertThat(match(concat(new byte[] {19}, ascii("BitTorrent protocol"), new byte[48])))
                .isEqualTo(KnownOpenings.BITTORRENT_PLAINTEXT);
        assertThat(match(randomTail(hex("01000000"), 148, 4))).isEqualTo(KnownOpenings.WIREGUARD);
        assertThat(match(randomTail(hex("02000000"), 92, 5))).isEqualTo(KnownOpenings.WIREGUARD);
        assertThat(match(randomTail(hex("c3 00000001 08"), 1200, 6))).isEqualTo(KnownOpenings.QUIC);
        assertThat(match(randomTail(hex("cb 6b3343cf 08"), 1200, 7))).isEqualTo(KnownOpenings.QUIC);
        assertThat(match(randomTail(hex("0001 0058 2112a442"), 108, 8))).isEqualTo(KnownOpenings.STUN);
        assertThat(match(randomTail(hex("000100b0 fe534d42"), 180, 9))).isIn(KnownOpenings.SMB,
                KnownOpenings.LENGTH_PREFIXED, KnownOpenings.STRUCTURED_HEADER);
        assertThat(match(randomTail(hex("0300 00c8"), 200, 10))).isEqualTo(KnownOpenings.LENGTH_PREFIXED); // TPKT
        assertThat(match(randomTail(hex("0062"), 100, 11))).isEqualTo(KnownOpenings.LENGTH_PREFIXED); // DNS/TCP
        assertThat(match(hex("5a42584403 4e000000 45000000") )).isEqualTo(KnownOpenings.STRUCTURED_HEADER);
    }

    @Test
    void randomKeysAreAlmostNeverMistakenForAnOpening() {
        Random r = new Random(11);
        int hits = 0;
        for (int i = 0; i < 20000; i++) {
            byte[] key = EntropySamples.mseKey(r);
            hits += match(key) != KnownOpenings.NONE ? 1 : 0;
        }
        assertThat(hits).isLessThanOrEqualTo(20); // below 0.1 %
    }

    @Test
    void anyBytesAndBoundsAreSafe() {
        qt().withExamples(3000).forAll(integers().between(0, 700), longs().all(), integers().between(-3, 710))
                .checkAssert((n, seed, off) -> {
                    byte[] b = new byte[n];
                    new Random(seed).nextBytes(b);
                    int m = KnownOpenings.match(ByteBuffer.wrap(b), off, n - off);
                    assertThat(m).isBetween(KnownOpenings.NONE, KnownOpenings.STRUCTURED_HEADER);
                    assertThat(KnownOpenings.match(null, 0, 10)).isEqualTo(KnownOpenings.NONE);
                });
    }
}
