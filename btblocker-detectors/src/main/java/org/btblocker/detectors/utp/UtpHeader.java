package org.btblocker.detectors.utp;

import java.nio.ByteBuffer;

/**
 * The uTP version 1 packet header of BEP 29, read in place. Pure static functions over
 * {@code (buf, off, len)}; {@link #parse} validates, the accessors read fields of a header that parsed.
 *
 * <pre>
 *  0       4       8               16              24              32
 *  +-------+-------+---------------+---------------+---------------+
 *  | type  | ver   | extension     | connection_id                 |
 *  +-------+-------+---------------+---------------+---------------+
 *  | timestamp_microseconds                                        |
 *  +---------------+---------------+---------------+---------------+
 *  | timestamp_difference_microseconds                             |
 *  +---------------+---------------+---------------+---------------+
 *  | wnd_size                                                      |
 *  +---------------+---------------+---------------+---------------+
 *  | seq_nr                        | ack_nr                        |
 *  +---------------+---------------+---------------+---------------+
 *  then, while the previous "extension" byte is not 0: next extension (1 byte), length (1 byte), data
 * </pre>
 *
 * <p>Stricter than a receiving peer, to keep the false-positive rate low: only the extension types that clients
 * send are accepted (1 selective ack, 2 the removed "extension bits", 3 libtorrent's close reason) with their
 * lengths, at most {@link #MAX_EXTENSIONS} of them, and {@code ST_STATE} / {@code ST_SYN} must carry no payload
 * (BEP 29: ST_STATE is a bare acknowledgement; ST_SYN opens the connection before any data flows).
 *
 * <p>Public because the {@code entropy} detector uses it to find MSE bytes inside uTP data packets; it is not
 * part of the plugin API.
 */
public final class UtpHeader {

    /** Bytes of the fixed header. */
    public static final int LENGTH = 20;
    /** The only version BEP 29 defines; the low nibble of byte 0. */
    public static final int VERSION = 1;

    /** Packet types (high nibble of byte 0), BEP 29 "type". */
    public static final int ST_DATA = 0, ST_FIN = 1, ST_STATE = 2, ST_RESET = 3, ST_SYN = 4;

    /** Extension types. */
    public static final int EXT_NONE = 0, EXT_SELECTIVE_ACK = 1, EXT_BITS = 2, EXT_CLOSE_REASON = 3;

    /** Longest extension chain accepted; real clients send at most two. */
    public static final int MAX_EXTENSIONS = 4;

    static final int OFFSET_TYPE_VERSION = 0;
    static final int OFFSET_EXTENSION = 1;
    static final int OFFSET_CONNECTION_ID = 2;
    static final int OFFSET_TIMESTAMP = 4;
    static final int OFFSET_TIMESTAMP_DIFFERENCE = 8;
    static final int OFFSET_WND_SIZE = 12;
    static final int OFFSET_SEQ_NR = 16;
    static final int OFFSET_ACK_NR = 18;

    private UtpHeader() {
    }

    /**
     * Validates a uTP header at {@code buf[off, off + len)} (absolute indices; {@code len} is the whole datagram
     * payload).
     *
     * @return the header length including extensions, i.e. the offset of the uTP payload relative to {@code off}
     *         (between {@link #LENGTH} and {@code len}), or -1 when the bytes are not a uTP v1 header
     */
    public static int parse(ByteBuffer buf, int off, int len) {
        if (buf == null || off < 0 || len < LENGTH || off > buf.limit() - len) {
            return -1;
        }
        int first = buf.get(off) & 0xff;
        int type = first >>> 4;
        if ((first & 0x0f) != VERSION || type > ST_SYN) {
            return -1;
        }
        int ext = buf.get(off + OFFSET_EXTENSION) & 0xff;
        int pos = LENGTH;
        for (int i = 0; ext != EXT_NONE; i++) {
            if (i == MAX_EXTENSIONS || pos + 2 > len) {
                return -1;
            }
            int next = buf.get(off + pos) & 0xff;
            int extLength = buf.get(off + pos + 1) & 0xff;
            if (!isValidExtension(ext, extLength) || pos + 2 + extLength > len) {
                return -1;
            }
            pos += 2 + extLength;
            ext = next;
        }
        if ((type == ST_STATE || type == ST_SYN) && pos != len) {
            return -1;
        }
        return pos;
    }

    private static boolean isValidExtension(int type, int length) {
        return switch (type) {
            case EXT_SELECTIVE_ACK -> length >= 4 && (length & 3) == 0; // BEP 29: bitmask, multiple of 32 bits
            case EXT_BITS -> length == 8;
            case EXT_CLOSE_REASON -> length == 4;
            default -> false;
        };
    }

    /** Packet type of a parsed header ({@link #ST_DATA} ... {@link #ST_SYN}). */
    public static int type(ByteBuffer buf, int off) {
        return (buf.get(off) & 0xff) >>> 4;
    }

    /** connection_id, unsigned 16 bit. */
    public static int connectionId(ByteBuffer buf, int off) {
        return buf.getShort(off + OFFSET_CONNECTION_ID) & 0xffff;
    }

    /** timestamp_microseconds, unsigned 32 bit. */
    public static long timestampMicros(ByteBuffer buf, int off) {
        return buf.getInt(off + OFFSET_TIMESTAMP) & 0xffffffffL;
    }

    /** timestamp_difference_microseconds, unsigned 32 bit. */
    public static long timestampDifferenceMicros(ByteBuffer buf, int off) {
        return buf.getInt(off + OFFSET_TIMESTAMP_DIFFERENCE) & 0xffffffffL;
    }

    /** wnd_size, unsigned 32 bit. */
    public static long windowSize(ByteBuffer buf, int off) {
        return buf.getInt(off + OFFSET_WND_SIZE) & 0xffffffffL;
    }

    /** seq_nr, unsigned 16 bit. */
    public static int seqNr(ByteBuffer buf, int off) {
        return buf.getShort(off + OFFSET_SEQ_NR) & 0xffff;
    }

    /** ack_nr, unsigned 16 bit. */
    public static int ackNr(ByteBuffer buf, int off) {
        return buf.getShort(off + OFFSET_ACK_NR) & 0xffff;
    }
}
