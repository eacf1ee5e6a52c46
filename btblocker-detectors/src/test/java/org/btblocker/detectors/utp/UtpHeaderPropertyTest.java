package org.btblocker.detectors.utp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;

class UtpHeaderPropertyTest implements WithQuickTheories {

    @Test
    void generatedValidPacketsParseToTheirHeaderLength() {
        qt().withExamples(2000).forAll(UtpGen.seeds()).checkAssert(seed -> {
            java.util.Random r = new java.util.Random(seed);
            byte[] p = UtpGen.randomValid(r);
            int header = UtpHeader.parse(ByteBuffer.wrap(p), 0, p.length);
            assertThat(header).isBetween(UtpHeader.LENGTH, p.length);
            int type = UtpHeader.type(ByteBuffer.wrap(p), 0);
            if (type == UtpHeader.ST_STATE || type == UtpHeader.ST_SYN) {
                assertThat(header).isEqualTo(p.length);
            }
        });
    }

    @Test
    void generatedFieldsReadBack() {
        qt().forAll(integers().between(0, 4), integers().between(0, 0xffff), integers().between(0, 0xffff),
                integers().between(0, 0xffff)).checkAssert((type, conn, seq, ack) -> {
                    byte[] p = UtpGen.header(type, conn, seq, ack);
                    ByteBuffer b = ByteBuffer.wrap(p);
                    assertThat(UtpHeader.parse(b, 0, p.length)).isEqualTo(20);
                    assertThat(UtpHeader.type(b, 0)).isEqualTo(type);
                    assertThat(UtpHeader.connectionId(b, 0)).isEqualTo(conn);
                    assertThat(UtpHeader.seqNr(b, 0)).isEqualTo(seq);
                    assertThat(UtpHeader.ackNr(b, 0)).isEqualTo(ack);
                });
    }

    @Test
    void mutatedAndTruncatedPacketsNeverThrowAndStayInBounds() {
        qt().withExamples(5000).forAll(UtpGen.mutatedPackets()).checkAssert(p -> {
            int header = UtpHeader.parse(ByteBuffer.wrap(p), 0, p.length);
            assertThat(header).satisfiesAnyOf(h -> assertThat(h).isEqualTo(-1),
                    h -> assertThat(h).isBetween(UtpHeader.LENGTH, p.length));
        });
    }

    @Test
    void randomBytesNeverThrowAndStayInBounds() {
        qt().withExamples(5000).forAll(UtpGen.randomBytes()).checkAssert(p -> {
            int header = UtpHeader.parse(ByteBuffer.wrap(p), 0, p.length);
            assertThat(header).isBetween(-1, p.length);
            assertThat(header).isNotIn(0, 1, 19);
        });
    }

    @Test
    void everyPrefixOfAValidPacketIsSafe() {
        qt().withExamples(300).forAll(UtpGen.validPackets()).checkAssert(p -> {
            for (int n = 0; n <= Math.min(p.length, 80); n++) {
                assertThat(UtpHeader.parse(ByteBuffer.wrap(p, 0, n).slice(), 0, n)).isBetween(-1, n);
            }
        });
    }
}
