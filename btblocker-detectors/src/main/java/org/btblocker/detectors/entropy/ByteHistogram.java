package org.btblocker.detectors.entropy;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Scores how random a run of bytes looks, in bits per byte, without allocating. <b>Mutable:</b> it reuses one
 * {@code int[256]} histogram, so an instance belongs to one thread; the detector that owns it is, like every
 * detector instance, used by a single engine thread.
 *
 * <p><b>Why not plain Shannon entropy.</b> The plug-in estimate {@code H = log2 n - (1/n) sum c log2 c} is biased
 * low for short inputs: 96 uniformly random bytes score about 6.2 bits per byte, because 96 samples cannot show
 * 256 symbols. {@link #score} adds the exact expected deficit of a uniform 8-bit source of the same length,
 * {@code D(n) = 8 - E[H | n uniform bytes]} (computed once from the binomial distribution of the per-symbol
 * counts), scaled like the Miller-Madow correction by the number of distinct byte values seen, {@code K}, relative
 * to what uniform bytes show: {@code score = H + D(n) * min(1, (K - 1) / (E[K](n) - 1))}. So a uniformly random
 * input scores about 8 at any length (mean 7.98 at 96 bytes; fewer than 0.4 % of 96-byte inputs and 0.02 % of
 * 150-byte inputs fall below 7.6; the 1st percentile is 7.67 at 96 bytes, 7.91 at 608), while data from a small
 * alphabet gets little of the correction: zero-filled input scores 0, base64 at most about 6.9 (96 bytes) and 6.05
 * (608 bytes), English text about 4.5, data from a 128-symbol alphabet about 7.4 at 96 bytes (callers reject it
 * with {@link #isHighBitBalanced()}).
 */
final class ByteHistogram {

    /** Longest prefix that is scored; longer inputs are scored on their first bytes. */
    static final int MAX_SCORED_BYTES = 2048;

    /** Index n: {@code 8 - E[plug-in entropy of n uniform random bytes]}. */
    private static final double[] UNIFORM_DEFICIT = uniformDeficits(MAX_SCORED_BYTES);
    /** Index n: expected number of distinct values among n uniform random bytes, minus one. */
    private static final double[] UNIFORM_DISTINCT_MINUS_ONE = uniformDistinctMinusOne(MAX_SCORED_BYTES);
    /** Index c: {@code c * log2(c)}, 0 for c < 2. */
    private static final double[] C_LOG2_C = cLog2c(MAX_SCORED_BYTES);

    private static final double LN2 = Math.log(2);

    private final int[] counts = new int[256];
    private int highBits;
    private int scored;

    /**
     * Bias-corrected entropy of {@code buf[off, off + min(len, MAX_SCORED_BYTES))} in bits per byte, clamped to
     * [0, 8]; 0 for fewer than 2 bytes or bad bounds. Also records {@link #highBitCount()} and
     * {@link #scoredLength()}.
     */
    double score(ByteBuffer buf, int off, int len) {
        Arrays.fill(counts, 0);
        highBits = 0;
        scored = 0;
        if (buf == null || off < 0 || len < 2 || off > buf.limit() - len) {
            return 0;
        }
        int n = Math.min(len, MAX_SCORED_BYTES);
        int high = 0;
        for (int i = 0; i < n; i++) {
            int b = buf.get(off + i) & 0xff;
            counts[b]++;
            high += b >>> 7;
        }
        double sum = 0;
        int distinct = 0;
        for (int c : counts) {
            sum += C_LOG2_C[c];
            distinct += c == 0 ? 0 : 1;
        }
        highBits = high;
        scored = n;
        double share = Math.min(1.0, (distinct - 1) / UNIFORM_DISTINCT_MINUS_ONE[n]);
        double h = Math.log(n) / LN2 - sum / n + UNIFORM_DEFICIT[n] * share;
        return h < 0 ? 0 : Math.min(8.0, h);
    }

    /** Bytes with the top bit set in the last scored input. */
    int highBitCount() {
        return highBits;
    }

    /** Bytes actually scored by the last {@link #score} call. */
    int scoredLength() {
        return scored;
    }

    /**
     * True when the top-bit count of the last scored input is within 4.5 standard deviations of what uniform
     * bytes give (binomial, p = 1/2): a random input fails this with probability below 1e-5, 7-bit data always.
     */
    boolean isHighBitBalanced() {
        if (scored == 0) {
            return false;
        }
        double deviation = Math.abs(highBits - scored / 2.0);
        return deviation <= 4.5 * Math.sqrt(scored) / 2.0;
    }

    /** Expected plug-in entropy deficit of a uniform byte source for every length up to {@code max}. */
    static double[] uniformDeficits(int max) {
        double[] deficit = new double[max + 1];
        double p = 1.0 / 256;
        for (int n = 2; n <= max; n++) {
            // per-symbol count ~ Binomial(n, 1/256): E[sum_s c_s log2 c_s] = 256 * sum_k P(k) k log2 k
            double pk = Math.exp(n * Math.log1p(-p)); // P(0)
            double expected = 0;
            double mean = n * p;
            for (int k = 1; k <= n; k++) {
                pk *= (double) (n - k + 1) / k * p / (1 - p);
                expected += pk * k * (Math.log(k) / Math.log(2));
                if (k > mean + 40 && pk < 1e-17) {
                    break;
                }
            }
            double h = Math.log(n) / Math.log(2) - 256 * expected / n;
            deficit[n] = 8 - h;
        }
        return deficit;
    }

    private static double[] uniformDistinctMinusOne(int max) {
        double[] t = new double[max + 1];
        for (int n = 0; n <= max; n++) {
            t[n] = 256 * (1 - Math.pow(255.0 / 256, n)) - 1;
        }
        return t;
    }

    private static double[] cLog2c(int max) {
        double[] t = new double[max + 1];
        for (int c = 2; c <= max; c++) {
            t[c] = c * (Math.log(c) / Math.log(2));
        }
        return t;
    }
}
