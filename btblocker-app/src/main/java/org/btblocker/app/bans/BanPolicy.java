package org.btblocker.app.bans;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.btblocker.api.packet.PacketView;
import org.btblocker.engine.Decision;

/**
 * Turns a BLOCK decision into the addresses to ban, resisting spoofed bans: the original tool banned whatever source
 * address one UDP packet carried, so anyone could get any address banned.
 *
 * <ul>
 *   <li>TCP: only a flow whose three-way handshake completed with matching sequence numbers (or that carried
 *       payload both ways) can cause a ban; a blind spoofer cannot complete it.</li>
 *   <li>UDP: a flow that carried traffic in both directions, or else {@code ban.minEvidence} separate one-way
 *       detections of the same address.</li>
 *   <li>Addresses in {@code allowlist} are never banned.</li>
 * </ul>
 * The detected flow itself is dropped either way; this only decides the ban. Runs on the ban worker thread.
 */
final class BanPolicy {

    /** The outcome: who to ban, or why nobody. */
    record Plan(List<InetAddress> addresses, String skipped) {
        static Plan none(String why) {
            return new Plan(List.of(), why);
        }
    }

    private static final int MAX_TRACKED = 65_536;

    private final BanSettings settings;
    // address -> one-way detections so far; oldest dropped first so that it stays bounded
    private final Map<InetAddress, Integer> oneWayEvidence = new LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Integer> eldest) {
            return size() > MAX_TRACKED;
        }
    };

    BanPolicy(BanSettings settings) {
        this.settings = settings;
    }

    Plan plan(Decision d) {
        if (!d.blocked()) {
            return Plan.none("not blocked");
        }
        if (settings.monitorOnly()) {
            return Plan.none("monitorOnly");
        }
        if (settings.target() == BanTarget.NONE) {
            return Plan.none("ban.target=none");
        }
        InetAddress offender = d.offenderAddress();
        if (!d.bidirectional()) {
            if (d.protocol() == PacketView.TCP) {
                return Plan.none("TCP handshake not completed both ways (possibly spoofed)");
            }
            int seen = oneWayEvidence.merge(offender, 1, Integer::sum);
            if (seen < settings.minEvidence()) {
                return Plan.none("one-way UDP, evidence " + seen + "/" + settings.minEvidence());
            }
        }
        InetAddress initiator = d.initiatorAddress();
        InetAddress responder = d.responderAddress();
        List<InetAddress> candidates = new ArrayList<>(2);
        switch (settings.target()) {
            case SOURCE -> candidates.add(offender);
            case BOTH -> {
                candidates.add(initiator);
                candidates.add(responder);
            }
            case REMOTE, LOCAL -> {
                boolean wantLocal = settings.target() == BanTarget.LOCAL;
                for (InetAddress a : List.of(initiator, responder)) {
                    if (settings.localNetworks().contains(a) == wantLocal) {
                        candidates.add(a);
                    }
                }
            }
            default -> throw new IllegalStateException(settings.target().name());
        }
        List<InetAddress> addresses = new ArrayList<>(2);
        for (InetAddress a : candidates) {
            if (!settings.allowlist().contains(a) && !addresses.contains(a)) {
                addresses.add(a);
            }
        }
        if (addresses.isEmpty()) {
            return Plan.none(candidates.isEmpty() ? "no " + settings.target().name().toLowerCase() + " endpoint"
                    : "allowlist");
        }
        oneWayEvidence.remove(offender);
        return new Plan(List.copyOf(addresses), null);
    }
}
