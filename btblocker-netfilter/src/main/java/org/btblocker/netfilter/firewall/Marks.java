package org.btblocker.netfilter.firewall;

/**
 * The packet/connection mark bits btblocker owns. Only the bits in {@code mask} are read or written, so other users of
 * the mark (policy routing, QoS) keep the rest.
 *
 * @param clean      value (within mask) for connections decided clean: they skip the queue from then on
 * @param bittorrent value (within mask) for connections decided BitTorrent: their packets are dropped
 * @param mask       the bits we own
 */
public record Marks(long clean, long bittorrent, long mask) {

    /** Checks that both values are distinct, non-zero and inside the 32-bit mask. */
    public Marks {
        check(mask != 0 && mask == (mask & 0xFFFF_FFFFL), "mask must be a non-zero 32-bit value");
        check(clean != 0 && (clean & ~mask) == 0, "clean mark must be non-zero and inside the mask");
        check(bittorrent != 0 && (bittorrent & ~mask) == 0, "bittorrent mark must be non-zero and inside the mask");
        check(clean != bittorrent, "clean and bittorrent marks must differ");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Hex as iptables prints it, e.g. {@code 0x1}. */
    static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    /** {@code clean/mask} for {@code -m connmark --mark}. */
    String cleanMatch() {
        return hex(clean) + "/" + hex(mask);
    }

    /** {@code bittorrent/mask} for {@code -m connmark --mark}. */
    String bittorrentMatch() {
        return hex(bittorrent) + "/" + hex(mask);
    }
}
