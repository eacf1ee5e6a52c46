package org.btblocker.detectors.utp;

import java.nio.ByteBuffer;

import org.btblocker.api.Detector;
import org.btblocker.api.Direction;
import org.btblocker.api.FlowContext;
import org.btblocker.api.Verdict;
import org.btblocker.api.packet.PacketView;

/**
 * Recognises a uTP (BEP 29) connection from flow evidence; one datagram that happens to look like a header is never
 * enough.
 *
 * <ol>
 *   <li><b>Handshake.</b> One side sends {@code ST_SYN} with connection_id {@code c} and seq_nr {@code s}; the
 *       other side answers with {@code ST_STATE} (or, leniently, {@code ST_DATA}) carrying the same connection_id
 *       {@code c} and ack_nr {@code s}. BEP 29: the initiator picks {@code conn_id_recv = c} and puts it in the SYN;
 *       the receiver then sends with {@code conn_id_send = c} and acknowledges the SYN's seq_nr; the initiator sends
 *       everything after the SYN with {@code c + 1}.</li>
 *   <li><b>Joined mid-stream.</b> Valid headers in both directions whose connection ids differ by exactly one (the
 *       {@code c} / {@code c + 1} pair above), each direction's connection id constant and seq_nr / ack_nr moving
 *       forward by at most {@link #WINDOW}, each side's ack_nr within {@link #WINDOW} of the other side's seq_nr,
 *       and at least {@code minHeadersMidStream} such headers in all.</li>
 *   <li><b>One direction only</b> (asymmetric routing, a capture of one side; optional): while nothing valid came
 *       back, {@code minHeadersOneWay} headers from one side with one connection id, each moving seq_nr or ack_nr
 *       forward by at most {@link #WINDOW} (repeats such as retransmitted SYNs do not count).</li>
 * </ol>
 *
 * <p>Datagrams that are not uTP (DHT messages share the socket and often the flow) are skipped. After
 * {@code maxDatagrams} datagrams without a match the flow is {@code NOT_MINE}.
 *
 * <p>Shared and stateless; all per-flow state sits in three slots:
 * <pre>
 * slot 0  bits 0-15 SYN connection_id | 16-31 SYN seq_nr | 32 SYN seen | 33 SYN came from the responder
 *         bits 40-55 datagrams inspected
 * slot 1  initiator's headers, slot 2 responder's headers:
 *         bits 0-15 connection_id | 16-31 last seq_nr | 32-47 last ack_nr | 48-55 headers counted | 56 seen
 * </pre>
 */
final class UtpDetector implements Detector {

    static final Verdict HANDSHAKE = Verdict.match("BEP 29 uTP SYN answered by STATE");
    static final Verdict MID_STREAM = Verdict.match("BEP 29 uTP connection (both directions)");
    static final Verdict ONE_WAY = Verdict.match("BEP 29 uTP connection (one direction, advancing headers)");

    /** Sequence distance, in packets, within which a seq_nr or ack_nr counts as "moving forward". */
    static final int WINDOW = 2048;

    static final int SLOTS = 3;
    private static final int HANDSHAKE_SLOT = 0;

    private static final long SYN_SEEN = 1L << 32;
    private static final long SYN_FROM_RESPONDER = 1L << 33;
    private static final int COUNT_SHIFT = 40;
    private static final long COUNT_MASK = 0xffffL;

    private static final int SEQ_SHIFT = 16;
    private static final int ACK_SHIFT = 32;
    private static final int HEADERS_SHIFT = 48;
    private static final long HEADERS_MASK = 0xffL;
    private static final long SIDE_SEEN = 1L << 56;

    private final UtpSettings settings;

    UtpDetector(UtpSettings settings) {
        this.settings = settings;
    }

    @Override
    public Verdict inspect(PacketView packet, FlowContext flow) {
        if (!packet.isUdp()) {
            return Verdict.NOT_MINE;
        }
        long hs = flow.slot(HANDSHAKE_SLOT);
        long count = ((hs >>> COUNT_SHIFT) & COUNT_MASK) + 1;
        hs = (hs & ~(COUNT_MASK << COUNT_SHIFT)) | (count << COUNT_SHIFT);
        flow.setSlot(HANDSHAKE_SLOT, hs);

        ByteBuffer buf = packet.buffer();
        int off = packet.payloadOffset();
        int len = packet.payloadLength();
        if (UtpHeader.parse(buf, off, len) < 0) {
            return giveUpAfter(count);
        }
        int type = UtpHeader.type(buf, off);
        int conn = UtpHeader.connectionId(buf, off);
        int seq = UtpHeader.seqNr(buf, off);
        int ack = UtpHeader.ackNr(buf, off);
        boolean fromResponder = flow.direction() == Direction.RESPONDER;

        if (type == UtpHeader.ST_SYN) {
            hs = (hs & ~0xffff_ffffL & ~SYN_FROM_RESPONDER) | SYN_SEEN | conn | ((long) seq << 16)
                    | (fromResponder ? SYN_FROM_RESPONDER : 0);
            flow.setSlot(HANDSHAKE_SLOT, hs);
        } else if ((type == UtpHeader.ST_STATE || type == UtpHeader.ST_DATA) && (hs & SYN_SEEN) != 0
                && ((hs & SYN_FROM_RESPONDER) != 0) != fromResponder
                && conn == (int) (hs & 0xffff) && ack == (int) ((hs >>> 16) & 0xffff)) {
            return HANDSHAKE;
        }

        int mine = fromResponder ? 2 : 1;
        int theirs = fromResponder ? 1 : 2;
        long side = advance(flow.slot(mine), conn, seq, ack);
        flow.setSlot(mine, side);
        long other = flow.slot(theirs);
        if (isMidStreamMatch(side, other, settings.minHeadersMidStream())) {
            return MID_STREAM;
        }
        if (settings.minHeadersOneWay() > 0 && (other & SIDE_SEEN) == 0
                && headers(side) >= settings.minHeadersOneWay()) {
            return ONE_WAY;
        }
        return giveUpAfter(count);
    }

    private Verdict giveUpAfter(long datagrams) {
        return datagrams >= settings.maxDatagrams() ? Verdict.NOT_MINE : Verdict.UNDECIDED;
    }

    /** The new per-direction state after a valid header {@code (conn, seq, ack)}; pure. */
    static long advance(long side, int conn, int seq, int ack) {
        if ((side & SIDE_SEEN) != 0 && conn == (int) (side & 0xffff)) {
            int lastSeq = (int) ((side >>> SEQ_SHIFT) & 0xffff);
            int lastAck = (int) ((side >>> ACK_SHIFT) & 0xffff);
            int dSeq = (seq - lastSeq) & 0xffff;
            int dAck = (ack - lastAck) & 0xffff;
            if (dSeq <= WINDOW && dAck <= WINDOW) {
                if (dSeq == 0 && dAck == 0) {
                    return side; // a duplicate (retransmitted SYN, repeated ack) proves nothing new
                }
                long headers = Math.min(HEADERS_MASK, ((side >>> HEADERS_SHIFT) & HEADERS_MASK) + 1);
                return pack(conn, seq, ack, headers);
            }
        }
        return pack(conn, seq, ack, 1); // first header, new connection id or a jump: start counting again
    }

    private static long pack(int conn, int seq, int ack, long headers) {
        return SIDE_SEEN | (headers << HEADERS_SHIFT) | ((long) ack << ACK_SHIFT) | ((long) seq << SEQ_SHIFT) | conn;
    }

    /** True when the two directions' states describe one uTP connection seen from both ends; pure. */
    static boolean isMidStreamMatch(long a, long b, int minHeaders) {
        if ((a & SIDE_SEEN) == 0 || (b & SIDE_SEEN) == 0) {
            return false;
        }
        int connDelta = (int) ((a - b) & 0xffff);
        if (connDelta != 1 && connDelta != 0xffff) {
            return false;
        }
        long headers = ((a >>> HEADERS_SHIFT) & HEADERS_MASK) + ((b >>> HEADERS_SHIFT) & HEADERS_MASK);
        if (headers < minHeaders) {
            return false;
        }
        return isNear((int) (a >>> ACK_SHIFT), (int) (b >>> SEQ_SHIFT))
                && isNear((int) (b >>> ACK_SHIFT), (int) (a >>> SEQ_SHIFT));
    }

    /** Headers counted in a per-direction state. */
    static int headers(long side) {
        return (int) ((side >>> HEADERS_SHIFT) & HEADERS_MASK);
    }

    private static boolean isNear(int x, int y) {
        int d = (x - y) & 0xffff;
        return d <= WINDOW || d >= 0x10000 - WINDOW;
    }
}
