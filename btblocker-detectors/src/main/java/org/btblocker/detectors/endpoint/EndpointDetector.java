package org.btblocker.detectors.endpoint;

import java.nio.ByteBuffer;

import org.btblocker.api.Detector;
import org.btblocker.api.Direction;
import org.btblocker.api.EndpointKnowledge;
import org.btblocker.api.EndpointKnowledge.Standing;
import org.btblocker.api.FlowContext;
import org.btblocker.api.Verdict;
import org.btblocker.api.packet.PacketView;
import org.btblocker.detectors.openings.KnownOpenings;

/**
 * Judges a flow to (or, for UDP, from) an endpoint the endpoint memory knows well enough ({@code minStanding}).
 * Knowing the endpoint makes the flow suspect, not guilty: the flow still needs its own evidence not to contradict
 * it. The first payload, from either side, decides:
 * <ul>
 *   <li>it opens like a known protocol (HTTP, TLS, SSH, QUIC, DNS, WireGuard, STUN, SMB; over TCP also
 *       length-prefixed or binary-header framing): not BitTorrent, {@code NOT_MINE};</li>
 *   <li>anything else (random bytes, MSE's key exchange, uTP): matched by association;</li>
 *   <li>a TCP connection that ends (RST or FIN) before any payload, or whose SYN is sent again unanswered, which is
 *       what a connection to a BitTorrent peer that is full or gone looks like: matched by association (a server
 *       that answers is judged by what it says).</li>
 * </ul>
 * Only flows seen from their first packet are judged. Slot 0: bit 0 the flow is suspect, bit 1 its SYN was seen.
 */
final class EndpointDetector implements Detector {

    static final Verdict KNOWN_PEER = Verdict.matchByAssociation(
            "endpoint known to speak BitTorrent, and the flow opens like no other protocol");
    static final Verdict KNOWN_PEER_NO_PAYLOAD = Verdict.matchByAssociation(
            "endpoint known to speak BitTorrent, and the connection ended before any payload");
    static final Verdict KNOWN_PEER_UNANSWERED = Verdict.matchByAssociation(
            "endpoint known to speak BitTorrent, and it leaves the connection unanswered");

    private static final long SUSPECT = 1;
    private static final long SYN_SEEN = 2;

    private final Standing minStanding;

    EndpointDetector(Standing minStanding) {
        this.minStanding = minStanding;
    }

    @Override
    public Verdict inspect(PacketView p, FlowContext flow) {
        long state = flow.slot(0);
        if ((state & SUSPECT) == 0) {
            if (flow.packetIndex() != 0 || !suspect(p, flow)) {
                return Verdict.NOT_MINE;
            }
            state = SUSPECT;
            flow.setSlot(0, state);
        }
        int length = p.payloadLength();
        if (length > 0) {
            return isEvidenceAgainst(p.buffer(), p.payloadOffset(), length, p.isTcp()) ? Verdict.NOT_MINE : KNOWN_PEER;
        }
        if (p.isTcp() && (p.hasTcpFlags(PacketView.RST) || p.hasTcpFlags(PacketView.FIN))) {
            return KNOWN_PEER_NO_PAYLOAD;
        }
        if (p.isTcp() && p.hasTcpFlags(PacketView.SYN) && !p.hasTcpFlags(PacketView.ACK)) {
            if ((state & SYN_SEEN) != 0 && !flow.hasBothDirections()) {
                return KNOWN_PEER_UNANSWERED;          // a SYN sent again: the peer is gone or full
            }
            flow.setSlot(0, state | SYN_SEEN);
        }
        return Verdict.UNDECIDED;
    }

    /** True when the endpoint the flow goes to (its listening side) is known well enough. */
    private boolean suspect(PacketView p, FlowContext flow) {
        EndpointKnowledge known = flow.endpoints();
        long now = flow.nowNanos();
        boolean fromInitiator = flow.direction() == Direction.INITIATOR;
        // The responder listens on its port; for UDP the initiator's source port is its listening port too.
        Standing responder = fromInitiator ? known.standing(p.dstHi(), p.dstLo(), p.dstPort(), now)
                : known.standing(p.srcHi(), p.srcLo(), p.srcPort(), now);
        if (responder.atLeast(minStanding)) {
            return true;
        }
        if (p.isUdp()) {
            Standing initiator = fromInitiator ? known.standing(p.srcHi(), p.srcLo(), p.srcPort(), now)
                    : known.standing(p.dstHi(), p.dstLo(), p.dstPort(), now);
            return initiator.atLeast(minStanding);
        }
        return false;
    }

    /** True when the payload opens like a protocol BitTorrent does not speak. */
    static boolean isEvidenceAgainst(ByteBuffer b, int off, int len, boolean tcp) {
        int opening = KnownOpenings.match(b, off, len);
        if (tcp) {
            return opening != KnownOpenings.NONE && opening != KnownOpenings.BITTORRENT_PLAINTEXT;
        }
        return KnownOpenings.isSpecificProtocol(opening) || KnownOpenings.isDnsMessage(b, off, len);
    }
}
