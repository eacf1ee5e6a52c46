package org.btblocker.detectors.handshake;

import static org.btblocker.testkit.Packets.concat;

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
 * Cost of the handshake detector's parsers on typical segments. Run with the {@code bench} profile, e.g.
 * {@code java -cp <test classpath> org.openjdk.jmh.Main PeerWireBenchmark -prof gc} (expect gc.alloc.rate.norm ≈ 0).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PeerWireBenchmark {

    private static final int RING = 4;                       // power of two: index with a mask
    private final ByteBuffer[] ring = new ByteBuffer[RING];
    private int next;
    private ByteBuffer midBlock;

    @Setup
    public void setUp() {
        Random r = new Random(7);
        ring[0] = wrap(PeerWireGen.handshake());
        ring[1] = wrap(PeerWireGen.extended(0, PeerWireGen.extensionHandshakeDict()));
        ring[2] = wrap(concat(PeerWireGen.have(1), PeerWireGen.have(2), PeerWireGen.request(6, 3, 0, 16384),
                PeerWireGen.piece(4, 0, new byte[1300])));
        ring[3] = wrap(PeerWireGen.randomBytes(r, 1460));
        byte[] header = ByteBuffer.allocate(13).putInt(9 + 16384).put((byte) 7).putInt(4).putInt(16384).array();
        midBlock = wrap(concat(PeerWireGen.randomBytes(r, 16384), header, new byte[200]));
    }

    private static ByteBuffer wrap(byte[] b) {
        ByteBuffer d = ByteBuffer.allocateDirect(b.length);
        d.put(b).flip();
        return d;
    }

    @Benchmark
    public long scan() {
        ByteBuffer b = ring[next++ & (RING - 1)];
        return PeerWireFrames.scan(b, 0, b.limit());
    }

    /** The search a segment that starts inside a block gets: 16 KiB of block bytes, the next header at the end. */
    @Benchmark
    public int findBlockMessage() {
        return PeerWireFrames.findBlockMessage(midBlock, 0, midBlock.limit());
    }

    @Benchmark
    public int prefix() {
        ByteBuffer b = ring[next++ & (RING - 1)];
        return HandshakePrefix.advance(b, 0, b.limit(), 0);
    }
}
