package org.btblocker.bansink;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import org.btblocker.api.ban.BanEntry;

/** What the ipset and nftables listings share when they turn a kernel dump into {@link BanEntry} values. */
public final class BanEntries {

    private BanEntries() {
    }

    /** An address from its 4 or 16 raw bytes (never a hostname lookup); the caller checked the length. */
    public static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new AssertionError("length checked: " + raw.length, e);
        }
    }

    /** A malformed reply: drops what this reply added ({@code out} from index {@code before}) and returns -1. */
    public static int discardFrom(List<BanEntry> out, int before) {
        out.subList(before, out.size()).clear();
        return -1;
    }
}
