package org.btblocker.detectors.dht;

import static org.btblocker.detectors.bencode.BencodeGen.dict;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.btblocker.detectors.bencode.Bencode;
import org.btblocker.detectors.bencode.BencodeGen;
import org.btblocker.detectors.bencode.Limits;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of classifying KRPC datagrams and of validating bencode. Run with the {@code bench} profile, e.g.
 * {@code java -cp <test classpath> org.openjdk.jmh.Main KrpcBenchmark -prof gc} (expect gc.alloc.rate.norm ≈ 0).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KrpcBenchmark {

    private static final int RING = 4;                       // power of two: index with a mask
    private final ByteBuffer[] ring = new ByteBuffer[RING];
    private int next;

    @Setup
    public void setUp() {
        String id = "abcdefghij0123456789";
        String node = id + "\u0001\u0002\u0003\u0004\u001a\u00e1";
        ring[0] = wrap(BencodeGen.encode(dict("t", "aa", "y", "q", "q", "get_peers", "a",
            dict("id", id, "info_hash", id), "v", "LT01")));
        ring[1] = wrap(BencodeGen.encode(dict("t", "aa", "y", "r", "r",
            dict("id", id, "nodes", node.repeat(8), "token", "aoeusnth"), "ip", "\u0001\u0002\u0003\u0004\u001a\u00e1")));
        ring[2] = wrap(BencodeGen.encode(dict("t", "aa", "y", "q", "q", "find_node", "a",
            dict("id", id, "target", id))));
        ring[3] = wrap(new byte[] {0x41, 0x00, 0x12, 0x34, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0});
    }

    private static ByteBuffer wrap(byte[] b) {
        ByteBuffer d = ByteBuffer.allocateDirect(b.length);
        d.put(b).flip();
        return d;
    }

    @Benchmark
    public int classify() {
        ByteBuffer b = ring[next++ & (RING - 1)];
        return KrpcMessage.classify(b, 0, b.limit());
    }

    @Benchmark
    public int skipValue() {
        ByteBuffer b = ring[next++ & (RING - 1)];
        return Bencode.skipValue(b, 0, b.limit(), Limits.KRPC);
    }
}
