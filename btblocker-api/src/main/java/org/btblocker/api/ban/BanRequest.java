package org.btblocker.api.ban;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * One address to ban.
 *
 * @param address  the address to ban (IPv4 or IPv6)
 * @param duration how long; the kernel set entry expires after it
 * @param detector the detector whose match caused the ban
 * @param reason   the detector's reason, for logs
 */
public record BanRequest(InetAddress address, Duration duration, String detector, String reason) {

    /** Validates the fields. */
    public BanRequest {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(detector, "detector");
        Objects.requireNonNull(reason, "reason");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("ban duration must be positive: " + duration);
        }
    }
}
