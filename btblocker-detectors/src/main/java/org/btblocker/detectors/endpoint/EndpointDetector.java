package org.btblocker.detectors.endpoint;

import org.btblocker.api.Detector;
import org.btblocker.api.Direction;
import org.btblocker.api.EndpointKnowledge;
import org.btblocker.api.FlowContext;
import org.btblocker.api.Verdict;
import org.btblocker.api.packet.PacketView;

/** Matches a flow whose first packet goes to (or, for UDP, comes from) a remembered BitTorrent endpoint. */
final class EndpointDetector implements Detector {

    private static final Verdict KNOWN_PEER = Verdict.matchByAssociation("endpoint proven BitTorrent earlier");

    @Override
    public Verdict inspect(PacketView p, FlowContext flow) {
        if (flow.packetIndex() != 0) {
            return Verdict.NOT_MINE;
        }
        EndpointKnowledge known = flow.endpoints();
        boolean fromInitiator = flow.direction() == Direction.INITIATOR;
        // The responder listens on its port; for UDP the initiator's source port is its listening port too.
        boolean responderKnown = fromInitiator ? known.isKnownPeer(p.dstHi(), p.dstLo(), p.dstPort())
                : known.isKnownPeer(p.srcHi(), p.srcLo(), p.srcPort());
        if (responderKnown) {
            return KNOWN_PEER;
        }
        if (p.isUdp()) {
            boolean initiatorKnown = fromInitiator ? known.isKnownPeer(p.srcHi(), p.srcLo(), p.srcPort())
                    : known.isKnownPeer(p.dstHi(), p.dstLo(), p.dstPort());
            if (initiatorKnown) {
                return KNOWN_PEER;
            }
        }
        return Verdict.NOT_MINE;
    }
}
