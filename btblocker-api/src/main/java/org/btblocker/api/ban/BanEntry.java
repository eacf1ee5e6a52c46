package org.btblocker.api.ban;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * One ban currently in place, as {@link BanSink#list()} reports it.
 *
 * @param address   the banned address (IPv4 or IPv6)
 * @param remaining time left until the ban expires; {@link Duration#ZERO} when the entry has no timeout
 */
public record BanEntry(InetAddress address, Duration remaining) {

    /** Validates the fields. */
    public BanEntry {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(remaining, "remaining");
        if (remaining.isNegative()) {
            throw new IllegalArgumentException("remaining time must not be negative: " + remaining);
        }
    }
}
