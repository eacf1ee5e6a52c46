package org.btblocker.detectors.handshake;

import java.nio.ByteBuffer;

/**
 * The fixed 20-byte start of the BEP 3 peer-wire handshake: the byte 19 followed by {@code "BitTorrent protocol"}.
 * The full handshake goes on with 8 reserved bytes, the 20-byte info_hash and the 20-byte peer_id (68 bytes).
 *
 * <p>Matching is incremental, so a prefix split across TCP segments is still recognised: the caller keeps the number
 * of bytes matched so far and feeds each segment's payload in order.
 */
final class HandshakePrefix {

    /** Bytes in the prefix: 1 length byte + 19 characters. */
    static final int LENGTH = 20;

    /** Bytes in a complete handshake: prefix, reserved, info_hash, peer_id. */
    static final int HANDSHAKE_LENGTH = 68;

    private static final byte[] PREFIX = {
        19, 'B', 'i', 't', 'T', 'o', 'r', 'r', 'e', 'n', 't', ' ', 'p', 'r', 'o', 't', 'o', 'c', 'o', 'l'
    };

    private HandshakePrefix() {
    }

    /**
     * Continues matching the prefix over {@code b[off, end)}.
     *
     * @param seen prefix bytes already matched in earlier segments (0 to {@link #LENGTH})
     * @return the prefix bytes matched after this segment ({@link #LENGTH} once complete; bytes after the prefix
     *         are not looked at), or -1 on the first byte that differs (or when {@code seen} is out of range)
     */
    static int advance(ByteBuffer b, int off, int end, int seen) {
        if (seen < 0 || seen > LENGTH || off < 0 || end > b.limit() || off > end) {
            return -1;
        }
        int matched = seen;
        for (int p = off; p < end && matched < LENGTH; p++, matched++) {
            if (b.get(p) != PREFIX[matched]) {
                return -1;
            }
        }
        return matched;
    }

    /** True when {@code b[off, end)} starts with the whole prefix. */
    static boolean startsWith(ByteBuffer b, int off, int end) {
        return end - off >= LENGTH && advance(b, off, off + LENGTH, 0) == LENGTH;
    }
}
