package org.btblocker.app.bench;

import java.util.concurrent.TimeUnit;

import org.btblocker.api.packet.PacketView;
import org.btblocker.engine.Engine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import com.typesafe.config.ConfigFactory;

/**
 * {@code Engine.inspect} over every TCP/UDP packet of the corpus (105k packets, 548 captures), one packet per
 * operation, on one thread, with all detectors and no whitelisted ports (so every flow is inspected).
 *
 * <ul>
 *   <li>{@code steady}: the packets replayed in a ring; flows stay in the table, as on a gateway where most
 *       packets belong to flows already seen.</li>
 *   <li>{@code fresh}: the flow table is emptied after each pass, so every flow is new and inspected from its
 *       first packet again (the detectors' share of the cost).</li>
 * </ul>
 * Run: {@code ./mvnw -q install -DskipTests && ./mvnw -Pbench -pl btblocker-app test -Dbench=EngineBenchmark} (add {@code -prof gc} in
 * {@code -Dbench.args} for bytes allocated per packet: {@code gc.alloc.rate.norm}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class EngineBenchmark {

    @Param({"steady", "fresh"})
    String flows;

    private CorpusPackets packets;
    private Engine engine;
    private final PacketView view = new PacketView();
    private int next;
    private long now;
    private boolean fresh;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        packets = CorpusPackets.load(CorpusPackets.corpusDir().resolve("pcap"));
        engine = Engine.builder(ConfigFactory.parseString("btblocker.whitelistPorts = []")
            .withFallback(ConfigFactory.defaultReference()).resolve()).initialFlows(1 << 16).build();
        fresh = flows.equals("fresh");
    }

    @Benchmark
    public Engine.Action inspect() {
        int i = next;
        next = (i + 1) & packets.mask;
        if (next == 0 && fresh) {
            engine.clearFlows();
        }
        now += 1_000; // 1 µs per packet: idle timeouts never fire within a run
        return engine.inspect(view.reset(packets.buffer, packets.offsets[i], packets.lengths[i]), now);
    }
}
