package org.btblocker.app.control;

import java.net.InetAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.btblocker.api.packet.Addresses;
import org.btblocker.app.bans.BanJournal;

/**
 * One active ban as {@code btblocker bans list} shows it, whether read from the daemon (control socket) or from
 * the ban journal.
 *
 * @param address     the address in its compressed form
 * @param secondsLeft whole seconds until it expires
 * @param detector    the detector, or {@code operator} / {@code import}
 * @param reason      why
 * @param origin      {@code detection}, {@code operator} or {@code fleet}
 */
public record BanLine(String address, long secondsLeft, String detector, String reason, String origin) {

    /** The journal entry {@code e} at {@code now}. */
    public static BanLine of(BanJournal.Entry e, Instant now) {
        long millis = e.expires().toEpochMilli() - now.toEpochMilli();
        // rounded up: a ban made for 3600 s shows 3600 s left, never 3599, in the moment after it was made
        return new BanLine(format(e.address()), Math.max(0, (millis + 999) / 1000),
                e.detector(), e.reason(), e.origin().name().toLowerCase(Locale.ROOT));
    }

    /** The compressed text form of an address ({@code fd00::2}, never {@code fd00:0:0:...}). */
    public static String format(InetAddress a) {
        return Addresses.formatAddress(Addresses.hi(a), Addresses.lo(a));
    }

    /** As one JSON response line's object. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("addr", address);
        m.put("left", secondsLeft);
        m.put("detector", detector);
        m.put("reason", reason);
        m.put("origin", origin);
        return m;
    }

    /** Read back from {@link #toJson()}; null when it is not a ban line. */
    public static BanLine fromJson(Map<String, Object> m) {
        if (!(m.get("addr") instanceof String a) || !(m.get("left") instanceof Long left)) {
            return null;
        }
        return new BanLine(a, left, m.get("detector") instanceof String d ? d : "",
                m.get("reason") instanceof String r ? r : "", m.get("origin") instanceof String o ? o : "");
    }

    /** True for an IPv6 address. */
    public boolean isIpv6() {
        return address.indexOf(':') >= 0;
    }
}
