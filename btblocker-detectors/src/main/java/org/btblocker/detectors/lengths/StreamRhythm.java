package org.btblocker.detectors.lengths;

/**
 * The message-length rhythm of the BEP 3 peer wire, as it shows in the lengths of a TCP stream even when every byte
 * is RC4-encrypted (MSE/PE keeps lengths). Pure static functions over primitives and packed {@code long} state, so
 * that detectors keep it in their flow slots and allocate nothing.
 *
 * <p><b>Piece messages.</b> A downloader asks for 16 KiB blocks (BEP 3 "request", every client in use), so the
 * uploader's stream is mostly {@code piece} messages of exactly {@value #PIECE_MESSAGE} bytes: a 4-byte length, id
 * 7, index, begin and 16,384 bytes. A client writes whole messages, and a TCP segment that carries the end of a write
 * ends there, so packet ends fall at stream offsets a whole number of piece messages apart. {@link #advance} keeps,
 * per direction, the stream offset modulo {@value #PIECE_MESSAGE} and the residues of the last {@value #RING} packet
 * ends; a packet that ends on one of them is a <em>hit</em>. A stream whose packet ends fall anywhere hits with
 * probability {@value #RING}/16,397 (0.02 %) per packet; fixed-size records of other protocols (TLS 16,406 or 16,413
 * bytes, shadowsocks 16,417, SSH, HTTP/2 16,393 + 9 framing on TLS) drift against 16,397 and never line up.
 *
 * <p><b>Control messages.</b> {@link #isControlFlight}: a flight (what one side sends before the other answers) of
 * 5 (choke, unchoke, interested, not interested, have all/none), 9 (have), 13 (a piece header written before its
 * block), 17 (request, cancel) bytes or two of them. No fully encrypted protocol sends so little: AEAD shadowsocks and
 * VMess chunks carry at least 35 bytes, obfs4 frames 21, TLS records 22, WireGuard messages 32, SSH packets 28.
 * {@link #isRequestFlight}: whole requests, possibly with one or two haves (17a + 9b, b at most 2).
 *
 * <p>Packed direction state ({@code long}): bits 0-31 the next expected TCP sequence number, bits 32-46 the stream
 * offset of that number modulo {@value #PIECE_MESSAGE}, bit 47 "started", bits 48-55 hits (saturating at 255). Ring
 * ({@code long}): {@value #RING} residues of 16 bits, {@value #EMPTY} for an unused place.
 */
public final class StreamRhythm {

    /** Bytes of a piece message carrying a 16 KiB block: 4 (length) + 1 (id) + 4 (index) + 4 (begin) + 16,384. */
    public static final int PIECE_MESSAGE = 4 + 1 + 4 + 4 + (1 << 14);
    /** Bytes of a request (and cancel, BEP 6 reject) message: 4 + 1 + 3 × 4. */
    public static final int REQUEST_MESSAGE = 17;
    /** Bytes of a have message. */
    public static final int HAVE_MESSAGE = 9;
    /** Packet-end residues remembered per direction. */
    public static final int RING = 4;
    /** An empty place in the ring (a residue is below 16,397). */
    public static final int EMPTY = 0xffff;
    /** A ring with no residue. */
    public static final long EMPTY_RING = -1L;

    /** Result of {@link #newBytes} for a segment that brings nothing new (a retransmission). */
    public static final int OLD = -1;

    private static final long SEQ_MASK = 0xffff_ffffL;
    private static final int POSITION_SHIFT = 32;
    private static final long POSITION_MASK = 0x7fff;
    private static final long STARTED = 1L << 47;
    private static final int HITS_SHIFT = 48;
    private static final long HITS_MASK = 0xff;

    private StreamRhythm() {
    }

    /** True for a direction whose first segment was seen. */
    public static boolean isStarted(long direction) {
        return (direction & STARTED) != 0;
    }

    /** Piece-aligned packet ends seen so far in this direction. */
    public static int hits(long direction) {
        return (int) ((direction >>> HITS_SHIFT) & HITS_MASK);
    }

    /** The direction state of a stream whose next sequence number is {@code nextSeq} (after a SYN: ISN + 1). */
    public static long startAt(long nextSeq) {
        return STARTED | (nextSeq & SEQ_MASK);
    }

    /**
     * Bytes a segment {@code [seq, seq + length)} adds to a direction whose state is {@code direction}: {@link #OLD}
     * when it ends at or before the next expected byte (a retransmission), otherwise the count of bytes past it
     * (a partly retransmitted segment counts its new bytes; a segment after a hole counts the hole too, since those
     * bytes belong to the stream). A direction not started yet counts the whole segment.
     */
    public static int newBytes(long direction, long seq, int length) {
        if (!isStarted(direction)) {
            return length;
        }
        int end = (int) (seq + length);
        int advance = end - (int) (direction & SEQ_MASK);   // modulo 2^32, as TCP compares sequence numbers
        return advance <= 0 || advance > (1 << 30) ? OLD : advance;
    }

    /**
     * The direction state after a segment that ends at {@code end} (its sequence number plus its length) and adds
     * {@code added} bytes ({@link #newBytes}, not {@link #OLD}); counts a hit when the end's residue is in {@code
     * ring}. Read the new ring with {@link #pushEnd}.
     */
    public static long advance(long direction, long end, int added, long ring) {
        int position = (int) ((((direction >>> POSITION_SHIFT) & POSITION_MASK) + added) % PIECE_MESSAGE);
        int hits = hits(direction);
        if (contains(ring, position) && hits < HITS_MASK) {
            hits++;
        }
        return STARTED | (end & SEQ_MASK) | ((long) position << POSITION_SHIFT) | ((long) hits << HITS_SHIFT);
    }

    /** The residue, modulo {@value #PIECE_MESSAGE}, of the direction's next expected byte. */
    public static int position(long direction) {
        return (int) ((direction >>> POSITION_SHIFT) & POSITION_MASK);
    }

    /** {@code ring} with {@code residue} added, dropping its oldest one. */
    public static long pushEnd(long ring, int residue) {
        return (ring << 16) | (residue & 0xffff);
    }

    /** True when {@code residue} is one of the ring's. */
    public static boolean contains(long ring, int residue) {
        for (int k = 0; k < RING; k++) {
            if (((ring >>> (16 * k)) & 0xffff) == residue) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when a whole flight of {@code length} bytes can only be peer-wire control messages: 5, 9, 10, 13, 14, 17
     * or 18 bytes (one or two of choke/unchoke/interested/not interested/have all/have none, have, a piece header,
     * request). Below the smallest record of every fully encrypted protocol listed in the class comment.
     */
    public static boolean isControlFlight(int length) {
        return switch (length) {
            case 5, 9, 10, 13, 14, 17, 18 -> true;
            default -> false;
        };
    }

    /** True when a flight of {@code length} bytes is whole requests, with at most two haves: 17a + 9b, b <= 2. */
    public static boolean isRequestFlight(int length) {
        for (int haves = 0; haves <= 2; haves++) {
            int rest = length - haves * HAVE_MESSAGE;
            if (rest >= REQUEST_MESSAGE && rest % REQUEST_MESSAGE == 0) {
                return true;
            }
        }
        return false;
    }

    /** True when a flight is a whole number (1 to 64) of piece messages. */
    public static boolean isPieceFlight(long length) {
        return length >= PIECE_MESSAGE && length <= 64L * PIECE_MESSAGE && length % PIECE_MESSAGE == 0;
    }
}
