package org.btblocker.testkit;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.btblocker.api.Detector;
import org.btblocker.api.Direction;
import org.btblocker.api.EndpointKnowledge;
import org.btblocker.api.FlowContext;
import org.btblocker.api.Verdict;
import org.btblocker.api.packet.Addresses;
import org.btblocker.api.packet.PacketView;

/**
 * A one-flow, one-detector stand-in for the engine, for detector unit tests: the first packet's sender is the
 * initiator, counters and slots behave as the engine's do, and verdicts after a MATCH or NOT_MINE are still
 * returned (tests decide what to assert). Endpoint knowledge is a plain set that tests can inspect.
 *
 * <pre>{@code
 * TestFlow flow = new TestFlow(new UtpDetector(...));
 * assertThat(flow.feed(Packets.udp(...)).kind()).isEqualTo(Verdict.Kind.UNDECIDED);
 * }</pre>
 */
public final class TestFlow implements FlowContext {

    /**
     * Endpoint memory of a test: {@link #peers} holds the "ip:port" strings the detector claimed, {@link #standings}
     * what a test says is known.
     */
    public static final class Endpoints implements EndpointKnowledge {
        public final Set<String> peers = new HashSet<>();
        public final Map<String, Standing> standings = new HashMap<>();

        @Override
        public Standing standing(long hi, long lo, int port, long nowNanos) {
            return standings.getOrDefault(Addresses.format(hi, lo, port), Standing.UNKNOWN);
        }
    }

    private final Detector detector;
    private final long[] slots = new long[8];
    private final Endpoints endpoints;
    private boolean started;
    private long initiatorHi, initiatorLo;
    private int initiatorPort;
    private Direction direction = Direction.INITIATOR;
    private final int[] packets = new int[2];
    private final int[] payloadPackets = new int[2];
    private final long[] bytes = new long[2];
    private boolean both;
    private long now;

    public TestFlow(Detector detector) {
        this(detector, new Endpoints());
    }

    public TestFlow(Detector detector, Endpoints endpoints) {
        this.detector = detector;
        this.endpoints = endpoints;
    }

    /** A flow context without a detector that has seen both directions, for calling parsers that claim peers. */
    public static TestFlow twoWay() {
        TestFlow f = new TestFlow(null);
        f.both = true;
        return f;
    }

    /** Feeds one packet through the detector (empty packets too) and returns its verdict. */
    public Verdict feed(Packets packet) {
        return feed(packet.view());
    }

    /** Feeds one parsed packet through the detector. */
    public Verdict feed(PacketView p) {
        if (!p.isParseable()) {
            throw new IllegalArgumentException("test packet does not parse: " + p.status());
        }
        if (!started) {
            started = true;
            initiatorHi = p.srcHi();
            initiatorLo = p.srcLo();
            initiatorPort = p.srcPort();
        }
        boolean fromInitiator = p.srcHi() == initiatorHi && p.srcLo() == initiatorLo && p.srcPort() == initiatorPort;
        direction = fromInitiator ? Direction.INITIATOR : Direction.RESPONDER;
        if (!fromInitiator) {
            both = true;
        }
        Verdict v = detector.inspect(p, this);
        int d = direction.ordinal();
        packets[d]++;
        if (p.payloadLength() > 0) {
            payloadPackets[d]++;
            bytes[d] += p.payloadLength();
        }
        now += 1_000_000;
        return v;
    }

    /** Forgets the flow (slots, counters, who initiated) so that the next packet starts a new one; no allocation. */
    public void reset() {
        java.util.Arrays.fill(slots, 0);
        java.util.Arrays.fill(packets, 0);
        java.util.Arrays.fill(payloadPackets, 0);
        java.util.Arrays.fill(bytes, 0);
        started = false;
        both = false;
        direction = Direction.INITIATOR;
    }

    public Endpoints endpointSet() {
        return endpoints;
    }

    @Override public Direction direction() { return direction; }
    @Override public int packetIndex() { return packets[0] + packets[1]; }
    @Override public int packetIndexInDirection() { return packets[direction.ordinal()]; }
    @Override public int payloadIndex() { return payloadPackets[0] + payloadPackets[1]; }
    @Override public int payloadIndexInDirection() { return payloadPackets[direction.ordinal()]; }
    @Override public long bytesSoFar() { return bytes[0] + bytes[1]; }
    @Override public long bytesInDirection() { return bytes[direction.ordinal()]; }
    @Override public boolean hasBothDirections() { return both; }
    @Override public long slot(int index) { return slots[index]; }
    @Override public void setSlot(int index, long value) { slots[index] = value; }
    @Override public EndpointKnowledge endpoints() { return endpoints; }

    /** As the engine: claims only from a flow seen both ways, port 0 refused. */
    @Override
    public boolean claimPeer(long hi, long lo, int port) {
        if (!both || port <= 0) {
            return false;
        }
        endpoints.peers.add(Addresses.format(hi, lo, port));
        return true;
    }
    @Override public long nowNanos() { return now; }
}
