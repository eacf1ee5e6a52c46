package org.btblocker.detectors.handshake;

import java.nio.ByteBuffer;

/**
 * Length-prefixed peer-wire messages after the handshake (BEP 3, BEP 6, BEP 10): {@code <u32 length><u8 id>
 * <payload>}, where the length counts the id and the payload, and a length of 0 is a keep-alive.
 *
 * <p>{@link #scan} walks the messages of one TCP segment from a supposed message boundary and checks each id against
 * its length:
 * <table>
 *   <caption>accepted messages</caption>
 *   <tr><th>id</th><th>message</th><th>length</th></tr>
 *   <tr><td>0-3</td><td>choke, unchoke, interested, not interested (BEP 3)</td><td>1</td></tr>
 *   <tr><td>4</td><td>have (BEP 3)</td><td>5</td></tr>
 *   <tr><td>5</td><td>bitfield (BEP 3)</td><td>2 .. 2^18+1</td></tr>
 *   <tr><td>6, 8</td><td>request, cancel (BEP 3): block length 1 .. 2^17</td><td>13</td></tr>
 *   <tr><td>7</td><td>piece (BEP 3): block of at most 2^17 bytes</td><td>9 .. 2^17+9</td></tr>
 *   <tr><td>9</td><td>port (BEP 5)</td><td>3</td></tr>
 *   <tr><td>13, 17</td><td>suggest piece, allowed fast (BEP 6)</td><td>5</td></tr>
 *   <tr><td>14, 15</td><td>have all, have none (BEP 6)</td><td>1</td></tr>
 *   <tr><td>16</td><td>reject request (BEP 6): block length 1 .. 2^17</td><td>13</td></tr>
 *   <tr><td>20</td><td>extended (BEP 10), see {@link ExtensionMessage}</td><td>2 .. 2^20</td></tr>
 *   <tr><td>21, 23</td><td>hash request, hash reject (BEP 52): pieces root, base layer, index, length, proof
 *       layers</td><td>49</td></tr>
 *   <tr><td>22</td><td>hashes (BEP 52): the same fields and at least one 32-byte hash</td><td>49 + 32k</td></tr>
 * </table>
 * Anything else makes the whole segment invalid. The last message may continue in the next segment; its missing
 * byte count is returned so that the caller can skip it there, and it counts as a message once its length and id
 * (and, for request/cancel/reject, its block length when present) were checked.
 *
 * <p>The answer is a packed {@code long} (read it with the accessors) or -1 when the segment is not peer-wire
 * framing from this offset.
 */
final class PeerWireFrames {

    /** Evidence codes of {@link #evidence}: none, or a complete extended message of a known kind. */
    static final int NO_EVIDENCE = 0;

    static final int MAX_BITFIELD_LENGTH = (1 << 18) + 1;
    static final int MAX_BLOCK = 1 << 17;
    static final int MAX_EXTENDED_LENGTH = 1 << 20;

    /** Messages looked at per segment; a segment with more valid ones is simply reported with this many. */
    static final int MAX_FRAMES_PER_SEGMENT = 255;

    static final int ID_EXTENDED = 20;
    static final int ID_PIECE = 7;
    static final int ID_REQUEST = 6;
    /** BEP 52 hash request / hashes / hash reject: 1 + 32 (pieces root) + 4 × 4. */
    static final int HASH_MESSAGE_LENGTH = 49;
    static final int MAX_HASHES_LENGTH = HASH_MESSAGE_LENGTH + 32 * (1 << 14);
    /** The block size every client requests (BEP 3 "request"), and the length field of its piece message. */
    static final int BLOCK = 1 << 14;
    static final int PIECE_LENGTH_FIELD = 9 + BLOCK;
    /** Bytes searched for a message header by {@link #findBlockMessage}: one piece message and a header. */
    static final int SEARCH_WINDOW = 4 + PIECE_LENGTH_FIELD + 13;
    /** Piece indexes above this are not believed in a header found by searching (16 Mi pieces). */
    static final long MAX_SEARCHED_INDEX = 1L << 24;

    private static final long HAS_FIXED = 1L << 8;
    private static final long ALIGNMENT_LOST = 1L << 9;
    private static final int EVIDENCE_SHIFT = 10;
    private static final int REMAINING_SHIFT = 16;
    private static final int EVIDENCE_OFFSET_SHIFT = 40;
    private static final long MASK_20 = (1L << 20) - 1;
    private static final long MASK_24 = (1L << 24) - 1;

    private PeerWireFrames() {
    }

    /**
     * Walks the messages in {@code b[off, end)} starting at a message boundary.
     *
     * @return -1 when a message has an unknown id or a length that does not fit its id; otherwise the packed result
     */
    static long scan(ByteBuffer b, int off, int end) {
        if (off < 0 || end > b.limit() || off > end || end - off > MASK_20) {
            return -1;
        }
        int p = off;
        int frames = 0;
        long flags = 0;
        int evidence = NO_EVIDENCE;
        int evidenceOffset = 0;
        while (p < end && frames < MAX_FRAMES_PER_SEGMENT) {
            int left = end - p;
            if (left < 4) {
                flags |= ALIGNMENT_LOST;             // the length field itself is split: we cannot follow on
                break;
            }
            long length = b.getInt(p) & 0xffffffffL;
            if (length == 0) {                       // keep-alive: valid, but no evidence of anything
                p += 4;
                continue;
            }
            if (left == 4) {                         // the id is in the next segment
                if (length > MAX_EXTENDED_LENGTH) {
                    return -1;
                }
                return pack(frames, flags, evidence, (int) length, evidenceOffset);
            }
            int id = b.get(p + 4) & 0xff;
            if (!lengthFits(id, length)) {
                return -1;
            }
            int frameEnd = p + 4 + (int) length;     // length <= 2^20 here, no overflow
            if (frameEnd > end) {
                if ((id == 6 || id == 8 || id == 16) && left >= 17 && !blockLengthFits(b, p)) {
                    return -1;
                }
                // the header is checked, so the message counts; its rest is skipped in the next segment
                long fixed = id != ID_EXTENDED && isFixedLength(id) ? HAS_FIXED : 0;
                return pack(frames + 1, flags | fixed, evidence, frameEnd - end, evidenceOffset);
            }
            if (id == 6 || id == 8 || id == 16) {
                if (!blockLengthFits(b, p)) {
                    return -1;
                }
            }
            if (id == ID_EXTENDED) {
                int kind = ExtensionMessage.classify(b, p + 5, frameEnd);
                if (kind == ExtensionMessage.INVALID) {
                    return -1;
                }
                if (kind > ExtensionMessage.OTHER && evidence == NO_EVIDENCE) {
                    evidence = kind;
                    evidenceOffset = p + 6 - off;    // the bencoded dictionary after the extended id
                }
            } else if (isFixedLength(id)) {
                flags |= HAS_FIXED;
            }
            frames++;
            p = frameEnd;
        }
        return pack(frames, flags, evidence, 0, evidenceOffset);
    }

    /** True when {@code length} (id + payload) is allowed for message {@code id}. */
    static boolean lengthFits(int id, long length) {
        return switch (id) {
            case 0, 1, 2, 3, 14, 15 -> length == 1;
            case 4, 13, 17 -> length == 5;
            case 5 -> length >= 2 && length <= MAX_BITFIELD_LENGTH;
            case 6, 8, 16 -> length == 13;
            case 7 -> length >= 9 && length <= 9 + MAX_BLOCK;
            case 9 -> length == 3;
            case ID_EXTENDED -> length >= 2 && length <= MAX_EXTENDED_LENGTH;
            case 21, 23 -> length == HASH_MESSAGE_LENGTH;
            case 22 -> length >= HASH_MESSAGE_LENGTH + 32 && length <= MAX_HASHES_LENGTH
                    && (length - HASH_MESSAGE_LENGTH) % 32 == 0;
            default -> false;
        };
    }

    /** Messages whose length is fixed by their id; variable ones (bitfield, piece, extended) prove less. */
    static boolean isFixedLength(int id) {
        return id != 5 && id != 7 && id != ID_EXTENDED && id != 22;
    }

    /**
     * Searches {@code b[off, end)} (its first {@value #SEARCH_WINDOW} bytes) for the header of a message about a
     * standard 16 KiB block, to find the message framing of a stream joined in the middle: a piece message (length
     * 16,393, id 7) or a request (length 13, id 6, block length 16,384), with a begin offset that is a multiple of
     * 16 KiB and a piece index below 2^24. That is 54 fixed bits or more, so random bytes match with probability below
     * 10^-12 per segment.
     *
     * @return the offset of the header (a message boundary), or -1
     */
    static int findBlockMessage(ByteBuffer b, int off, int end) {
        if (off < 0 || end > b.limit() || off > end) {
            return -1;
        }
        int last = Math.min(end, off + SEARCH_WINDOW) - 13;     // a header needs 13 bytes
        for (int p = off; p <= last; p++) {
            int id = b.get(p + 4);
            if ((id != ID_PIECE && id != ID_REQUEST) || b.get(p) != 0 || b.get(p + 1) != 0) {
                continue;
            }
            int length = b.getInt(p);
            long index = b.getInt(p + 5) & 0xffffffffL;
            long begin = b.getInt(p + 9) & 0xffffffffL;
            if (index >= MAX_SEARCHED_INDEX || begin % BLOCK != 0 || begin >= (1L << 30)) {
                continue;
            }
            if (id == ID_PIECE ? length == PIECE_LENGTH_FIELD
                    : length == 13 && p + 17 <= end && b.getInt(p + 13) == BLOCK) {
                return p;
            }
        }
        return -1;
    }

    private static boolean blockLengthFits(ByteBuffer b, int frame) {
        long block = b.getInt(frame + 13) & 0xffffffffL;
        return block >= 1 && block <= MAX_BLOCK;
    }

    private static long pack(int frames, long flags, int evidence, int remaining, int evidenceOffset) {
        return frames | flags | ((long) evidence << EVIDENCE_SHIFT) | ((remaining & MASK_24) << REMAINING_SHIFT)
                | ((evidenceOffset & MASK_20) << EVIDENCE_OFFSET_SHIFT);
    }

    /** Messages other than keep-alives: the complete ones and a checked last one that continues. */
    static int frames(long result) {
        return (int) (result & 0xff);
    }

    /** True when one of the complete messages has a fixed length (not bitfield, piece or extended). */
    static boolean hasFixedLength(long result) {
        return (result & HAS_FIXED) != 0;
    }

    /** True when the segment ends inside a length field, so the next segment's boundary is unknown. */
    static boolean alignmentLost(long result) {
        return (result & ALIGNMENT_LOST) != 0;
    }

    /** The first evidence found: {@link #NO_EVIDENCE} or an {@link ExtensionMessage} kind. */
    static int evidence(long result) {
        return (int) ((result >>> EVIDENCE_SHIFT) & 0xf);
    }

    /** Bytes of the last message that continue in the next segment. */
    static int remaining(long result) {
        return (int) ((result >>> REMAINING_SHIFT) & MASK_24);
    }

    /** Offset, from the scan start, of the bencoded dictionary of the evidence message. */
    static int evidenceOffset(long result) {
        return (int) ((result >>> EVIDENCE_OFFSET_SHIFT) & MASK_20);
    }
}
