package org.btblocker.detectors.rhythm;

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
 * Cost of the rhythm detector per packet of a download joined mid-stream (piece headers and blocks one way, requests
 * the other), until its match. Run: {@code ./mvnw -Pbench -pl btblocker-detectors test -Dbench=RhythmBenchmark
 * -Dbench.args="-prof gc"}; expect {@code gc.alloc.rate.norm} of about 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RhythmBenchmark {

    private PacketView[] session;
    private TestFlow flow;
    private int position;

    @Setup
    public void setUp() {
        Random r = new Random(1);
        flow = new TestFlow(new RhythmDetector(RhythmSettings.from(
                ConfigFactory.load().getConfig("btblocker.rhythm"))));
        java.util.List<PacketView> packets = new java.util.ArrayList<>();
        long up = 0x7000_0000L;
        long down = 0x1000_0000L;
        int[] upLengths = {9000, 13, StreamRhythm.PIECE_MESSAGE - 13, 13, StreamRhythm.PIECE_MESSAGE - 13, 13,
            StreamRhythm.PIECE_MESSAGE - 13, 13};
        for (int i = 0; i < upLengths.length; i++) {
            byte[] p = new byte[upLengths[i]];
            r.nextBytes(p);
            packets.add(Packets.tcp("10.0.0.2", 6881, "10.0.0.1", 51413, PacketView.ACK, up, down, p).view());
            up += p.length;
            if (i % 2 == 0) {
                byte[] q = new byte[34];
                r.nextBytes(q);
                packets.add(Packets.tcp("10.0.0.1", 51413, "10.0.0.2", 6881, PacketView.ACK, down, up, q).view());
                down += q.length;
            }
        }
        session = packets.toArray(new PacketView[0]);
        Verdict last = null;
        for (PacketView p : session) {
            last = flow.feed(p);
            if (last.isMatch()) {
                break;
            }
        }
        if (last != RhythmDetector.PIECES_AND_REQUESTS) {
            throw new IllegalStateException("the benchmark session does not match: " + last);
        }
        flow.reset();
    }

    @Benchmark
    public Verdict packet() {
        Verdict v = flow.feed(session[position]);
        if (v.isMatch() || ++position == session.length) {
            position = 0;
            flow.reset();
        }
        return v;
    }
}
