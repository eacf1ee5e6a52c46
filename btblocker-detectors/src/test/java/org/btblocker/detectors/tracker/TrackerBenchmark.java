package org.btblocker.detectors.tracker;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of the tracker detector's parsers. Run with the {@code bench} profile, e.g.
 * {@code java -cp <test classpath> org.openjdk.jmh.Main TrackerBenchmark -prof gc} (expect gc.alloc.rate.norm ≈ 0).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TrackerBenchmark {

    private static final int RING = 4;                       // power of two: index with a mask
    private final ByteBuffer[] ring = new ByteBuffer[RING];
    private final byte[][] agents = TrackerDetectorTest.DEFAULTS.userAgentBytes();
    private int next;

    @Setup
    public void setUp() {
        ring[0] = wrap(TrackerGen.httpGet("/announce?" + TrackerGen.announceQuery(TrackerGen.filled(20, 0xaa),
                TrackerGen.filled(20, 0x41), 6881), "User-Agent: Transmission/2.94", "Accept: */*"));
        ring[1] = wrap(TrackerGen.httpGet("/static/app.js?v=123", "User-Agent: Mozilla/5.0 (X11; Linux x86_64)",
                "Accept: */*", "Accept-Language: en"));
        ring[2] = wrap(TrackerGen.httpResponse(TrackerGen.peersBody(new byte[60])));
        ring[3] = wrap(TrackerGen.announceRequest(42L, 7));
    }

    private static ByteBuffer wrap(byte[] b) {
        ByteBuffer d = ByteBuffer.allocateDirect(b.length);
        d.put(b).flip();
        return d;
    }

    @Benchmark
    public int httpRequest() {
        ByteBuffer b = ring[next++ & (RING - 1)];
        return HttpTrackerRequest.classify(b, 0, b.limit(), agents);
    }

    @Benchmark
    public int httpResponse() {
        ByteBuffer b = ring[next++ & (RING - 1)];
        return HttpTrackerResponse.classify(b, 0, b.limit());
    }

    @Benchmark
    public int udpRequest() {
        ByteBuffer b = ring[next++ & (RING - 1)];
        return UdpTrackerMessage.requestAction(b, 0, b.limit());
    }
}
