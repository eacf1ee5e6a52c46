package org.btblocker.detectors.tracker;

import java.nio.ByteBuffer;

/**
 * BEP 15 UDP tracker messages (all integers big-endian). Requests:
 * <pre>
 * connect   0: u64 protocol_id = 0x41727101980, 8: u32 action 0, 12: u32 transaction_id              (16 bytes)
 * announce  0: u64 connection_id, 8: u32 action 1, 12: u32 transaction_id, 16: info_hash[20], 36: peer_id[20],
 *          56: u64 downloaded, 64: u64 left, 72: u64 uploaded, 80: u32 event (0..3), 84: u32 ip, 88: u32 key,
 *          92: i32 num_want, 96: u16 port                                      (98 bytes + BEP 41 options)
 * scrape    0: u64 connection_id, 8: u32 action 2, 12: u32 transaction_id, 16: info_hash[20] * n (1..74)
 * </pre>
 * Responses start with {@code u32 action, u32 transaction_id}:
 * <pre>
 * connect   8: u64 connection_id                                                                   (16 bytes)
 * announce  8: u32 interval, 12: u32 leechers, 16: u32 seeders, 20: peers, 6 bytes each (IPv4) or 18 (IPv6)
 * scrape    8: (u32 seeders, u32 completed, u32 leechers) * n
 * error     8: message
 * </pre>
 * BEP 41 options after the announce request: type 0 end of options, 1 no-op, 2 URL data ({@code u8 length} then
 * the bytes); an unknown type has the same length byte.
 */
final class UdpTrackerMessage {

    static final long PROTOCOL_ID = 0x41727101980L;

    static final int CONNECT = 0;
    static final int ANNOUNCE = 1;
    static final int SCRAPE = 2;
    static final int ERROR = 3;

    static final int CONNECT_LENGTH = 16;
    static final int ANNOUNCE_REQUEST_LENGTH = 98;
    static final int MAX_SCRAPE_HASHES = 74;
    static final int ANNOUNCE_RESPONSE_HEADER = 20;
    static final int MAX_OPTIONS = 64;

    private UdpTrackerMessage() {
    }

    /** The transaction id (0..2^32-1) of a connect request filling {@code b[off, end)}, or -1. */
    static long connectRequestTransaction(ByteBuffer b, int off, int end) {
        if (!inRange(b, off, end) || end - off != CONNECT_LENGTH) {
            return -1;
        }
        if (b.getLong(off) != PROTOCOL_ID || b.getInt(off + 8) != CONNECT) {
            return -1;
        }
        return b.getInt(off + 12) & 0xffffffffL;
    }

    /**
     * The action of an announce or scrape request filling {@code b[off, end)}: {@link #ANNOUNCE} (98 bytes with a
     * valid event, then well-formed BEP 41 options) or {@link #SCRAPE} (16 + 20n bytes); -1 otherwise.
     */
    static int requestAction(ByteBuffer b, int off, int end) {
        if (!inRange(b, off, end) || end - off < 16 || b.getLong(off) == PROTOCOL_ID) {
            return -1;
        }
        int action = b.getInt(off + 8);
        int length = end - off;
        if (action == ANNOUNCE) {
            if (length < ANNOUNCE_REQUEST_LENGTH) {
                return -1;
            }
            int event = b.getInt(off + 80);
            if (event < 0 || event > 3) {
                return -1;
            }
            return optionsFit(b, off + ANNOUNCE_REQUEST_LENGTH, end) ? ANNOUNCE : -1;
        }
        if (action == SCRAPE) {
            int hashes = (length - 16) / 20;
            return (length - 16) % 20 == 0 && hashes >= 1 && hashes <= MAX_SCRAPE_HASHES ? SCRAPE : -1;
        }
        return -1;
    }

    /** BEP 41: options until the end of the datagram or an end-of-options byte. */
    static boolean optionsFit(ByteBuffer b, int off, int end) {
        int p = off;
        for (int i = 0; i < MAX_OPTIONS && p < end; i++) {
            int type = b.get(p) & 0xff;
            if (type == 0) {
                return true;                           // end of options; clients may pad after it
            }
            if (type == 1) {
                p++;
                continue;
            }
            if (p + 1 >= end) {
                return false;
            }
            p += 2 + (b.get(p + 1) & 0xff);
        }
        return p == end;
    }

    /** The transaction id of a request (offset 12). The caller checked the length. */
    static long requestTransaction(ByteBuffer b, int off) {
        return b.getInt(off + 12) & 0xffffffffL;
    }

    /** The connection id of an announce or scrape request (offset 0). */
    static long requestConnectionId(ByteBuffer b, int off) {
        return b.getLong(off);
    }

    /**
     * The action of a response filling {@code b[off, end)} when its length fits: connect (16 bytes), announce
     * (20 + 6n, or 20 + 18n over IPv6), scrape (8 + 12n), error (at least 8); -1 otherwise.
     */
    static int responseAction(ByteBuffer b, int off, int end, boolean ipv6) {
        if (!inRange(b, off, end) || end - off < 8) {
            return -1;
        }
        int action = b.getInt(off);
        int length = end - off;
        return switch (action) {
            case CONNECT -> length == CONNECT_LENGTH ? CONNECT : -1;
            case ANNOUNCE -> length >= ANNOUNCE_RESPONSE_HEADER
                    && (length - ANNOUNCE_RESPONSE_HEADER) % (ipv6 ? 18 : 6) == 0 ? ANNOUNCE : -1;
            case SCRAPE -> length >= 20 && (length - 8) % 12 == 0 ? SCRAPE : -1;
            case ERROR -> ERROR;
            default -> -1;
        };
    }

    /** The transaction id of a response (offset 4). The caller checked the length. */
    static long responseTransaction(ByteBuffer b, int off) {
        return b.getInt(off + 4) & 0xffffffffL;
    }

    /** The connection id of a connect response (offset 8). */
    static long responseConnectionId(ByteBuffer b, int off) {
        return b.getLong(off + 8);
    }

    private static boolean inRange(ByteBuffer b, int off, int end) {
        return b != null && off >= 0 && off <= end && end <= b.limit();
    }
}
