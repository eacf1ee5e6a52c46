package org.btblocker.engine;

import java.util.List;
import java.util.Objects;

import org.btblocker.api.DetectorProvider;
import org.btblocker.api.Direction;
import org.btblocker.api.EndpointKnowledge;
import org.btblocker.api.Verdict;
import org.btblocker.api.packet.PacketView;

import com.typesafe.config.Config;
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
 *                 HandshakeTracker: directions seen, TCP handshake with matching numbers, stream holes
 *                   │ (only packets whose source passed the reverse-path check count as a side seen)
 *                   ▼
 *                 DetectorSet: detectors still live for this flow (bitmask), in configured order, each given the
 *                 FlowCursor (counters, its state slots, endpoint knowledge)
 *                   │ one says MATCH ──► flow BLOCKED, endpoints proven (two-way flows), DecisionListener ──► BLOCK
 *                   │ NOT_MINE clears its bit
 *                   ▼
 *                 no detector left, or maxPacketsPerFlow reached ──► flow ALLOWED ──────────► ALLOW
 *                   (not while a TCP opening is incomplete, up to maxPacketsPerOpening, nor while a flow
 *                   joined mid-stream, or one a detector asked to keep (keepInspecting), can still be judged,
 *                   up to maxPacketsMidStream)
 *                 otherwise ────────────────────────────────────────────────────────────────► ACCEPT
 * </pre>
 *
 * <p>One engine per thread, no locks: an engine and its detectors are owned by the thread that calls
 * {@link #inspect}. The {@link EndpointMemory} is the one structure shared between engines (the daemon owns it and
 * hands it to each queue's engine). Once the flow table has grown to its working size, {@code inspect} allocates
 * nothing; decisions allocate one {@link Decision} per decided flow, and only when a listener wants them. Counters
 * are published through {@link #stats()} for other threads.
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
    private static final String ALLOW_MAX_OPENING = "maxPacketsPerOpening";
    private static final String ALLOW_MAX_MID_STREAM = "maxPacketsMidStream";
    /**
     * Bytes of each TCP direction the engine waits for before the packet cap may let a flow go: a BEP 3 handshake is
     * 68 bytes, and an opening sent in tiny segments must not outlast the cap.
     */
    static final int OPENING_BYTES = 68;
    private static final String UNDECIDED_EVICTED = "evicted undecided";
    private static final String UNDECIDED_IDLE = "idle undecided";
    private static final String UNDECIDED_END = "undecided at end of input";

    private final FlowTable table;
    private final EndpointMemory endpoints;
    private final EngineStats stats = new EngineStats();
    private final FlowCursor cursor;
    private final DecisionListener listener;
    private final boolean reportAllowed;
    private final boolean[] whitelistedPort = new boolean[65536];

    // replaced by reconfigure, on the engine's thread
    private EngineSetup setup;
    private DetectorSet detectors;
    private int[] detectionSlot;
    private EngineSettings settings;
    private long tcpIdleNanos;
    private long udpIdleNanos;
    private int sweepPosition;

    private Engine(Builder b, EngineSetup setup, EndpointMemory endpoints) {
        this.endpoints = endpoints;
        this.listener = b.listener;
        this.reportAllowed = b.reportAllowed;
        DetectorSet set = setup.newDetectorSet();
        this.table = new FlowTable(b.initialFlows, setup.settings.maxFlows(), set.slotsTcp, set.slotsUdp,
                b.captureOpenings ? Builder.OPENING_BYTES : 0);
        this.cursor = new FlowCursor(table, endpoints, stats);
        apply(setup, set);
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
     * Takes a new setup (a reload), on the engine's own thread, keeping its flows and the shared endpoint memory.
     * Flows decided earlier stay decided; new flows follow the new whitelist, allowlist and detectors. When the
     * detectors changed (another set, order or slot count), flows still being inspected start over with the new
     * detectors and fresh state; when only their settings changed, their state carries on. The flow table's size
     * stays ({@link EngineSetup#restartOnlyChanges}).
     */
    public void reconfigure(EngineSetup newSetup) {
        Objects.requireNonNull(newSetup, "newSetup");
        DetectorSet next = newSetup.newDetectorSet();
        if (!next.sameLayoutAs(detectors)) {
            table.reslot(next.slotsTcp, next.slotsUdp);
            for (int i = 0; i < table.capacity; i++) {
                if (table.state[i] == FlowTable.INSPECTING) {
                    table.liveDetectors[i] = next.maskFor(table.protocol[i] == PacketView.TCP);
                } else if (table.decidedBy[i] > 0) {
                    table.decidedBy[i] = (byte) (next.indexOf(detectors.names[table.decidedBy[i] - 1]) + 1);
                }
            }
        }
        apply(newSetup, next);
        stats.inc(EngineStats.RECONFIGURED);
    }

    private void apply(EngineSetup newSetup, DetectorSet set) {
        this.setup = newSetup;
        this.detectors = set;
        this.settings = newSetup.settings;
        this.detectionSlot = new int[set.names.length];
        for (int k = 0; k < set.names.length; k++) {
            detectionSlot[k] = stats.nameSlot(set.names[k]);
        }
        java.util.Arrays.fill(whitelistedPort, false);
        for (int port : settings.whitelistPorts()) {
            whitelistedPort[port] = true;
        }
        tcpIdleNanos = settings.tcpIdleTimeout().toNanos();
        udpIdleNanos = settings.udpIdleTimeout().toNanos();
        cursor.configure(set, settings.maxClaimsPerPacket());
    }

    /**
     * Inspects one packet and says what to do with it.
     *
     * @param packet   a parsed packet ({@link PacketView#reset}); unparseable packets give {@link Action#IGNORE}
     * @param nowNanos the current time in nanoseconds (a capture timestamp or {@link System#nanoTime()}); used
     *                 for idle timeouts and endpoint expiry, never read from a clock here
     */
    public Action inspect(PacketView packet, long nowNanos) {
        return inspect(packet, nowNanos, true);
    }

    /**
     * Inspects one packet whose source address may be forged.
     *
     * @param sourceVerified false when the packet failed the reverse-path check (it arrived on an interface that does
     *                       not route back to its source, so its source address is likely forged): it is inspected
     *                       and may be blocked, but it never makes its flow two-way, never claims or proves an
     *                       endpoint, and a match on it is reported with {@link Decision#offenderVerified()} false
     * @see #inspect(PacketView, long)
     */
    public Action inspect(PacketView packet, long nowNanos, boolean sourceVerified) {
        if (!packet.isParseable()) {
            return Action.IGNORE;
        }
        stats.inc(EngineStats.PACKETS);
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
        if (!sourceVerified) {
            stats.inc(EngineStats.UNVERIFIED_PACKETS);
        }
        boolean wasMidStream = (table.flags[i] & FlowTable.MID_STREAM) != 0;
        HandshakeTracker.track(table, i, packet, fromInitiator, sourceVerified);
        if (!wasMidStream && (table.flags[i] & FlowTable.MID_STREAM) != 0) {
            stats.inc(EngineStats.MID_STREAM_FLOWS);
        }
        byte state = table.state[i];
        if (state == FlowTable.BLOCKED) {
            // A match that proves endpoints proves them once the flow is two-way: a DHT query matched at once is
            // proven by its response, before the detector reads what the response lists.
            if ((table.flags[i] & (FlowTable.MATCH_PROVES | FlowTable.ENDPOINTS_PROVEN)) == FlowTable.MATCH_PROVES
                    && HandshakeTracker.isBidirectional(table, i)) {
                proveEndpoints(i, nowNanos);
            }
            letMatcherLearn(i, packet, fromInitiator, sourceVerified, nowNanos);
            count(i, fromInitiator, packet.payloadLength());
            return Action.BLOCK;
        }
        if (state == FlowTable.ALLOWED) {
            count(i, fromInitiator, packet.payloadLength());
            return Action.ALLOW;
        }
        return runDetectors(i, packet, fromInitiator, sourceVerified, nowNanos);
    }

    private Action runDetectors(int i, PacketView packet, boolean fromInitiator, boolean sourceVerified,
                                long nowNanos) {
        DetectorSet set = detectors;
        int payload = packet.payloadLength();
        if (table.openingBytes > 0 && payload > 0) {
            captureOpening(i, packet, fromInitiator ? 0 : 1, payload);
        }
        int live = table.liveDetectors[i] & (payload > 0 ? -1 : set.emptyPacketMask);
        FlowCursor flow = cursor.point(i, packet, fromInitiator, sourceVerified, nowNanos);
        while (live != 0) {
            int k = Integer.numberOfTrailingZeros(live);
            live &= live - 1;
            flow.detector = k;
            Verdict verdict;
            try {
                verdict = set.detectors[k].inspect(packet, flow);
            } catch (RuntimeException e) {
                stats.inc(EngineStats.DETECTOR_ERRORS); // fail open: this detector is done with this flow
                verdict = Verdict.NOT_MINE;
            }
            if (verdict == null || verdict.kind() == Verdict.Kind.NOT_MINE) {
                table.liveDetectors[i] &= ~(1 << k);
            } else if (verdict.kind() == Verdict.Kind.MATCH) {
                count(i, fromInitiator, payload);
                block(i, k, verdict, flow.direction, sourceVerified, nowNanos);
                return Action.BLOCK;
            }
        }
        count(i, fromInitiator, payload);
        if (table.liveDetectors[i] == 0) {
            allow(i, ALLOW_NO_DETECTOR, EngineStats.ALLOWED_NO_DETECTOR, nowNanos);
            return Action.ALLOW;
        }
        int packets = table.packets[2 * i] + table.packets[2 * i + 1];
        if (packets >= settings.maxPacketsPerFlow()) {
            String reason = capReached(i, packets);
            if (reason != null) {
                allow(i, reason, EngineStats.ALLOWED_MAX_PACKETS, nowNanos);
                return Action.ALLOW;
            }
        }
        return Action.ACCEPT;
    }

    /** Appends the packet's first payload bytes to its direction's opening, until that holds OPENING_BYTES. */
    private void captureOpening(int i, PacketView packet, int direction, int payload) {
        int k = 2 * i + direction;
        int have = table.openingLength[k];
        int n = Math.min(payload, table.openingBytes - have);
        if (n > 0) {
            packet.buffer().get(packet.payloadOffset(), table.openings, k * table.openingBytes + have, n);
            table.openingLength[k] = (byte) (have + n);
        }
    }

    /**
     * Why flow {@code i}, past {@code maxPacketsPerFlow} with detectors still live, is let go now; null when it stays
     * under inspection. A flood that pushed a flow's opening past the queue, or an opening sent in tiny segments,
     * must only delay the judgement, never buy a clean mark: such flows keep being inspected up to their own bound.
     */
    private String capReached(int i, int packets) {
        if ((table.flags[i] & (FlowTable.MID_STREAM | FlowTable.INSPECT_LONGER)) != 0) {
            // joined mid-stream, or a detector that saw an opening asked to see what follows (keepInspecting)
            return packets >= settings.maxPacketsMidStream() ? ALLOW_MAX_MID_STREAM : null;
        }
        if (HandshakeTracker.isOpeningIncomplete(table, i, OPENING_BYTES)) {
            return packets >= settings.maxPacketsPerOpening() ? ALLOW_MAX_OPENING : null;
        }
        return ALLOW_MAX_PACKETS;
    }

    /**
     * The detector that matched keeps seeing the flow's packets (up to {@code maxPacketsPerFlow}), its verdicts
     * ignored, so that it can learn endpoints from the replies: a DHT query matches at once, but the peers are in
     * the response that follows.
     */
    private void letMatcherLearn(int i, PacketView packet, boolean fromInitiator, boolean sourceVerified,
                                 long nowNanos) {
        int k = table.decidedBy[i] - 1;
        if (k < 0 || packet.payloadLength() == 0
                || table.packets[2 * i] + table.packets[2 * i + 1] >= settings.maxPacketsPerFlow()) {
            return;
        }
        FlowCursor flow = cursor.point(i, packet, fromInitiator, sourceVerified, nowNanos);
        flow.detector = k;
        try {
            detectors.detectors[k].inspect(packet, flow);
        } catch (RuntimeException e) {
            stats.inc(EngineStats.DETECTOR_ERRORS);
            table.decidedBy[i] = 0;
        }
    }

    private int newFlow(PacketView packet, int proto, long aH, long aL, long bH, long bL, int portPair, int hash,
                        boolean srcIsA, long nowNanos) {
        if (table.isFull()) {
            int victim = table.evictionCandidate(hash);
            stats.inc(EngineStats.EVICTED);
            retire(victim, UNDECIDED_EVICTED, nowNanos);
        }
        int i = table.insert(proto, aH, aL, bH, bL, portPair, hash);
        stats.inc(EngineStats.FLOWS_CREATED);
        stats.activeFlows(table.size);
        // A SYN-ACK as the first packet seen means we missed the SYN: its receiver opened the connection.
        boolean senderInitiates = !(proto == PacketView.TCP && packet.hasTcpFlags(PacketView.SYN | PacketView.ACK));
        table.flags[i] = (short) (srcIsA == senderInitiates ? FlowTable.INITIATOR_IS_A : 0);
        if (proto == PacketView.TCP && !packet.hasTcpFlags(PacketView.SYN)) {
            table.flags[i] |= FlowTable.MID_STREAM;   // the connection's opening was not seen
            stats.inc(EngineStats.MID_STREAM_FLOWS);
        }
        table.liveDetectors[i] = detectors.maskFor(proto == PacketView.TCP);
        table.lastSeen[i] = nowNanos;
        if (whitelistedPort[packet.srcPort()] || whitelistedPort[packet.dstPort()]) {
            allow(i, ALLOW_WHITELIST, EngineStats.ALLOWED_WHITELIST, nowNanos);
        } else if (!settings.allowlist().isEmpty()
                && (settings.allowlist().contains(aH, aL) || settings.allowlist().contains(bH, bL))) {
            allow(i, ALLOW_ALLOWLIST, EngineStats.ALLOWED_ALLOWLIST, nowNanos);
        }
        return i;
    }

    private void count(int i, boolean fromInitiator, int payload) {
        table.count(i, fromInitiator ? 0 : 1, payload);
    }

    private void block(int i, int k, Verdict verdict, Direction offender, boolean sourceVerified, long nowNanos) {
        table.state[i] = FlowTable.BLOCKED;
        table.decidedBy[i] = (byte) (k + 1);
        stats.inc(EngineStats.FLOWS_BLOCKED);
        stats.detected(detectionSlot[k]);
        boolean bidirectional = HandshakeTracker.isBidirectional(table, i);
        // bytes in a packet whose source is likely forged prove nothing about the endpoints it names
        if (verdict.provesEndpoints() && sourceVerified) {
            table.flags[i] |= FlowTable.MATCH_PROVES;
            if (bidirectional) {
                proveEndpoints(i, nowNanos);
            }
        }
        if (listener != null) {
            listener.onDecision(decision(i, true, detectors.names[k], verdict.reason(), offender, bidirectional,
                    sourceVerified, verdict.provesEndpoints(), nowNanos));
        }
    }

    /** Proves the listening endpoints of two-way flow {@code i}, which a detector matched on its own bytes. */
    private void proveEndpoints(int i, long nowNanos) {
        table.flags[i] |= FlowTable.ENDPOINTS_PROVEN;
        // The responder's port is the one it listens on; a UDP initiator also sends from its listening port.
        boolean initiatorIsA = (table.flags[i] & FlowTable.INITIATOR_IS_A) != 0;
        int portA = table.ports[i] >>> 16, portB = table.ports[i] & 0xffff;
        if (initiatorIsA) {
            endpoints.prove(table.bHi[i], table.bLo[i], portB, nowNanos);
        } else {
            endpoints.prove(table.aHi[i], table.aLo[i], portA, nowNanos);
        }
        if (table.protocol[i] == PacketView.UDP) {
            if (initiatorIsA) {
                endpoints.prove(table.aHi[i], table.aLo[i], portA, nowNanos);
            } else {
                endpoints.prove(table.bHi[i], table.bLo[i], portB, nowNanos);
            }
        }
    }

    private void allow(int i, String reason, int counter, long nowNanos) {
        table.state[i] = FlowTable.ALLOWED;
        table.releaseSlots(i); // no detector looks at an allowed flow again
        stats.inc(counter);
        if (listener != null && reportAllowed) {
            listener.onDecision(decision(i, false, null, reason, Direction.INITIATOR,
                    HandshakeTracker.isBidirectional(table, i), true, false, nowNanos));
        }
    }

    /** Removes entry {@code i}; an undecided flow is reported as allowed with {@code reason}. */
    private void retire(int i, String reason, long nowNanos) {
        if (table.state[i] == FlowTable.INSPECTING) {
            if (reason == UNDECIDED_IDLE) {
                stats.inc(EngineStats.RETIRED_IDLE);
            }
            if (listener != null && reportAllowed) {
                listener.onDecision(decision(i, false, null, reason, Direction.INITIATOR,
                        HandshakeTracker.isBidirectional(table, i), true, false, nowNanos));
            }
        }
        table.remove(i);
        stats.activeFlows(table.size);
    }

    private Decision decision(int i, boolean blocked, String detector, String reason, Direction offender,
                              boolean bidirectional, boolean offenderVerified, boolean provesEndpoints,
                              long nowNanos) {
        boolean initiatorIsA = (table.flags[i] & FlowTable.INITIATOR_IS_A) != 0;
        int portA = table.ports[i] >>> 16, portB = table.ports[i] & 0xffff;
        int packetCount = table.packets[2 * i] + table.packets[2 * i + 1];
        byte[] initiatorOpening = opening(i, 0);
        byte[] responderOpening = opening(i, 1);
        if (initiatorIsA) {
            return new Decision(table.protocol[i], table.aHi[i], table.aLo[i], portA, table.bHi[i], table.bLo[i],
                    portB, blocked, detector, reason, offender, bidirectional, offenderVerified, provesEndpoints,
                    packetCount, nowNanos, initiatorOpening, responderOpening);
        }
        return new Decision(table.protocol[i], table.bHi[i], table.bLo[i], portB, table.aHi[i], table.aLo[i], portA,
                blocked, detector, reason, offender, bidirectional, offenderVerified, provesEndpoints, packetCount,
                nowNanos, initiatorOpening, responderOpening);
    }

    /** A copy of one direction's captured opening (once per decided flow), or null when not capturing. */
    private byte[] opening(int i, int direction) {
        if (table.openingBytes == 0) {
            return null;
        }
        int k = 2 * i + direction;
        return java.util.Arrays.copyOfRange(table.openings, k * table.openingBytes,
                k * table.openingBytes + table.openingLength[k]);
    }

    private long idleNanos(int i) {
        return table.protocol[i] == PacketView.TCP ? tcpIdleNanos : udpIdleNanos;
    }

    /** Incremental idle expiry: a couple of slots per packet, so no pause ever scans the whole table. */
    private void sweep(long nowNanos) {
        for (int n = 0; n < SWEEP_PER_PACKET; n++) {
            int i = sweepPosition < table.capacity ? sweepPosition : 0;
            if (table.state[i] != FlowTable.EMPTY && nowNanos - table.lastSeen[i] > idleNanos(i)) {
                retire(i, UNDECIDED_IDLE, nowNanos); // rows never move: the next row is the next one to look at
            }
            sweepPosition = i + 1;
        }
    }

    /** End of input: reports every undecided flow (as allowed) and empties the flow table. */
    public void flush(long nowNanos) {
        if (listener != null && reportAllowed) {
            for (int i = 0; i < table.capacity; i++) {
                if (table.state[i] == FlowTable.INSPECTING) {
                    listener.onDecision(decision(i, false, null, UNDECIDED_END, Direction.INITIATOR,
                            HandshakeTracker.isBidirectional(table, i), true, false, nowNanos));
                }
            }
        }
        table.clearAll();
        stats.activeFlows(0);
    }

    /** Forgets every flow without reporting anything; keeps the table's memory (benchmarks, tests). */
    public void clearFlows() {
        table.clearAll();
        stats.activeFlows(0);
    }

    /** The names of the active detectors, in the order they run. */
    public List<String> detectorNames() {
        return List.of(detectors.names);
    }

    /** The setup in force. */
    public EngineSetup setup() {
        return setup;
    }

    /** The endpoint memory this engine reads and proves into (shared with other engines of a daemon). */
    public EndpointKnowledge endpoints() {
        return endpoints;
    }

    /** This engine's counters, readable from any thread. */
    public EngineStats stats() {
        return stats;
    }

    /** Builds an {@link Engine}: settings are read and every detector is created here, eagerly. */
    public static final class Builder {
        /** Payload bytes kept per direction by {@link #captureOpenings(boolean)}. */
        public static final int OPENING_BYTES = 64;

        private final Config root;
        private boolean captureOpenings;
        private DecisionListener listener;
        private boolean reportAllowed;
        private ClassLoader classLoader = Engine.class.getClassLoader();
        private EndpointMemory endpoints;
        private int initialFlows = 1024;
        private List<DetectorProvider> providers;
        private EngineSetup setup;

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

        /** Use a setup built earlier (the daemon builds one per configuration and shares it between queues). */
        public Builder setup(EngineSetup setup) {
            this.setup = Objects.requireNonNull(setup, "setup");
            return this;
        }

        /**
         * Share this endpoint memory (one per daemon, for every queue's engine); by default the engine makes its
         * own from {@code btblocker.endpointMemory}.
         */
        public Builder endpoints(EndpointMemory endpoints) {
            this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
            return this;
        }

        /**
         * Keep the first {@link #OPENING_BYTES} payload bytes of each direction of every flow being inspected (a
         * byte column of the flow table: no allocation per packet) and hand copies of them to the listener in each
         * {@link Decision} (for the daemon's detection log and false-positive reports).
         */
        public Builder captureOpenings(boolean captureOpenings) {
            this.captureOpenings = captureOpenings;
            return this;
        }

        /**
         * Flow table entries to allocate up front (it grows by doubling up to {@code btblocker.flowTable.maxFlows});
         * {@code Integer.MAX_VALUE} allocates all of them at once, so that no doubling ever has the old and the new
         * columns alive together (the daemon does this: its memory is then what it will ever need for flows).
         */
        public Builder initialFlows(int initialFlows) {
            this.initialFlows = initialFlows;
            return this;
        }

        /**
         * Reads the settings, selects and creates the detectors.
         *
         * @throws com.typesafe.config.ConfigException naming the key path of a missing or invalid setting or an
         *         unknown detector
         */
        public Engine build() {
            EngineSetup chosen = setup != null ? setup
                    : providers != null ? EngineSetup.of(root, providers) : EngineSetup.of(root, classLoader);
            EndpointMemory memory = endpoints != null ? endpoints : EndpointMemory.from(chosen.root());
            return new Engine(this, chosen, memory);
        }
    }
}
