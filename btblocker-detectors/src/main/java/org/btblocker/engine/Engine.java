package org.btblocker.engine;

import java.util.List;
import java.util.Objects;

import org.btblocker.api.Detector;
import org.btblocker.api.DetectorProvider;
import org.btblocker.api.Direction;
import org.btblocker.api.EndpointKnowledge;
import org.btblocker.api.FlowContext;
import org.btblocker.api.Interest;
import org.btblocker.api.Verdict;
import org.btblocker.api.packet.CidrSet;
import org.btblocker.api.packet.PacketView;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;

/**
 * The flow-aware detection engine: the public entry point of the detection library.
 *
 * <pre>
 *  PacketView ──► inspect(packet, now)
 *                   │ not TCP/UDP ────────────────────────────────────────────────► IGNORE
 *                   ▼
 *                 FlowTable: find or add the flow (both directions = one entry)
 *                   │ decided earlier ────────────────────────────────────────────► BLOCK / ALLOW
 *                   │ new flow: whitelistPorts / allowlist ──► ALLOW
 *                   ▼
 *                 detectors still live for this flow (bitmask), in configured order
 *                   │ one says MATCH ──► flow BLOCKED, endpoints remembered, DecisionListener ──► BLOCK
 *                   │ NOT_MINE clears its bit
 *                   ▼
 *                 no detector left, or maxPacketsPerFlow reached ──► flow ALLOWED ──────────► ALLOW
 *                 otherwise ────────────────────────────────────────────────────────────────► ACCEPT
 * </pre>
 *
 * <p>One engine per thread, no locks: an engine and its detectors are owned by the thread that calls
 * {@link #inspect}. Only the endpoint memory may be shared between engines ({@link Builder#shareEndpointsWith}).
 * Once the flow table has grown to its working size, {@code inspect} allocates nothing; decisions allocate one
 * {@link Decision} per decided flow, and only when a listener wants them.
 *
 * <p>It depends on {@code btblocker-api} and typesafe-config only, so a library user can run detection on any
 * packet source (a capture file, a tap, a test) without native code; the daemon feeds it from NFQUEUE.
 */
public final class Engine {

    /** What to do with a packet. */
    public enum Action {
        /** The flow is still being inspected: let this packet through and show me the next one. */
        ACCEPT,
        /** The flow was decided clean: let it through; it need not be inspected again. */
        ALLOW,
        /** The flow is BitTorrent: drop the packet. */
        BLOCK,
        /** Not a parseable TCP/UDP packet: not ours to judge (let it through). */
        IGNORE
    }

    private static final int SWEEP_PER_PACKET = 2;
    private static final String ALLOW_WHITELIST = "whitelistPorts";
    private static final String ALLOW_ALLOWLIST = "allowlist";
    private static final String ALLOW_NO_DETECTOR = "no detector left";
    private static final String ALLOW_MAX_PACKETS = "maxPacketsPerFlow";
    private static final String UNDECIDED_EVICTED = "evicted undecided";
    private static final String UNDECIDED_IDLE = "idle undecided";
    private static final String UNDECIDED_END = "undecided at end of input";

    private final Detector[] detectors;
    private final String[] detectorNames;
    private final int[] slotBase;
    private final int[] slotCount;
    private final int tcpDetectors;
    private final int udpDetectors;
    private final int emptyPacketDetectors;
    private final FlowTable table;
    private final EndpointMemory endpoints;
    private final boolean[] whitelistedPort = new boolean[65536];
    private final CidrSet allowlist;
    private final int maxPacketsPerFlow;
    private final long tcpIdleNanos;
    private final long udpIdleNanos;
    private final DecisionListener listener;
    private final boolean reportAllowed;
    private final Cursor cursor = new Cursor();
    private int sweepPosition;

    private long packets;
    private long flowsCreated;
    private long flowsBlocked;
    private long flowsAllowed;
    private long flowsEvicted;
    private long detectorErrors;

    private Engine(Builder b, EngineSettings settings, List<DetectorProvider> providers) {
        if (providers.size() > 31) {
            throw new ConfigException.BadValue("btblocker.detectors", "at most 31 detectors, got " + providers.size());
        }
        int n = providers.size();
        detectors = new Detector[n];
        detectorNames = new String[n];
        slotBase = new int[n];
        slotCount = new int[n];
        int slots = 0;
        int tcp = 0, udp = 0, empty = 0;
        for (int k = 0; k < n; k++) {
            DetectorProvider provider = providers.get(k);
            String name = provider.name();
            Config own = b.root.hasPath("btblocker." + name) ? b.root.getConfig("btblocker." + name)
                    : ConfigFactory.empty("no btblocker." + name + " block");
            detectors[k] = Objects.requireNonNull(provider.create(own), name + " created no detector");
            detectorNames[k] = name;
            int wanted = provider.stateSlots();
            if (wanted < 0 || wanted > 8) {
                throw new IllegalStateException("detector " + name + " asks for " + wanted + " state slots (0-8)");
            }
            slotBase[k] = slots;
            slotCount[k] = wanted;
            slots += wanted;
            Interest interest = provider.interest();
            tcp |= interest.tcp() ? 1 << k : 0;
            udp |= interest.udp() ? 1 << k : 0;
            empty |= interest.emptyPackets() ? 1 << k : 0;
        }
        tcpDetectors = tcp;
        udpDetectors = udp;
        emptyPacketDetectors = empty;
        table = new FlowTable(b.initialFlows, settings.maxFlows(), slots);
        endpoints = b.sharedEndpoints != null ? b.sharedEndpoints
                : new EndpointMemory(settings.endpointMemoryMaxEntries(), settings.endpointMemoryTtl().toNanos());
        for (int port : settings.whitelistPorts()) {
            whitelistedPort[port] = true;
        }
        allowlist = CidrSet.parse(settings.allowlist());
        maxPacketsPerFlow = settings.maxPacketsPerFlow();
        tcpIdleNanos = settings.tcpIdleTimeout().toNanos();
        udpIdleNanos = settings.udpIdleTimeout().toNanos();
        listener = b.listener;
        reportAllowed = b.reportAllowed;
    }

    /**
     * A builder over a resolved root configuration that holds the {@code btblocker} block (with the defaults of
     * {@code reference.conf}), for example {@code ConfigFactory.load()}.
     */
    public static Builder builder(Config root) {
        return new Builder(root);
    }

    /** An engine with the defaults of {@code reference.conf} and no listener. */
    public static Engine withDefaults() {
        return builder(ConfigFactory.load()).build();
    }

    /**
     * Inspects one packet and says what to do with it.
     *
     * @param packet   a parsed packet ({@link PacketView#reset}); unparseable packets give {@link Action#IGNORE}
     * @param nowNanos the current time in nanoseconds (a capture timestamp or {@link System#nanoTime()}); used
     *                 for idle timeouts and endpoint expiry, never read from a clock here
     */
    public Action inspect(PacketView packet, long nowNanos) {
        if (!packet.isParseable()) {
            return Action.IGNORE;
        }
        packets++;
        sweep(nowNanos);
        int proto = packet.ipProtocol();
        long sHi = packet.srcHi(), sLo = packet.srcLo(), dHi = packet.dstHi(), dLo = packet.dstLo();
        int sPort = packet.srcPort(), dPort = packet.dstPort();
        boolean srcIsA = FlowTable.isCanonicalFirst(sHi, sLo, sPort, dHi, dLo, dPort);
        long aH = srcIsA ? sHi : dHi, aL = srcIsA ? sLo : dLo, bH = srcIsA ? dHi : sHi, bL = srcIsA ? dLo : sLo;
        int portPair = srcIsA ? (sPort << 16) | dPort : (dPort << 16) | sPort;
        int hash = table.hash(proto, aH, aL, bH, bL, portPair);
        int i = table.find(proto, aH, aL, bH, bL, portPair, hash);
        if (i >= 0 && nowNanos - table.lastSeen[i] > idleNanos(i)) {
            retire(i, UNDECIDED_IDLE, nowNanos); // a stale entry: this packet starts a new flow
            i = -1;
        }
        if (i < 0) {
            i = newFlow(packet, proto, aH, aL, bH, bL, portPair, hash, srcIsA, nowNanos);
        }
        table.lastSeen[i] = nowNanos;
        boolean fromInitiator = srcIsA == ((table.flags[i] & FlowTable.INITIATOR_IS_A) != 0);
        trackDirections(i, packet, fromInitiator);
        byte state = table.state[i];
        if (state == FlowTable.BLOCKED) {
            letMatcherLearn(i, packet, fromInitiator, nowNanos);
            count(i, fromInitiator, packet.payloadLength());
            return Action.BLOCK;
        }
        if (state == FlowTable.ALLOWED) {
            count(i, fromInitiator, packet.payloadLength());
            return Action.ALLOW;
        }
        return runDetectors(i, packet, fromInitiator, nowNanos);
    }

    private Action runDetectors(int i, PacketView packet, boolean fromInitiator, long nowNanos) {
        int payload = packet.payloadLength();
        int live = table.liveDetectors[i] & (payload > 0 ? -1 : emptyPacketDetectors);
        Cursor flow = cursor.point(i, fromInitiator, nowNanos);
        while (live != 0) {
            int k = Integer.numberOfTrailingZeros(live);
            live &= live - 1;
            flow.detector = k;
            Verdict verdict;
            try {
                verdict = detectors[k].inspect(packet, flow);
            } catch (RuntimeException e) {
                detectorErrors++; // fail open: this detector is done with this flow
                verdict = Verdict.NOT_MINE;
            }
            if (verdict == null || verdict.kind() == Verdict.Kind.NOT_MINE) {
                table.liveDetectors[i] &= ~(1 << k);
            } else if (verdict.kind() == Verdict.Kind.MATCH) {
                count(i, fromInitiator, payload);
                block(i, k, verdict, flow.direction, nowNanos);
                return Action.BLOCK;
            }
        }
        count(i, fromInitiator, payload);
        if (table.liveDetectors[i] == 0) {
            allow(i, ALLOW_NO_DETECTOR, nowNanos);
            return Action.ALLOW;
        }
        if (table.packets[2 * i] + table.packets[2 * i + 1] >= maxPacketsPerFlow) {
            allow(i, ALLOW_MAX_PACKETS, nowNanos);
            return Action.ALLOW;
        }
        return Action.ACCEPT;
    }

    /**
     * The detector that matched keeps seeing the flow's packets (up to {@code maxPacketsPerFlow}), its verdicts
     * ignored, so that it can learn endpoints from the replies: a DHT query matches at once, but the peers are in
     * the response that follows.
     */
    private void letMatcherLearn(int i, PacketView packet, boolean fromInitiator, long nowNanos) {
        int k = table.decidedBy[i] - 1;
        if (k < 0 || packet.payloadLength() == 0
                || table.packets[2 * i] + table.packets[2 * i + 1] >= maxPacketsPerFlow) {
            return;
        }
        Cursor flow = cursor.point(i, fromInitiator, nowNanos);
        flow.detector = k;
        try {
            detectors[k].inspect(packet, flow);
        } catch (RuntimeException e) {
            detectorErrors++;
            table.decidedBy[i] = 0;
        }
    }

    private int newFlow(PacketView packet, int proto, long aH, long aL, long bH, long bL, int portPair, int hash,
                        boolean srcIsA, long nowNanos) {
        if (table.isFull()) {
            int victim = table.evictionCandidate(hash);
            flowsEvicted++;
            retire(victim, UNDECIDED_EVICTED, nowNanos);
        }
        int i = table.insert(proto, aH, aL, bH, bL, portPair, hash);
        flowsCreated++;
        // A SYN-ACK as the first packet seen means we missed the SYN: its receiver opened the connection.
        boolean senderInitiates = !(proto == PacketView.TCP && packet.hasTcpFlags(PacketView.SYN | PacketView.ACK));
        table.flags[i] = srcIsA == senderInitiates ? FlowTable.INITIATOR_IS_A : 0;
        table.liveDetectors[i] = proto == PacketView.TCP ? tcpDetectors : udpDetectors;
        table.lastSeen[i] = nowNanos;
        if (whitelistedPort[packet.srcPort()] || whitelistedPort[packet.dstPort()]) {
            allow(i, ALLOW_WHITELIST, nowNanos);
        } else if (!allowlist.isEmpty() && (allowlist.contains(aH, aL) || allowlist.contains(bH, bL))) {
            allow(i, ALLOW_ALLOWLIST, nowNanos);
        }
        return i;
    }

    /** Records which sides were seen and how far the TCP three-way handshake got (with matching numbers). */
    private void trackDirections(int i, PacketView p, boolean fromInitiator) {
        int f = table.flags[i];
        f |= fromInitiator ? FlowTable.INITIATOR_SEEN : FlowTable.RESPONDER_SEEN;
        if (p.payloadLength() > 0) {
            f |= fromInitiator ? FlowTable.INITIATOR_PAYLOAD : FlowTable.RESPONDER_PAYLOAD;
        }
        if (p.ipProtocol() == PacketView.TCP) {
            int tcpFlags = p.tcpFlags() & (PacketView.SYN | PacketView.ACK | PacketView.RST);
            if (fromInitiator && tcpFlags == PacketView.SYN) {
                f |= FlowTable.SYN_SEEN;
                table.handshakeSeq[i] = (int) (p.tcpSeq() + 1);
            } else if (!fromInitiator && tcpFlags == (PacketView.SYN | PacketView.ACK)
                    && (f & FlowTable.SYN_SEEN) != 0 && (int) p.tcpAck() == table.handshakeSeq[i]) {
                f |= FlowTable.SYN_ACK_SEEN;
                table.handshakeSeq[i] = (int) (p.tcpSeq() + 1);
            } else if (fromInitiator && tcpFlags == PacketView.ACK && (f & FlowTable.SYN_ACK_SEEN) != 0
                    && (int) p.tcpAck() == table.handshakeSeq[i]) {
                f |= FlowTable.HANDSHAKE_ACK_SEEN;
            }
        }
        table.flags[i] = f;
    }

    private boolean isBidirectional(int i) {
        int f = table.flags[i];
        if (table.protocol[i] == PacketView.TCP) {
            return (f & FlowTable.HANDSHAKE_ACK_SEEN) != 0
                    || (f & (FlowTable.INITIATOR_PAYLOAD | FlowTable.RESPONDER_PAYLOAD))
                    == (FlowTable.INITIATOR_PAYLOAD | FlowTable.RESPONDER_PAYLOAD);
        }
        return (f & (FlowTable.INITIATOR_SEEN | FlowTable.RESPONDER_SEEN))
                == (FlowTable.INITIATOR_SEEN | FlowTable.RESPONDER_SEEN);
    }

    private void count(int i, boolean fromInitiator, int payload) {
        int d = fromInitiator ? 0 : 1;
        table.packets[2 * i + d]++;
        if (payload > 0) {
            table.payloadPackets[2 * i + d]++;
            table.bytes[2 * i + d] += payload;
        }
    }

    private void block(int i, int k, Verdict verdict, Direction offender, long nowNanos) {
        table.state[i] = FlowTable.BLOCKED;
        table.decidedBy[i] = (byte) (k + 1);
        flowsBlocked++;
        boolean bidirectional = isBidirectional(i);
        if (verdict.provesEndpoints() && bidirectional) {
            // The responder's port is the one it listens on; a UDP initiator also sends from its listening port.
            boolean initiatorIsA = (table.flags[i] & FlowTable.INITIATOR_IS_A) != 0;
            int portA = table.ports[i] >>> 16, portB = table.ports[i] & 0xffff;
            endpoints.setNow(nowNanos);
            if (initiatorIsA) {
                endpoints.rememberPeer(table.bHi[i], table.bLo[i], portB);
            } else {
                endpoints.rememberPeer(table.aHi[i], table.aLo[i], portA);
            }
            if (table.protocol[i] == PacketView.UDP) {
                if (initiatorIsA) {
                    endpoints.rememberPeer(table.aHi[i], table.aLo[i], portA);
                } else {
                    endpoints.rememberPeer(table.bHi[i], table.bLo[i], portB);
                }
            }
        }
        if (listener != null) {
            listener.onDecision(decision(i, true, detectorNames[k], verdict.reason(), offender, bidirectional,
                    verdict.provesEndpoints(), nowNanos));
        }
    }

    private void allow(int i, String reason, long nowNanos) {
        table.state[i] = FlowTable.ALLOWED;
        flowsAllowed++;
        if (listener != null && reportAllowed) {
            listener.onDecision(decision(i, false, null, reason, Direction.INITIATOR, isBidirectional(i), false,
                    nowNanos));
        }
    }

    /** Removes entry {@code i}; an undecided flow is reported as allowed with {@code reason}. */
    private void retire(int i, String reason, long nowNanos) {
        if (table.state[i] == FlowTable.INSPECTING && listener != null && reportAllowed) {
            listener.onDecision(decision(i, false, null, reason, Direction.INITIATOR, isBidirectional(i), false,
                    nowNanos));
        }
        table.remove(i);
    }

    private Decision decision(int i, boolean blocked, String detector, String reason, Direction offender,
                              boolean bidirectional, boolean provesEndpoints, long nowNanos) {
        boolean initiatorIsA = (table.flags[i] & FlowTable.INITIATOR_IS_A) != 0;
        int portA = table.ports[i] >>> 16, portB = table.ports[i] & 0xffff;
        int packetCount = table.packets[2 * i] + table.packets[2 * i + 1];
        if (initiatorIsA) {
            return new Decision(table.protocol[i], table.aHi[i], table.aLo[i], portA, table.bHi[i], table.bLo[i],
                    portB, blocked, detector, reason, offender, bidirectional, provesEndpoints, packetCount, nowNanos);
        }
        return new Decision(table.protocol[i], table.bHi[i], table.bLo[i], portB, table.aHi[i], table.aLo[i], portA,
                blocked, detector, reason, offender, bidirectional, provesEndpoints, packetCount, nowNanos);
    }

    private long idleNanos(int i) {
        return table.protocol[i] == PacketView.TCP ? tcpIdleNanos : udpIdleNanos;
    }

    /** Incremental idle expiry: a couple of slots per packet, so no pause ever scans the whole table. */
    private void sweep(long nowNanos) {
        for (int n = 0; n < SWEEP_PER_PACKET; n++) {
            int i = sweepPosition & table.mask;
            if (table.state[i] != FlowTable.EMPTY && nowNanos - table.lastSeen[i] > idleNanos(i)) {
                retire(i, UNDECIDED_IDLE, nowNanos); // an entry may shift into i: look at i again next time
            } else {
                sweepPosition = i + 1;
            }
        }
    }

    /** End of input: reports every undecided flow (as allowed) and empties the flow table. */
    public void flush(long nowNanos) {
        if (listener != null && reportAllowed) {
            for (int i = 0; i < table.capacity; i++) {
                if (table.state[i] == FlowTable.INSPECTING) {
                    listener.onDecision(decision(i, false, null, UNDECIDED_END, Direction.INITIATOR,
                            isBidirectional(i), false, nowNanos));
                }
            }
        }
        table.clearAll();
    }

    /** Forgets every flow without reporting anything; keeps the table's memory (benchmarks, tests). */
    public void clearFlows() {
        table.clearAll();
    }

    /** The names of the active detectors, in the order they run. */
    public List<String> detectorNames() {
        return List.of(detectorNames);
    }

    /** The endpoint memory, shared by the detectors of this engine. */
    public EndpointKnowledge endpoints() {
        return endpoints;
    }

    /** Packets inspected (parseable TCP/UDP). */
    public long packets() {
        return packets;
    }

    /** Flows added to the table. */
    public long flowsCreated() {
        return flowsCreated;
    }

    /** Flows decided BitTorrent. */
    public long flowsBlocked() {
        return flowsBlocked;
    }

    /** Flows decided clean. */
    public long flowsAllowed() {
        return flowsAllowed;
    }

    /** Flows pushed out of a full table. */
    public long flowsEvicted() {
        return flowsEvicted;
    }

    /** Flows in the table now. */
    public int activeFlows() {
        return table.size;
    }

    /** Detector calls that threw (each removed that detector from its flow). */
    public long detectorErrors() {
        return detectorErrors;
    }

    /** The engine's view of the current flow, handed to detectors; re-pointed for every call. */
    private final class Cursor implements FlowContext {
        int entry;
        int detector;
        Direction direction;
        long now;

        /** Re-points the cursor at flow entry {@code i} for a packet from one side, at time {@code nowNanos}. */
        Cursor point(int i, boolean fromInitiator, long nowNanos) {
            entry = i;
            direction = fromInitiator ? Direction.INITIATOR : Direction.RESPONDER;
            now = nowNanos;
            return this;
        }

        @Override
        public Direction direction() {
            return direction;
        }

        @Override
        public int packetIndex() {
            return table.packets[2 * entry] + table.packets[2 * entry + 1];
        }

        @Override
        public int packetIndexInDirection() {
            return table.packets[2 * entry + direction.ordinal()];
        }

        @Override
        public int payloadIndex() {
            return table.payloadPackets[2 * entry] + table.payloadPackets[2 * entry + 1];
        }

        @Override
        public int payloadIndexInDirection() {
            return table.payloadPackets[2 * entry + direction.ordinal()];
        }

        @Override
        public long bytesSoFar() {
            return table.bytes[2 * entry] + table.bytes[2 * entry + 1];
        }

        @Override
        public long bytesInDirection() {
            return table.bytes[2 * entry + direction.ordinal()];
        }

        @Override
        public boolean hasBothDirections() {
            int both = FlowTable.INITIATOR_SEEN | FlowTable.RESPONDER_SEEN;
            return (table.flags[entry] & both) == both;
        }

        @Override
        public long slot(int index) {
            return table.slots[slotIndex(index)];
        }

        @Override
        public void setSlot(int index, long value) {
            table.slots[slotIndex(index)] = value;
        }

        private int slotIndex(int index) {
            if (index < 0 || index >= slotCount[detector]) {
                throw new IndexOutOfBoundsException("state slot " + index + " of " + detectorNames[detector]);
            }
            return entry * table.slotsPerFlow + slotBase[detector] + index;
        }

        @Override
        public EndpointKnowledge endpoints() {
            endpoints.setNow(now);
            return endpoints;
        }

        @Override
        public long nowNanos() {
            return now;
        }
    }

    /** Builds an {@link Engine}: settings are read and every detector is created here, eagerly. */
    public static final class Builder {
        private final Config root;
        private DecisionListener listener;
        private boolean reportAllowed;
        private ClassLoader classLoader = Engine.class.getClassLoader();
        private EndpointMemory sharedEndpoints;
        private int initialFlows = 1024;
        private List<DetectorProvider> providers;

        private Builder(Config root) {
            this.root = Objects.requireNonNull(root, "root");
        }

        /** Receives decisions; by default only BLOCK decisions (see {@link #reportAllowed(boolean)}). */
        public Builder listener(DecisionListener listener) {
            this.listener = listener;
            return this;
        }

        /** Also report allowed and undecided flows (one {@link Decision} each; the offline scan wants them). */
        public Builder reportAllowed(boolean reportAllowed) {
            this.reportAllowed = reportAllowed;
            return this;
        }

        /** Where detector providers (plugins) are looked up; the engine's own class loader by default. */
        public Builder classLoader(ClassLoader classLoader) {
            this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
            return this;
        }

        /** Use the given providers instead of discovering them (tests, embedding). */
        public Builder providers(List<DetectorProvider> providers) {
            this.providers = List.copyOf(providers);
            return this;
        }

        /** Share the endpoint memory of another engine (one engine per queue thread, one memory per daemon). */
        public Builder shareEndpointsWith(Engine other) {
            this.sharedEndpoints = other.endpoints;
            return this;
        }

        /** Flow table entries to allocate up front (it grows up to {@code btblocker.flowTable.maxFlows}). */
        public Builder initialFlows(int initialFlows) {
            this.initialFlows = initialFlows;
            return this;
        }

        /**
         * Reads the settings, selects and creates the detectors.
         *
         * @throws ConfigException naming the key path of a missing or invalid setting or an unknown detector
         */
        public Engine build() {
            EngineSettings settings = EngineSettings.from(root);
            List<DetectorProvider> selected;
            if (providers != null) {
                selected = providers;
            } else {
                selected = ProviderRegistry.detectors(classLoader).select(root, "btblocker.detectors");
            }
            return new Engine(this, settings, selected);
        }
    }
}
