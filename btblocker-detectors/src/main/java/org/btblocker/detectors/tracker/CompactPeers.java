package org.btblocker.detectors.tracker;

import java.nio.ByteBuffer;

import org.btblocker.api.EndpointKnowledge;
import org.btblocker.api.packet.Addresses;

/**
 * Compact peer lists (BEP 23 for IPv4: 4-byte address + 2-byte port; BEP 7 / BEP 15 for IPv6: 16 + 2 bytes), as
 * found in tracker responses.
 */
final class CompactPeers {

    private CompactPeers() {
    }

    /**
     * Remembers at most {@code max} peers of the compact list {@code b[off, off + length)}; entries with port 0 or
     * an all-zero address are skipped.
     *
     * @param ipv6 18-byte entries when true, 6-byte entries otherwise
     * @return the number of peers remembered
     */
    static int remember(ByteBuffer b, int off, int length, boolean ipv6, EndpointKnowledge knowledge, int max) {
        int size = ipv6 ? 18 : 6;
        if (off < 0 || length < 0 || off > b.limit() - length || length % size != 0) {
            return 0;
        }
        int n = 0;
        for (int p = off; p + size <= off + length && n < max; p += size) {
            long hi;
            long lo;
            if (ipv6) {
                hi = b.getLong(p);
                lo = b.getLong(p + 8);
            } else {
                hi = 0;
                lo = Addresses.IPV4_MAPPED_PREFIX | (b.getInt(p) & 0xffffffffL);
            }
            int port = b.getShort(p + size - 2) & 0xffff;
            boolean zero = ipv6 ? (hi == 0 && lo == 0) : lo == Addresses.IPV4_MAPPED_PREFIX;
            if (port != 0 && !zero) {
                knowledge.rememberPeer(hi, lo, port);
                n++;
            }
        }
        return n;
    }
}
