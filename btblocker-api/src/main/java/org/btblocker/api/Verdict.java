package org.btblocker.api;

import java.util.Objects;

/**
 * What a detector says about a flow after seeing one of its packets.
 *
 * <ul>
 *   <li>{@link Kind#MATCH}: the flow is BitTorrent; the engine blocks it and stops inspecting it.</li>
 *   <li>{@link Kind#UNDECIDED}: not enough evidence yet; show me the next packet of this flow.</li>
 *   <li>{@link Kind#NOT_MINE}: this flow is certainly not what I detect; never call me for it again.</li>
 * </ul>
 *
 * <p>Verdicts are immutable and meant to be created once, as constants, so that returning one allocates nothing:
 * <pre>{@code private static final Verdict HANDSHAKE = Verdict.match("BEP 3 handshake");}</pre>
 */
public final class Verdict {

    /** The three answers a detector can give. */
    public enum Kind { MATCH, UNDECIDED, NOT_MINE }

    /** Show me more packets of this flow. */
    public static final Verdict UNDECIDED = new Verdict(Kind.UNDECIDED, "undecided", false);
    /** Never call me again for this flow. */
    public static final Verdict NOT_MINE = new Verdict(Kind.NOT_MINE, "not mine", false);

    private final Kind kind;
    private final String reason;
    private final boolean provesEndpoints;

    private Verdict(Kind kind, String reason, boolean provesEndpoints) {
        this.kind = kind;
        this.reason = Objects.requireNonNull(reason, "reason");
        this.provesEndpoints = provesEndpoints;
    }

    /**
     * A match backed by the flow's own bytes. The engine remembers the flow's endpoints as BitTorrent peers, so
     * later flows to them (encrypted ones too) are recognised.
     *
     * @param reason a short human-readable reason for logs, e.g. {@code "KRPC get_peers query"}
     */
    public static Verdict match(String reason) {
        return new Verdict(Kind.MATCH, reason, true);
    }

    /**
     * A match by association only (for example: the endpoint was proven BitTorrent earlier). The flow is blocked,
     * but its endpoints are not added to the endpoint memory, so one wrong inference cannot spread.
     */
    public static Verdict matchByAssociation(String reason) {
        return new Verdict(Kind.MATCH, reason, false);
    }

    /** The answer. */
    public Kind kind() {
        return kind;
    }

    /** True for {@link Kind#MATCH}. */
    public boolean isMatch() {
        return kind == Kind.MATCH;
    }

    /** Why; shown in the decision log line. */
    public String reason() {
        return reason;
    }

    /** True when the flow's endpoints may be remembered as BitTorrent peers. */
    public boolean provesEndpoints() {
        return provesEndpoints;
    }

    @Override
    public String toString() {
        return kind == Kind.MATCH ? "MATCH(" + reason + ")" : kind.name();
    }
}
