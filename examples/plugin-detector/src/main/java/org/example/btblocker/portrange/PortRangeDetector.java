package org.example.btblocker.portrange;

import org.btblocker.api.Detector;
import org.btblocker.api.Direction;
import org.btblocker.api.FlowContext;
import org.btblocker.api.Verdict;
import org.btblocker.api.packet.PacketView;

/** Decides on a flow's first packet: the responder's port is in a blocked range, or this flow is not ours. */
final class PortRangeDetector implements Detector {

    // Not evidence from the bytes, so the flow's endpoints are not taught to the endpoint memory.
    private static final Verdict IN_RANGE = Verdict.matchByAssociation("responder port in btblocker.portrange.ports");

    private final boolean[] blocked;

    PortRangeDetector(boolean[] blocked) {
        this.blocked = blocked;
    }

    @Override
    public Verdict inspect(PacketView packet, FlowContext flow) {
        int responderPort = flow.direction() == Direction.INITIATOR ? packet.dstPort() : packet.srcPort();
        return blocked[responderPort] ? IN_RANGE : Verdict.NOT_MINE;
    }
}
