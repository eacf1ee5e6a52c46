package org.btblocker.detectors.lsd;

import org.btblocker.api.Detector;
import org.btblocker.api.FlowContext;
import org.btblocker.api.Verdict;
import org.btblocker.api.packet.PacketView;

/**
 * Matches a BEP 14 announce sent to the LSD multicast group (or, when configured, to port 6771 of any address).
 * The first datagram decides: an announce is always a single datagram, so anything else in its place is not LSD.
 */
final class LsdDetector implements Detector {

    private static final Verdict MATCH = Verdict.match("BEP 14 local service discovery announce");

    private final LsdSettings settings;

    LsdDetector(LsdSettings settings) {
        this.settings = settings;
    }

    @Override
    public Verdict inspect(PacketView p, FlowContext flow) {
        if (!p.isUdp() || flow.payloadIndex() > 0) {
            return Verdict.NOT_MINE;
        }
        boolean toGroup = LsdAnnounce.isGroup(p.dstHi(), p.dstLo(), p.dstPort());
        if (!toGroup && !(settings.acceptUnicast() && p.dstPort() == LsdAnnounce.PORT)) {
            return Verdict.NOT_MINE;
        }
        return LsdAnnounce.parse(p.buffer(), p.payloadOffset(), p.payloadLength()) > 0 ? MATCH : Verdict.NOT_MINE;
    }
}
