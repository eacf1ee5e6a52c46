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
 *   <li>UDP: a flow that carried traffic in both directions, or else one-way detections of the same address with
 *       {@code ban.minEvidence} different counterparts within {@code ban.evidenceWindow}: evidence expires, and one
 *       counterpart (however many flows it makes) counts once.</li>
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

    /** One-way detections of one address: when, and which counterpart each came from. */
    private static final class Evidence {
        final long[] when = new long[MAX_EVIDENCE];
        final int[] counterpart = new int[MAX_EVIDENCE];
        int size;

        /** Adds one detection, dropping what is older than the window; returns the distinct counterparts left. */
        int add(long now, int from, long windowMillis) {
            int kept = 0;
            for (int i = 0; i < size; i++) {
                if (now - when[i] < windowMillis && counterpart[i] != from) {
                    when[kept] = when[i];
                    counterpart[kept] = counterpart[i];
                    kept++;
                }
            }
            size = kept;
            if (size == MAX_EVIDENCE) {             // full: the oldest goes
                System.arraycopy(when, 1, when, 0, size - 1);
                System.arraycopy(counterpart, 1, counterpart, 0, size - 1);
                size--;
            }
            when[size] = now;
            counterpart[size] = from;
            return ++size;
        }
    }

    private static final int MAX_EVIDENCE = 64;

    private final BanSettings settings;
    // address -> recent one-way detections; least recently touched dropped first so that it stays bounded
    private final Map<InetAddress, Evidence> oneWayEvidence;

    BanPolicy(BanSettings settings) {
        this(settings, new LinkedHashMap<>(1024, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Evidence> eldest) {
                return size() > MAX_TRACKED;
            }
        });
    }

    private BanPolicy(BanSettings settings, Map<InetAddress, Evidence> evidence) {
        this.settings = settings;
        this.oneWayEvidence = evidence;
    }

    /** The same policy with new settings (a reload); the evidence gathered so far is kept. */
    BanPolicy withSettings(BanSettings next) {
        return new BanPolicy(next, oneWayEvidence);
    }

    /** The plan for {@code d}, with the ban worker's clock ({@code now} dates one-way evidence). */
    Plan plan(Decision d, java.time.Instant now) {
        return plan(d, now.toEpochMilli());
    }

    private Plan plan(Decision d, long nowMillis) {
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
            // Each counterpart counts once, and only within the window: one host that sends many spoofed flows, or
            // detections spread over days, do not add up to a ban.
            InetAddress counterpart = offender.equals(d.initiatorAddress()) ? d.responderAddress()
                    : d.initiatorAddress();
            int seen = oneWayEvidence.computeIfAbsent(offender, a -> new Evidence()).add(nowMillis,
                    counterpart.hashCode(), settings.evidenceWindow().toMillis());
            if (seen < settings.minEvidence()) {
                return Plan.none("one-way UDP, evidence " + seen + "/" + settings.minEvidence() + " within "
                        + settings.evidenceWindow().toSeconds() + " s");
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
