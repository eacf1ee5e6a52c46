package org.btblocker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.btblocker.api.Detector;
import org.btblocker.api.DetectorProvider;
import org.btblocker.api.Direction;
import org.btblocker.api.FlowContext;
import org.btblocker.api.Interest;
import org.btblocker.api.Verdict;
import org.btblocker.api.packet.PacketView;
import org.btblocker.testkit.Packets;
import org.junit.jupiter.api.Test;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;

class EngineTest {

    private static final long SECOND = 1_000_000_000L;

    /** Matches a payload starting with "BT"; says NOT_MINE to one starting with "NO"; counts calls in slot 0. */
    static final class MarkerProvider implements DetectorProvider {
        final List<String> seen = new ArrayList<>();
        private final Interest interest;

        MarkerProvider(Interest interest) {
            this.interest = interest;
        }

        @Override public String name() { return "marker"; }
        @Override public Interest interest() { return interest; }
        @Override public int stateSlots() { return 1; }

        @Override
        public Detector create(Config own) {
            Verdict match = Verdict.match("marker");
            return (PacketView p, FlowContext flow) -> {
                flow.setSlot(0, flow.slot(0) + 1);
                seen.add(flow.direction() + "#" + flow.packetIndex() + "/" + flow.payloadIndexInDirection()
                        + " calls=" + flow.slot(0) + " both=" + flow.hasBothDirections());
                if (p.payloadLength() >= 2 && p.payloadByte(0) == 'B' && p.payloadByte(1) == 'T') {
                    return match;
                }
                if (p.payloadLength() >= 2 && p.payloadByte(0) == 'N' && p.payloadByte(1) == 'O') {
                    return Verdict.NOT_MINE;
                }
                if (p.payloadLength() >= 1 && p.payloadByte(0) == '!') {
                    throw new IllegalStateException("detector bug");
                }
                if (p.payloadLength() >= 1 && p.payloadByte(0) == 'K') {
                    flow.keepInspecting();              // "I saw an opening; let me see what follows"
                }
                return Verdict.UNDECIDED;
            };
        }
    }

    private final List<Decision> decisions = new ArrayList<>();

    private Engine engine(String settings, DetectorProvider... providers) {
        Config root = ConfigFactory.parseString(settings).withFallback(ConfigFactory.defaultReference()).resolve();
        return Engine.builder(root).providers(List.of(providers)).listener(decisions::add).reportAllowed(true)
                .build();
    }

    private static PacketView udp(String src, int sp, String dst, int dp, String payload) {
        return Packets.udp(src, sp, dst, dp, Packets.ascii(payload)).view();
    }

    @Test
    void bothDirectionsAreOneFlowAndLaterPacketsOfABlockedFlowAreBlocked() {
        MarkerProvider marker = new MarkerProvider(Interest.TCP_AND_UDP_PAYLOAD);
        Engine engine = engine("btblocker.whitelistPorts = []", marker);

        assertThat(engine.inspect(udp("10.0.0.1", 4000, "10.0.0.2", 5000, "hello"), 0)).isEqualTo(Engine.Action.ACCEPT);
        assertThat(engine.inspect(udp("10.0.0.2", 5000, "10.0.0.1", 4000, "BT!"), 1)).isEqualTo(Engine.Action.BLOCK);
        assertThat(engine.inspect(udp("10.0.0.1", 4000, "10.0.0.2", 5000, "more"), 2)).isEqualTo(Engine.Action.BLOCK);

        assertThat(marker.seen).containsExactly("INITIATOR#0/0 calls=1 both=false", "RESPONDER#1/0 calls=2 both=true",
                "INITIATOR#2/1 calls=3 both=true"); // the matcher still sees packets, to learn from replies
        assertThat(engine.stats().snapshot().activeFlows()).isEqualTo(1);
        assertThat(decisions).hasSize(1);
        Decision d = decisions.get(0);
        assertThat(d.blocked()).isTrue();
        assertThat(d.detector()).isEqualTo("marker");
        assertThat(d.initiator()).isEqualTo("10.0.0.1:4000");
        assertThat(d.responder()).isEqualTo("10.0.0.2:5000");
        assertThat(d.offender()).isEqualTo(Direction.RESPONDER);
        assertThat(d.bidirectional()).isTrue();
    }

    @Test
    void slotsAreSeparatePerFlow() {
        MarkerProvider marker = new MarkerProvider(Interest.UDP_PAYLOAD);
        Engine engine = engine("btblocker.whitelistPorts = []", marker);
        engine.inspect(udp("10.0.0.1", 1, "10.0.0.2", 2, "a"), 0);
        engine.inspect(udp("10.0.0.1", 1, "10.0.0.2", 2, "a"), 0);
        engine.inspect(udp("10.0.0.3", 1, "10.0.0.2", 2, "a"), 0);
        assertThat(marker.seen).extracting(s -> s.substring(s.indexOf("calls"))).containsExactly(
                "calls=1 both=false", "calls=2 both=false", "calls=1 both=false");
    }

    @Test
    void ipv6FlowsWork() {
        Engine engine = engine("btblocker.whitelistPorts = []", new MarkerProvider(Interest.TCP_PAYLOAD));
        PacketView syn = Packets.tcp("2001:db8::1", 40000, "2001:db8::2", 6881, PacketView.SYN, 10, 0, new byte[0]).view();
        assertThat(engine.inspect(syn, 0)).isEqualTo(Engine.Action.ACCEPT);
        PacketView bt = Packets.tcp("2001:db8::1", 40000, "2001:db8::2", 6881, Packets.ascii("BT")).view();
        assertThat(engine.inspect(bt, 1)).isEqualTo(Engine.Action.BLOCK);
        assertThat(decisions.get(0).responder()).isEqualTo("[2001:db8::2]:6881");
    }

    @Test
    void whitelistedPortsAndAllowlistAreAllowedWithoutInspection() {
        MarkerProvider marker = new MarkerProvider(Interest.TCP_AND_UDP_PAYLOAD);
        Engine engine = engine("btblocker { whitelistPorts = [53], allowlist = [\"192.168.0.0/16\", \"2001:db8::/32\"] }",
                marker);
        assertThat(engine.inspect(udp("10.0.0.1", 4000, "10.0.0.2", 53, "BT"), 0)).isEqualTo(Engine.Action.ALLOW);
        assertThat(engine.inspect(udp("192.168.7.1", 4000, "10.0.0.2", 99, "BT"), 0)).isEqualTo(Engine.Action.ALLOW);
        assertThat(engine.inspect(udp("2001:db8::5", 4000, "2001:db9::1", 99, "BT"), 0)).isEqualTo(Engine.Action.ALLOW);
        assertThat(engine.inspect(udp("10.0.0.1", 4000, "10.0.0.2", 99, "BT"), 0)).isEqualTo(Engine.Action.BLOCK);
        assertThat(marker.seen).hasSize(1);
        assertThat(decisions).extracting(Decision::reason)
                .containsExactly("whitelistPorts", "allowlist", "allowlist", "marker");
    }

    @Test
    void aFlowIsAllowedAfterMaxPacketsPerFlowOrWhenNoDetectorIsLeft() {
        MarkerProvider marker = new MarkerProvider(Interest.UDP_PAYLOAD);
        Engine engine = engine("btblocker { whitelistPorts = [], maxPacketsPerFlow = 3 }", marker);
        for (int n = 0; n < 2; n++) {
            assertThat(engine.inspect(udp("10.0.0.1", 1, "10.0.0.2", 2, "x"), n)).isEqualTo(Engine.Action.ACCEPT);
        }
        assertThat(engine.inspect(udp("10.0.0.1", 1, "10.0.0.2", 2, "x"), 3)).isEqualTo(Engine.Action.ALLOW);
        assertThat(engine.inspect(udp("10.0.0.1", 1, "10.0.0.2", 2, "BT"), 4)).isEqualTo(Engine.Action.ALLOW);
        assertThat(engine.inspect(udp("10.0.0.1", 7, "10.0.0.2", 2, "NO"), 5)).isEqualTo(Engine.Action.ALLOW);
        assertThat(marker.seen).hasSize(4);
        assertThat(decisions).extracting(Decision::reason).containsExactly("maxPacketsPerFlow", "no detector left");
    }

    @Test
    void emptyPacketsReachOnlyDetectorsThatAskForThem() {
        MarkerProvider payloadOnly = new MarkerProvider(Interest.TCP_PAYLOAD);
        Engine engine = engine("btblocker.whitelistPorts = []", payloadOnly);
        engine.inspect(Packets.tcp("10.0.0.1", 1000, "10.0.0.2", 2000, PacketView.SYN, 1, 0, new byte[0]).view(), 0);
        assertThat(payloadOnly.seen).isEmpty();

        decisions.clear();
        MarkerProvider all = new MarkerProvider(Interest.ALL_PACKETS);
        Engine second = engine("btblocker.whitelistPorts = []", all);
        second.inspect(Packets.tcp("10.0.0.1", 1000, "10.0.0.2", 2000, PacketView.SYN, 1, 0, new byte[0]).view(), 0);
        assertThat(all.seen).hasSize(1);
    }

    @Test
    void aThrowingDetectorIsCountedAndTheFlowFailsOpen() {
        Engine engine = engine("btblocker.whitelistPorts = []", new MarkerProvider(Interest.UDP_PAYLOAD));
        assertThat(engine.inspect(udp("10.0.0.1", 1, "10.0.0.2", 2, "!"), 0)).isEqualTo(Engine.Action.ALLOW);
        assertThat(engine.stats().snapshot().detectorErrors()).isEqualTo(1);
    }

    @Test
    void unparseablePacketsAreIgnored() {
        Engine engine = engine("", new MarkerProvider(Interest.UDP_PAYLOAD));
        PacketView garbage = new PacketView().reset(java.nio.ByteBuffer.wrap(new byte[] {0x45, 0, 0}), 0, 3);
        assertThat(engine.inspect(garbage, 0)).isEqualTo(Engine.Action.IGNORE);
        assertThat(engine.stats().snapshot().packets()).isZero();
    }

    @Test
    void spoofedOneWayTcpIsNotBidirectionalButACompletedHandshakeIs() {
        Engine engine = engine("btblocker.whitelistPorts = []", new MarkerProvider(Interest.TCP_PAYLOAD));
        // One-way: a SYN and data from the client only.
        engine.inspect(Packets.tcp("10.0.0.9", 999, "10.0.0.2", 6881, PacketView.SYN, 100, 0, new byte[0]).view(), 0);
        engine.inspect(Packets.tcp("10.0.0.9", 999, "10.0.0.2", 6881, PacketView.ACK, 101, 5001, Packets.ascii("BT")).view(), 1);
        assertThat(decisions.get(0).bidirectional()).isFalse();

        // A handshake whose numbers do not match is not complete either.
        engine.inspect(Packets.tcp("10.0.0.8", 999, "10.0.0.2", 6881, PacketView.SYN, 100, 0, new byte[0]).view(), 0);
        engine.inspect(Packets.tcp("10.0.0.2", 6881, "10.0.0.8", 999, PacketView.SYN | PacketView.ACK, 5000, 77, new byte[0]).view(), 0);
        engine.inspect(Packets.tcp("10.0.0.8", 999, "10.0.0.2", 6881, PacketView.ACK, 101, 5001, new byte[0]).view(), 0);
        engine.inspect(Packets.tcp("10.0.0.8", 999, "10.0.0.2", 6881, PacketView.ACK, 101, 5001, Packets.ascii("BT")).view(), 1);
        assertThat(decisions.get(1).bidirectional()).isFalse();

        // The real three-way handshake.
        engine.inspect(Packets.tcp("10.0.0.1", 999, "10.0.0.2", 6881, PacketView.SYN, 100, 0, new byte[0]).view(), 0);
        engine.inspect(Packets.tcp("10.0.0.2", 6881, "10.0.0.1", 999, PacketView.SYN | PacketView.ACK, 5000, 101, new byte[0]).view(), 0);
        engine.inspect(Packets.tcp("10.0.0.1", 999, "10.0.0.2", 6881, PacketView.ACK, 101, 5001, new byte[0]).view(), 0);
        engine.inspect(Packets.tcp("10.0.0.1", 999, "10.0.0.2", 6881, PacketView.ACK, 101, 5001, Packets.ascii("BT")).view(), 1);
        assertThat(decisions.get(2).bidirectional()).isTrue();
    }

    private static PacketView tcp(String src, int sp, String dst, int dp, int flags, long seq, long ack, String data) {
        return Packets.tcp(src, sp, dst, dp, flags, seq, ack, Packets.ascii(data)).view();
    }

    /**
     * Issue 8: both directions forged from one side of the gateway (SYN from the client, SYN-ACK "from" the server
     * arriving on the client's side, then payload "from" the server). Packets that failed the reverse-path check show
     * no side of the flow, so it stays one-way, and the match on the forged packet is reported unverified.
     */
    @Test
    void forgedRepliesThatFailedTheReversePathCheckLeaveTheFlowOneWay() {
        MarkerProvider marker = new MarkerProvider(Interest.TCP_PAYLOAD);
        Engine engine = engine("btblocker.whitelistPorts = []", marker);
        int syn = PacketView.SYN, synAck = PacketView.SYN | PacketView.ACK, ack = PacketView.ACK;
        engine.inspect(tcp("10.0.0.1", 999, "10.0.0.2", 6881, syn, 100, 0, ""), 0, true);
        engine.inspect(tcp("10.0.0.2", 6881, "10.0.0.1", 999, synAck, 5000, 101, ""), 1, false);
        engine.inspect(tcp("10.0.0.1", 999, "10.0.0.2", 6881, ack, 101, 5001, ""), 2, true);
        engine.inspect(tcp("10.0.0.1", 999, "10.0.0.2", 6881, ack, 101, 5001, "hi"), 3, true);
        assertThat(engine.inspect(tcp("10.0.0.2", 6881, "10.0.0.1", 999, ack, 5001, 103, "BT"), 4, false))
                .isEqualTo(Engine.Action.BLOCK);
        Decision d = decisions.get(0);
        assertThat(d.offender()).isEqualTo(Direction.RESPONDER);
        assertThat(d.bidirectional()).as("the SYN-ACK and the payload from the server were forged").isFalse();
        assertThat(d.offenderVerified()).isFalse();
        assertThat(engine.stats().snapshot().unverifiedPackets()).isEqualTo(2);
        assertThat(marker.seen).as("detectors never count forged packets as the other side")
                .allMatch(l -> l.endsWith("both=false"));

        // the same exchange with verified packets is two-way
        engine.inspect(tcp("10.0.0.1", 998, "10.0.0.2", 6881, syn, 100, 0, ""), 5, true);
        engine.inspect(tcp("10.0.0.2", 6881, "10.0.0.1", 998, synAck, 5000, 101, ""), 6, true);
        engine.inspect(tcp("10.0.0.1", 998, "10.0.0.2", 6881, ack, 101, 5001, ""), 7, true);
        engine.inspect(tcp("10.0.0.2", 6881, "10.0.0.1", 998, ack, 5001, 101, "BT"), 8, true);
        assertThat(decisions.get(1).bidirectional()).isTrue();
        assertThat(decisions.get(1).offenderVerified()).isTrue();
    }

    /** Issue 8: a forged "reply" of a UDP conversation neither makes it two-way nor proves or claims endpoints. */
    @Test
    void aForgedUdpReplyNeitherMakesTheFlowTwoWayNorProvesItsEndpoints() {
        MarkerProvider marker = new MarkerProvider(Interest.UDP_PAYLOAD);
        Engine engine = engine("btblocker.whitelistPorts = []", marker);
        engine.inspect(udp("10.0.0.1", 6881, "10.0.0.2", 51413, "q"), 0);
        assertThat(engine.inspect(Packets.udp("10.0.0.2", 51413, "10.0.0.1", 6881, Packets.ascii("BT")).view(), 1,
                false)).isEqualTo(Engine.Action.BLOCK);
        assertThat(decisions.get(0).bidirectional()).isFalse();
        assertThat(decisions.get(0).offenderVerified()).isFalse();
        assertThat(standing(engine, 0x0a000002L, 51413)).isEqualTo(
                org.btblocker.api.EndpointKnowledge.Standing.UNKNOWN);
        engine.inspect(udp("10.0.0.2", 51413, "10.0.0.1", 6881, "r"), 2);
        assertThat(standing(engine, 0x0a000002L, 51413)).as("the match was on forged bytes: nothing proven later")
                .isEqualTo(org.btblocker.api.EndpointKnowledge.Standing.UNKNOWN);
    }

    /**
     * Issue 8: a TCP direction that sends its opening in tiny segments stays under inspection past
     * maxPacketsPerFlow until 68 bytes arrived (bounded by maxPacketsPerOpening); once they did, the cap applies.
     */
    @Test
    void anOpeningSentInTinySegmentsOutlastsMaxPacketsPerFlowUpToItsOwnBound() {
        MarkerProvider marker = new MarkerProvider(Interest.TCP_PAYLOAD);
        Engine engine = engine("btblocker { whitelistPorts = [], maxPacketsPerFlow = 8, maxPacketsPerOpening = 40 }",
                marker);
        engine.inspect(tcp("10.0.0.1", 999, "10.0.0.2", 6881, PacketView.SYN, 100, 0, ""), 0);
        engine.inspect(tcp("10.0.0.2", 6881, "10.0.0.1", 999, PacketView.SYN | PacketView.ACK, 5000, 101, ""), 0);
        long seq = 101;
        int n = 2;
        for (; n < 39; n++, seq++) {
            assertThat(engine.inspect(tcp("10.0.0.1", 999, "10.0.0.2", 6881, PacketView.ACK, seq, 5001, "x"), n))
                    .as("packet %d, %d opening bytes", n, seq - 101).isEqualTo(Engine.Action.ACCEPT);
        }
        assertThat(engine.inspect(tcp("10.0.0.1", 999, "10.0.0.2", 6881, PacketView.ACK, seq, 5001, "x"), n))
                .as("maxPacketsPerOpening bounds it").isEqualTo(Engine.Action.ALLOW);
        assertThat(decisions).extracting(Decision::reason).containsExactly("maxPacketsPerOpening");

        // an opening of 68 bytes or more: the ordinary cap
        decisions.clear();
        engine.inspect(tcp("10.0.0.1", 998, "10.0.0.2", 6881, PacketView.SYN, 100, 0, ""), 0);
        engine.inspect(tcp("10.0.0.2", 6881, "10.0.0.1", 998, PacketView.SYN | PacketView.ACK, 5000, 101, ""), 0);
        String big = "y".repeat(68);
        Engine.Action last = null;
        for (int k = 0; k < 6; k++) {
            last = engine.inspect(tcp("10.0.0.1", 998, "10.0.0.2", 6881, PacketView.ACK, 101 + 68L * k, 5001, big), 1);
        }
        assertThat(last).isEqualTo(Engine.Action.ALLOW);
        assertThat(decisions).extracting(Decision::reason).containsExactly("maxPacketsPerFlow");
    }

    /**
     * A detector that saw an opening and needs what follows (the MSE key exchange, then the peer-wire lengths) keeps
     * the flow past maxPacketsPerFlow with {@link FlowContext#keepInspecting}, bounded by maxPacketsMidStream (the
     * lab's Transmission seed could send more piece segments than the cap before its requests proved it).
     */
    @Test
    void aDetectorCanKeepAFlowPastThePacketCapUpToTheMidStreamBound() {
        MarkerProvider marker = new MarkerProvider(Interest.TCP_PAYLOAD);
        Engine engine = engine("btblocker { whitelistPorts = [], maxPacketsPerFlow = 8, maxPacketsMidStream = 20 }",
                marker);
        engine.inspect(tcp("10.0.0.1", 999, "10.0.0.2", 6881, PacketView.SYN, 100, 0, ""), 0);
        engine.inspect(tcp("10.0.0.2", 6881, "10.0.0.1", 999, PacketView.SYN | PacketView.ACK, 5000, 101, ""), 0);
        engine.inspect(tcp("10.0.0.1", 999, "10.0.0.2", 6881, PacketView.ACK, 101, 5001, "K".repeat(68)), 0);
        int n = 3;
        for (; n < 19; n++) {
            assertThat(engine.inspect(tcp("10.0.0.2", 6881, "10.0.0.1", 999, PacketView.ACK, 5001 + 100L * n, 169,
                    "p".repeat(100)), n)).as("packet %d", n).isEqualTo(Engine.Action.ACCEPT);
        }
        assertThat(engine.inspect(tcp("10.0.0.2", 6881, "10.0.0.1", 999, PacketView.ACK, 5001 + 100L * n, 169,
                "p".repeat(100)), n)).isEqualTo(Engine.Action.ALLOW);
        assertThat(decisions).extracting(Decision::reason).containsExactly("maxPacketsMidStream");
    }

    /**
     * Issue 8: a flow first seen mid-stream (its opening bypassed a full queue) or with a hole in a stream is not let
     * go by maxPacketsPerFlow while a detector can still judge it; maxPacketsMidStream bounds it.
     */
    @Test
    void aFlowJoinedMidStreamIsNotAllowedByThePacketCapWhileItCanStillBeJudged() {
        MarkerProvider marker = new MarkerProvider(Interest.TCP_PAYLOAD);
        Engine engine = engine("btblocker { whitelistPorts = [], maxPacketsPerFlow = 4, maxPacketsMidStream = 20 }",
                marker);
        String data = "z".repeat(100);
        int n = 0;
        for (; n < 19; n++) {
            assertThat(engine.inspect(tcp("10.0.0.1", 999, "10.0.0.2", 6881, PacketView.ACK, 1000 + 100L * n, 1,
                    data), n)).as("packet %d", n).isEqualTo(Engine.Action.ACCEPT);
        }
        assertThat(engine.inspect(tcp("10.0.0.1", 999, "10.0.0.2", 6881, PacketView.ACK, 1000 + 100L * n, 1, data),
                n)).isEqualTo(Engine.Action.ALLOW);
        assertThat(decisions).extracting(Decision::reason).containsExactly("maxPacketsMidStream");
        assertThat(marker.seen).hasSize(20);
        assertThat(engine.stats().snapshot().midStreamFlows()).isEqualTo(1);

        // its opening was seen, but a hole in the stream says bytes passed uninspected: mid-stream from then on
        decisions.clear();
        engine.inspect(tcp("10.0.0.1", 998, "10.0.0.2", 6881, PacketView.SYN, 100, 0, ""), 0);
        engine.inspect(tcp("10.0.0.2", 6881, "10.0.0.1", 998, PacketView.SYN | PacketView.ACK, 5000, 101, ""), 0);
        engine.inspect(tcp("10.0.0.1", 998, "10.0.0.2", 6881, PacketView.ACK, 101 + 68, 5001, "z".repeat(68)), 0);
        for (int k = 0; k < 4; k++) {
            assertThat(engine.inspect(tcp("10.0.0.1", 998, "10.0.0.2", 6881, PacketView.ACK, 237 + 68L * k, 5001,
                    "z".repeat(68)), 0)).isEqualTo(Engine.Action.ACCEPT);
        }
        assertThat(engine.stats().snapshot().midStreamFlows()).isEqualTo(2);

        // an in-order stream from its SYN is not mid-stream: the ordinary cap lets it go
        decisions.clear();
        engine.inspect(tcp("10.0.0.1", 997, "10.0.0.2", 6881, PacketView.SYN, 100, 0, ""), 0);
        engine.inspect(tcp("10.0.0.2", 6881, "10.0.0.1", 997, PacketView.SYN | PacketView.ACK, 5000, 101, ""), 0);
        engine.inspect(tcp("10.0.0.1", 997, "10.0.0.2", 6881, PacketView.ACK, 101, 5001, "z".repeat(68)), 0);
        assertThat(engine.inspect(tcp("10.0.0.1", 997, "10.0.0.2", 6881, PacketView.ACK, 169, 5001, "z".repeat(68)),
                0)).isEqualTo(Engine.Action.ALLOW);
        assertThat(decisions).extracting(Decision::reason).containsExactly("maxPacketsPerFlow");
        assertThat(engine.stats().snapshot().midStreamFlows()).isEqualTo(2);
    }

    @Test
    void aSynAckSeenFirstMakesItsReceiverTheInitiator() {
        Engine engine = engine("btblocker.whitelistPorts = []", new MarkerProvider(Interest.TCP_PAYLOAD));
        engine.inspect(Packets.tcp("10.0.0.2", 6881, "10.0.0.1", 999, PacketView.SYN | PacketView.ACK, 5000, 101, new byte[0]).view(), 0);
        engine.inspect(Packets.tcp("10.0.0.1", 999, "10.0.0.2", 6881, Packets.ascii("BT")).view(), 0);
        assertThat(decisions.get(0).initiator()).isEqualTo("10.0.0.1:999");
    }

    private static org.btblocker.api.EndpointKnowledge.Standing standing(Engine engine, long ipv4, int port) {
        return engine.endpoints().standing(0, org.btblocker.api.packet.Addresses.ipv4Lo(ipv4), port, 10);
    }

    @Test
    void matchedTwoWayFlowsProveEndpointsAndLaterFlowsToThemAreJudgedByTheirOpening() {
        MarkerProvider marker = new MarkerProvider(Interest.UDP_PAYLOAD);
        Config root = ConfigFactory.parseString("btblocker.whitelistPorts = []")
                .withFallback(ConfigFactory.defaultReference()).resolve();
        DetectorProvider endpoint = new org.btblocker.detectors.endpoint.EndpointDetectorProvider();
        Engine engine = Engine.builder(root).providers(List.of(marker, endpoint)).listener(decisions::add).build();

        engine.inspect(udp("10.0.0.1", 6881, "10.0.0.2", 51413, "q"), 0);
        engine.inspect(udp("10.0.0.2", 51413, "10.0.0.1", 6881, "BT"), 1);
        assertThat(standing(engine, 0x0a000002L, 51413)).isEqualTo(
                org.btblocker.api.EndpointKnowledge.Standing.PROVEN);

        // A bare SYN to the proven endpoint is only suspect; the connection refused (RST) blocks it.
        PacketView syn = Packets.tcp("10.0.0.7", 40000, "10.0.0.2", 51413, PacketView.SYN, 1, 0, new byte[0]).view();
        assertThat(engine.inspect(syn, 2)).isEqualTo(Engine.Action.ACCEPT);
        PacketView rst = Packets.tcp("10.0.0.2", 51413, "10.0.0.7", 40000, PacketView.RST | PacketView.ACK, 0, 2,
                new byte[0]).view();
        assertThat(engine.inspect(rst, 3)).isEqualTo(Engine.Action.BLOCK);
        assertThat(decisions.get(1).detector()).isEqualTo("endpoint");
        assertThat(decisions.get(1).provesEndpoints()).isFalse();

        // Random bytes to it are blocked; an HTTP request to it is left alone: the flow speaks another protocol.
        PacketView random = Packets.tcp("10.0.0.8", 40001, "10.0.0.2", 51413, PacketView.ACK | PacketView.PSH, 1, 1,
                new byte[] {(byte) 0x9f, 0x31, (byte) 0xe2, 0x07, 0x55, (byte) 0xc8, 0x6a, 0x13}).view();
        assertThat(engine.inspect(random, 4)).isEqualTo(Engine.Action.BLOCK);
        PacketView http = Packets.tcp("10.0.0.9", 40002, "10.0.0.2", 51413, PacketView.ACK | PacketView.PSH, 1, 1,
                Packets.ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n")).view();
        assertThat(engine.inspect(http, 5)).isNotEqualTo(Engine.Action.BLOCK);

        // A one-way (possibly spoofed) match proves nothing.
        engine.inspect(udp("10.0.0.50", 7000, "10.0.0.60", 8000, "BT"), 6);
        assertThat(standing(engine, 0x0a00003cL, 8000)).isEqualTo(org.btblocker.api.EndpointKnowledge.Standing.UNKNOWN);
    }

    @Test
    void idleFlowsExpireAndAFullTableEvictsInsteadOfGrowing() {
        Engine engine = engine("btblocker { whitelistPorts = [], flowTable { maxFlows = 64, udpIdleTimeout = 10s } }",
                new MarkerProvider(Interest.UDP_PAYLOAD));
        engine.inspect(udp("10.0.0.1", 1, "10.0.0.2", 2, "x"), 0);
        engine.inspect(udp("10.0.0.1", 1, "10.0.0.2", 2, "x"), 11 * SECOND);
        assertThat(engine.stats().snapshot().flowsCreated()).isEqualTo(2);
        assertThat(decisions).extracting(Decision::reason).containsExactly("idle undecided");

        for (int n = 0; n < 10_000; n++) {
            engine.inspect(udp("10.1.0.1", 1 + n, "10.0.0.2", 2, "x"), 12 * SECOND);
        }
        assertThat(engine.stats().snapshot().activeFlows()).isLessThanOrEqualTo(96);
        assertThat(engine.stats().snapshot().evicted()).isGreaterThan(9_000);
    }

    @Test
    void flushReportsUndecidedFlows() {
        Engine engine = engine("btblocker.whitelistPorts = []", new MarkerProvider(Interest.UDP_PAYLOAD));
        engine.inspect(udp("10.0.0.1", 1, "10.0.0.2", 2, "x"), 0);
        engine.flush(1);
        assertThat(decisions).extracting(Decision::reason).containsExactly("undecided at end of input");
        assertThat(engine.stats().snapshot().activeFlows()).isZero();
    }

    @Test
    void badSettingsNameTheKeyPath() {
        MarkerProvider marker = new MarkerProvider(Interest.UDP_PAYLOAD);
        assertThatThrownBy(() -> engine("btblocker.maxPacketsPerFlow = 0", marker))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("btblocker.maxPacketsPerFlow")
                .hasMessageContaining("from 1 to 1024");
        assertThatThrownBy(() -> engine("btblocker.whitelistPorts = [70000]", marker))
                .hasMessageContaining("btblocker.whitelistPorts");
        assertThatThrownBy(() -> engine("btblocker.allowlist = [\"10.0.0.0/33\"]", marker))
                .hasMessageContaining("btblocker.allowlist");
        assertThatThrownBy(() -> engine("btblocker.maxPacketsPerFlow = lots", marker))
                .isInstanceOf(ConfigException.WrongType.class).hasMessageContaining("maxPacketsPerFlow");
    }

    @Test
    void unknownDetectorNamesListTheAvailableOnes() {
        Config root = ConfigFactory.parseString("btblocker.detectors = [endpoint, nosuch]")
                .withFallback(ConfigFactory.defaultReference()).resolve();
        assertThatThrownBy(() -> Engine.builder(root).build())
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("btblocker.detectors").hasMessageContaining("unknown detector \"nosuch\"")
                .hasMessageContaining("endpoint");
    }
}
