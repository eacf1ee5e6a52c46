package org.btblocker.api.ban;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * One address to ban.
 *
 * @param address  the address to ban (IPv4 or IPv6)
 * @param duration how long from now; the sink's entry expires after it (a restored ban carries the time it has
 *                 left)
 * @param detector the detector whose match caused the ban ({@code "operator"} for a ban added by hand)
 * @param reason   the detector's reason, for logs
 * @param origin   where the ban comes from, so that a sink never sends a ban back to where it came from
 */
public record BanRequest(InetAddress address, Duration duration, String detector, String reason, Origin origin) {

    /** Where a ban was decided. */
    public enum Origin {
        /** A detection by this daemon. */
        DETECTION,
        /** An operator ({@code btblocker bans add}, {@code bans import}). */
        OPERATOR,
        /** Another gateway, through a {@link BanFeed} (a fleet's decision stream). */
        FLEET
    }

    /** Validates the fields. */
    public BanRequest {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(detector, "detector");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(origin, "origin");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("ban duration must be positive: " + duration);
        }
    }

    /** A ban caused by this daemon's own detection. */
    public BanRequest(InetAddress address, Duration duration, String detector, String reason) {
        this(address, duration, detector, reason, Origin.DETECTION);
    }

    /** The same ban with another duration (a restore passes the time left). */
    public BanRequest withDuration(Duration newDuration) {
        return new BanRequest(address, newDuration, detector, reason, origin);
    }
}
