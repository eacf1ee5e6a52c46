package org.btblocker.detectors.utp;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.typesafe.config.ConfigFactory;
import org.btblocker.api.packet.PacketView;
import org.btblocker.testkit.Packets;
import org.btblocker.testkit.TestFlow;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of {@link UtpDetector#inspect} over a ring of valid and random datagrams.
 * Run: {@code ./mvnw -Pbench -pl btblocker-detectors test-compile exec:exec} (or {@code org.openjdk.jmh.Main
 * UtpBenchmark -prof gc} on the test classpath); expect {@code gc.alloc.rate.norm} of about 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class UtpBenchmark {

    private static final int RING = 256;

    private final PacketView[] views = new PacketView[RING];
    private final TestFlow[] flows = new TestFlow[16];
    private UtpDetector detector;
    private int next;

    @Setup
    public void setUp() {
        detector = new UtpDetector(UtpSettings.from(ConfigFactory.defaultReference().getConfig("btblocker.utp")));
        Random r = new Random(1);
        for (int i = 0; i < RING; i++) {
            byte[] p = new byte[20 + r.nextInt(1200)];
            if (i % 2 == 0) {
                p = UtpGen.randomValid(r);
            } else {
                r.nextBytes(p);
            }
            views[i] = (i % 4 < 2 ? Packets.udp("10.0.0.1", 1, "10.0.0.2", 2, p)
                    : Packets.udp("10.0.0.2", 2, "10.0.0.1", 1, p)).view();
        }
        for (int i = 0; i < flows.length; i++) {
            flows[i] = new TestFlow(detector);
        }
    }

    @Benchmark
    public int inspect() {
        int i = next++;
        return detector.inspect(views[i & (RING - 1)], flows[i & 15]).kind().ordinal();
    }
}
