package org.btblocker.detectors.handshake;

import java.nio.ByteBuffer;

/**
 * Peer id conventions (informational only: nothing is blocked because of a peer id).
 *
 * <p>BEP 20 describes the common "Azureus-style" peer id: {@code '-'}, two client letters, four version characters,
 * {@code '-'}, then 12 random bytes, e.g. {@code -UT3450-}, {@code -TR2940-}, {@code -qB4250-}, {@code -lt0D60-},
 * {@code -DE1190-}, {@code -AZ5750-}, {@code -BC0200-}. The handshake's peer id sits at bytes 48..67.
 */
final class PeerId {

    /** Offset of the peer id inside a BEP 3 handshake. */
    static final int OFFSET_IN_HANDSHAKE = 48;

    /** Bytes in a peer id. */
    static final int LENGTH = 20;

    private PeerId() {
    }

    /**
     * True when the 8 bytes at {@code off} look like {@code -XXvvvv-}: two letters, four letters or digits.
     * Needs 8 bytes before {@code end}.
     */
    static boolean isAzureusStyle(ByteBuffer b, int off, int end) {
        if (off < 0 || end > b.limit() || end - off < 8) {
            return false;
        }
        if (b.get(off) != '-' || b.get(off + 7) != '-') {
            return false;
        }
        for (int i = 1; i <= 2; i++) {
            if (!isLetter(b.get(off + i))) {
                return false;
            }
        }
        for (int i = 3; i <= 6; i++) {
            byte c = b.get(off + i);
            if (!isLetter(c) && !(c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetter(byte c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }
}
