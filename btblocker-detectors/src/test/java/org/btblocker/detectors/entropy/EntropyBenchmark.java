package org.btblocker.detectors.entropy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.typesafe.config.ConfigFactory;
import org.btblocker.api.Verdict;
import org.btblocker.api.packet.PacketView;
import org.btblocker.detectors.lengths.StreamRhythm;
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
 * Cost of the entropy detector: scoring one MSE-sized payload (96..608 bytes) with {@link ByteHistogram#score}, and
 * following a whole MSE session (handshake, the four key-exchange flights, then peer-wire lengths up to the proof),
 * per packet. Run: {@code ./mvnw -Pbench -pl btblocker-detectors test -Dbench=EntropyBenchmark
 * -Dbench.args="-prof gc"}; expect {@code gc.alloc.rate.norm} of about 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EntropyBenchmark {

    private static final int RING = 64;

    private final ByteBuffer[] payloads = new ByteBuffer[RING];
    private final ByteHistogram histogram = new ByteHistogram();
    private int next;

    private PacketView[] session;
    private EntropyDetector detector;
    private TestFlow flow;
    private int position;

    @Setup
    public void setUp() {
        Random r = new Random(1);
        for (int i = 0; i < RING; i++) {
            payloads[i] = ByteBuffer.wrap(EntropySamples.mseKey(r));
        }
        detector = new EntropyDetector(EntropySettings.from(ConfigFactory.load().getConfig("btblocker.entropy")));
        flow = new TestFlow(detector);
        session = mseSession(r);
    }

    /** The packets of one MSE session up to the packet that proves it (checked here). */
    private PacketView[] mseSession(Random r) {
        String a = "10.0.0.1";
        String b = "10.0.0.2";
        long seqA = 1000;
        long seqB = 5000;
        List<PacketView> packets = new ArrayList<>();
        packets.add(Packets.tcp(a, 50000, b, 6881, PacketView.SYN, seqA - 1, 0, new byte[0]).view());
        packets.add(Packets.tcp(b, 6881, a, 50000, PacketView.SYN | PacketView.ACK, seqB - 1, seqA, new byte[0])
                .view());
        packets.add(Packets.tcp(a, 50000, b, 6881, PacketView.ACK, seqA, seqB, new byte[0]).view());
        int[] lengths = {300, 250, 200, 100, 68, 305, 281, 50, StreamRhythm.PIECE_MESSAGE, 17, 13};
        boolean[] fromA = {true, false, true, false, true, false, true, false, false, true, false};
        for (int i = 0; i < lengths.length; i++) {
            byte[] payload = EntropySamples.random(r, lengths[i]);
            if (fromA[i]) {
                packets.add(Packets.tcp(a, 50000, b, 6881, PacketView.ACK, seqA, seqB, payload).view());
                seqA += lengths[i];
            } else {
                packets.add(Packets.tcp(b, 6881, a, 50000, PacketView.ACK, seqB, seqA, payload).view());
                seqB += lengths[i];
            }
        }
        PacketView[] all = packets.toArray(new PacketView[0]);
        Verdict last = null;
        for (PacketView p : all) {
            last = flow.feed(p);
        }
        if (last != EntropyDetector.MSE_TCP) {
            throw new IllegalStateException("the benchmark session is not proven: " + last);
        }
        flow.reset();
        return all;
    }

    @Benchmark
    public double score() {
        ByteBuffer b = payloads[next++ & (RING - 1)];
        return histogram.score(b, 0, b.limit());
    }

    /** One packet of the session per call; the flow starts over after the proving packet. */
    @Benchmark
    public Verdict sessionPacket() {
        Verdict v = flow.feed(session[position]);
        if (++position == session.length) {
            position = 0;
            flow.reset();
        }
        return v;
    }
}
