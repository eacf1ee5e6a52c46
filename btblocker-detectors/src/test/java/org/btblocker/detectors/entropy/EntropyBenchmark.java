package org.btblocker.detectors.entropy;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of scoring one MSE-sized payload (96..608 bytes) with {@link ByteHistogram#score}.
 * Run: {@code ./mvnw -Pbench -pl btblocker-detectors test-compile exec:exec} (or {@code org.openjdk.jmh.Main
 * EntropyBenchmark -prof gc} on the test classpath); expect {@code gc.alloc.rate.norm} of about 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EntropyBenchmark {

    private static final int RING = 64;

    private final ByteBuffer[] payloads = new ByteBuffer[RING];
    private final ByteHistogram histogram = new ByteHistogram();
    private int next;

    @Setup
    public void setUp() {
        Random r = new Random(1);
        for (int i = 0; i < RING; i++) {
            payloads[i] = ByteBuffer.wrap(EntropySamples.mseKey(r));
        }
    }

    @Benchmark
    public double score() {
        ByteBuffer b = payloads[next++ & (RING - 1)];
        return histogram.score(b, 0, b.limit());
    }
}
