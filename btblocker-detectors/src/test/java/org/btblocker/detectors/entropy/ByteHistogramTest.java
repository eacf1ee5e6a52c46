package org.btblocker.detectors.entropy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.btblocker.testkit.Packets.ascii;

import java.nio.ByteBuffer;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;

class ByteHistogramTest implements WithQuickTheories {

    private static final double DEFAULT_THRESHOLD = 7.6;

    private static double score(byte[] b) {
        return new ByteHistogram().score(ByteBuffer.wrap(b), 0, b.length);
    }

    @Test
    void uniformlyRandomMsePayloadsScoreAboveTheThresholdAtLeast99PercentOfTheTime() {
        Random r = new Random(20261124);
        ByteHistogram h = new ByteHistogram();
        int samples = 2000;
        int above = 0;
        for (int i = 0; i < samples; i++) {
            byte[] b = EntropySamples.mseKey(r);
            if (h.score(ByteBuffer.wrap(b), 0, b.length) >= DEFAULT_THRESHOLD) {
                above++;
            }
        }
        assertThat(above).isGreaterThanOrEqualTo(samples * 99 / 100);
    }

    @Test
    void shortestKeyAloneIsAlsoAbove99Percent() {
        Random r = new Random(96);
        ByteHistogram h = new ByteHistogram();
        int above = 0;
        for (int i = 0; i < 2000; i++) {
            byte[] b = EntropySamples.random(r, 96);
            above += h.score(ByteBuffer.wrap(b), 0, 96) >= DEFAULT_THRESHOLD ? 1 : 0;
        }
        assertThat(above).isGreaterThanOrEqualTo(1980);
    }

    @Test
    void correctionIsUnbiasedForUniformBytes() {
        Random r = new Random(7);
        for (int n : new int[] {96, 300, 608, 2000}) {
            double sum = 0;
            for (int i = 0; i < 400; i++) {
                byte[] b = EntropySamples.random(r, n);
                sum += new ByteHistogram().score(ByteBuffer.wrap(b), 0, n);
            }
            assertThat(sum / 400).as("mean score of %d uniform bytes", n).isBetween(7.93, 8.0);
        }
    }

    @Test
    void naiveShannonWouldBeTooLowWhichIsWhyWeCorrect() {
        // the deficit a uniform source shows at 96 bytes: about 1.76 bits
        double[] deficit = ByteHistogram.uniformDeficits(608);
        assertThat(deficit[96]).isBetween(1.7, 1.8);
        assertThat(deficit[608]).isBetween(0.3, 0.4);
        assertThat(deficit[200]).isLessThan(deficit[96]).isGreaterThan(deficit[608]);
    }

    @Test
    void structuredDataScoresBelowTheThreshold() {
        Random r = new Random(42);
        assertThat(score(ascii(EntropySamples.ENGLISH))).isLessThan(5.5);
        assertThat(score(EntropySamples.httpRequest())).isLessThan(6.5);
        assertThat(score(EntropySamples.httpResponse())).isLessThan(6.5);
        assertThat(score(EntropySamples.tlsClientHello(r))).isLessThan(DEFAULT_THRESHOLD);
        // a TLS 1.3 ServerHello is three quarters random (random, session id, key share): it may score high and is
        // rejected by its record header instead (KnownOpeningsTest, EntropyDetectorTest)
        // 42 bytes of text: the small-sample correction is large (about 2.7 bits), yet it stays below
        assertThat(score(EntropySamples.sshBanner())).isLessThan(DEFAULT_THRESHOLD);
        assertThat(score(EntropySamples.sshKexinit(r))).isLessThan(6.5);
        assertThat(score(EntropySamples.dnsResponse())).isLessThan(7.0);
        assertThat(score(new byte[200])).isZero();
        assertThat(score(EntropySamples.lowAlphabetFramed(r, 300))).isLessThan(5.5);
    }

    @Test
    void base64AndSevenBitDataAreCaughtByScoreOrHighBitBalance() {
        Random r = new Random(64);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        ByteHistogram h = new ByteHistogram();
        for (int i = 0; i < 200; i++) {
            byte[] b = new byte[96 + r.nextInt(513)];
            for (int j = 0; j < b.length; j++) {
                b[j] = (byte) alphabet.charAt(r.nextInt(64));
            }
            assertThat(h.score(ByteBuffer.wrap(b), 0, b.length)).isLessThan(DEFAULT_THRESHOLD);
            byte[] seven = new byte[96 + r.nextInt(513)];
            for (int j = 0; j < seven.length; j++) {
                seven[j] = (byte) r.nextInt(128);
            }
            h.score(ByteBuffer.wrap(seven), 0, seven.length);
            assertThat(h.isHighBitBalanced()).isFalse();
        }
    }

    @Test
    void highBitBalanceAcceptsRandomBytes() {
        Random r = new Random(3);
        ByteHistogram h = new ByteHistogram();
        for (int i = 0; i < 2000; i++) {
            byte[] b = EntropySamples.mseKey(r);
            h.score(ByteBuffer.wrap(b), 0, b.length);
            assertThat(h.isHighBitBalanced()).isTrue();
        }
    }

    @Test
    void scoresOnlyTheRequestedRange() {
        byte[] b = new byte[400];
        new Random(5).nextBytes(b);
        java.util.Arrays.fill(b, 0, 100, (byte) 0);
        java.util.Arrays.fill(b, 300, 400, (byte) 0);
        ByteHistogram h = new ByteHistogram();
        assertThat(h.score(ByteBuffer.wrap(b), 100, 200)).isGreaterThan(7.6);
        assertThat(h.scoredLength()).isEqualTo(200);
        assertThat(h.score(ByteBuffer.wrap(b), 0, 400)).isLessThan(7.0);
    }

    @Test
    void anyInputScoresWithinZeroAndEightAndBadBoundsScoreZero() {
        qt().withExamples(2000).forAll(integers().between(0, 3000), longs().all(), integers().between(-5, 3100))
                .checkAssert((n, seed, off) -> {
                    byte[] b = new byte[n];
                    new Random(seed).nextBytes(b);
                    ByteHistogram h = new ByteHistogram();
                    double s = h.score(ByteBuffer.wrap(b), off, n - Math.max(off, 0));
                    assertThat(s).isBetween(0.0, 8.0);
                    assertThat(h.score(ByteBuffer.wrap(b), off, n + 1)).isZero();
                });
    }
}
