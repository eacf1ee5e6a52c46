package org.btblocker.detectors.entropy;

import java.nio.ByteBuffer;

import org.btblocker.detectors.openings.KnownOpenings;

import org.btblocker.api.Detector;
import org.btblocker.api.Direction;
import org.btblocker.api.FlowContext;
import org.btblocker.api.Verdict;
import org.btblocker.api.packet.PacketView;
import org.btblocker.detectors.utp.UtpHeader;

/**
 * Recognises the opening of BitTorrent Message Stream Encryption: the initiator's first payload is
 * {@code Ya + PadA} (a 96-byte Diffie-Hellman public key and 0..512 random bytes) and the responder's first payload
 * is {@code Yb + PadB}, both 96..608 bytes that look uniformly random. The flow matches when both do; it is
 * {@code NOT_MINE} as soon as one does not, or when the responder speaks first.
 *
 * <p><b>TCP.</b> The detector sees empty segments too: the flow must start with the SYN and SYN-ACK, and the two
 * payloads must start at the first stream byte of their direction (sequence number = ISN + 1). Without that a
 * flow joined mid-stream (an engine restart, a long-lived TLS-less session) would offer random-looking data that
 * is not a first payload at all.
 *
 * <p><b>uTP.</b> Over UDP the payloads are those of uTP {@code ST_DATA} packets (BEP 29), after the uTP header and
 * its extensions; the side that sends the first data packet plays the initiator. Other datagrams (DHT, uTP SYN and
 * acks) are skipped, up to {@code maxUtpDatagrams}.
 *
 * <p>A first payload "looks random" when it is 96..608 bytes and at least {@code minPayloadSize}, goes to a port
 * of at least {@code minResponderPort}, starts like none of the {@link KnownOpenings}, reaches {@code threshold}
 * bits per byte ({@link ByteHistogram#score}) and has a balanced share of bytes with the top bit set.
 *
 * <p><b>Threading:</b> the detector is shared by all flows but, like every detector instance, used by one engine
 * thread; it owns one scratch {@link ByteHistogram}. Per-flow state:
 * <pre>
 * slot 0  bit 0 the first side's payload looked random (waiting for the other side)
 *         bit 1 the first side is the flow's responder (uTP) | bit 2 SYN seen | bit 3 SYN-ACK seen (TCP)
 *         bits 8-23 datagrams inspected (UDP) | bits 24-31 further payloads from the first side while waiting
 * slot 1  TCP initial sequence numbers: bits 0-31 initiator's, bits 32-63 responder's
 * </pre>
 */
final class EntropyDetector implements Detector {

    static final Verdict MSE_TCP = Verdict.match("MSE/PE key exchange: random first payloads both ways (TCP)");
    static final Verdict MSE_UTP = Verdict.match("MSE/PE key exchange: random first payloads both ways (uTP)");

    /** Ya / Yb: a 768-bit Diffie-Hellman public key. */
    static final int KEY_LENGTH = 96;
    /** PadA / PadB: at most 512 bytes. */
    static final int MAX_PAD_LENGTH = 512;
    static final int MAX_OPENING_LENGTH = KEY_LENGTH + MAX_PAD_LENGTH;

    /** Payloads the first side may repeat (retransmissions) before the other side answers. */
    static final int MAX_REPEATS = 3;

    static final int SLOTS = 2;

    private static final long FIRST_RANDOM = 1L;
    private static final long FIRST_IS_RESPONDER = 1L << 1;
    private static final long SYN_SEEN = 1L << 2;
    private static final long SYN_ACK_SEEN = 1L << 3;
    private static final int DATAGRAMS_SHIFT = 8;
    private static final long DATAGRAMS_MASK = 0xffffL;
    private static final int REPEATS_SHIFT = 24;
    private static final long REPEATS_MASK = 0xffL;

    private final EntropySettings settings;
    private final ByteHistogram histogram = new ByteHistogram();

    EntropyDetector(EntropySettings settings) {
        this.settings = settings;
    }

    @Override
    public Verdict inspect(PacketView packet, FlowContext flow) {
        if (packet.isUdp()) {
            return inspectUtp(packet, flow);
        }
        if (!packet.isTcp()) {
            return Verdict.NOT_MINE;
        }
        long state = flow.slot(0);
        boolean fromResponder = flow.direction() == Direction.RESPONDER;
        int len = packet.payloadLength();
        if (packet.hasTcpFlags(PacketView.SYN)) {
            if (len > 0) {
                return Verdict.NOT_MINE; // TCP Fast Open: not how BitTorrent clients connect
            }
            long isns = flow.slot(1);
            if (!fromResponder && !packet.hasTcpFlags(PacketView.ACK)) {
                flow.setSlot(1, (isns & ~0xffff_ffffL) | packet.tcpSeq());
                flow.setSlot(0, state | SYN_SEEN);
            } else if (fromResponder && packet.hasTcpFlags(PacketView.ACK) && (state & SYN_SEEN) != 0) {
                flow.setSlot(1, (isns & 0xffff_ffffL) | (packet.tcpSeq() << 32));
                flow.setSlot(0, state | SYN_ACK_SEEN);
            }
            return Verdict.UNDECIDED;
        }
        if ((state & SYN_SEEN) == 0) {
            return Verdict.NOT_MINE; // joined mid-stream: the first payloads were not seen
        }
        if (len == 0) {
            return Verdict.UNDECIDED;
        }
        if ((state & SYN_ACK_SEEN) == 0) {
            return Verdict.NOT_MINE;
        }
        long isns = flow.slot(1);
        long isn = fromResponder ? isns >>> 32 : isns & 0xffff_ffffL;
        boolean atStreamStart = packet.tcpSeq() == ((isn + 1) & 0xffff_ffffL);
        ByteBuffer buf = packet.buffer();
        int off = packet.payloadOffset();
        if ((state & FIRST_RANDOM) == 0) {
            // MSE's initiator speaks first; a server that talks first (SSH, SMTP, FTP) is not MSE
            if (fromResponder || !atStreamStart) {
                return Verdict.NOT_MINE;
            }
            return first(packet, buf, off, len, flow, state, false);
        }
        if (fromResponder && !atStreamStart) {
            return Verdict.NOT_MINE;
        }
        return second(buf, off, len, flow, state, fromResponder, MSE_TCP);
    }

    private Verdict inspectUtp(PacketView packet, FlowContext flow) {
        long state = flow.slot(0);
        long datagrams = ((state >>> DATAGRAMS_SHIFT) & DATAGRAMS_MASK) + 1;
        state = (state & ~(DATAGRAMS_MASK << DATAGRAMS_SHIFT)) | (datagrams << DATAGRAMS_SHIFT);
        flow.setSlot(0, state);
        Verdict giveUp = datagrams >= settings.maxUtpDatagrams() ? Verdict.NOT_MINE : Verdict.UNDECIDED;
        ByteBuffer buf = packet.buffer();
        int off = packet.payloadOffset();
        int len = packet.payloadLength();
        int header = UtpHeader.parse(buf, off, len);
        if (header < 0 || UtpHeader.type(buf, off) != UtpHeader.ST_DATA || header == len) {
            return giveUp;
        }
        off += header;
        len -= header;
        boolean fromResponder = flow.direction() == Direction.RESPONDER;
        Verdict v = (state & FIRST_RANDOM) == 0
                ? first(packet, buf, off, len, flow, state, fromResponder)
                : second(buf, off, len, flow, state, fromResponder, MSE_UTP);
        return v == Verdict.UNDECIDED ? giveUp : v;
    }

    private Verdict first(PacketView packet, ByteBuffer buf, int off, int len, FlowContext flow, long state,
                          boolean fromResponder) {
        if (packet.dstPort() < settings.minResponderPort() || !looksLikeKeyExchange(buf, off, len)) {
            return Verdict.NOT_MINE;
        }
        flow.setSlot(0, state | FIRST_RANDOM | (fromResponder ? FIRST_IS_RESPONDER : 0));
        return Verdict.UNDECIDED;
    }

    private Verdict second(ByteBuffer buf, int off, int len, FlowContext flow, long state, boolean fromResponder,
                           Verdict match) {
        boolean firstIsResponder = (state & FIRST_IS_RESPONDER) != 0;
        if (fromResponder == firstIsResponder) {
            long repeats = ((state >>> REPEATS_SHIFT) & REPEATS_MASK) + 1;
            if (repeats > MAX_REPEATS) {
                return Verdict.NOT_MINE; // MSE's first side waits for the other key before sending more
            }
            flow.setSlot(0, (state & ~(REPEATS_MASK << REPEATS_SHIFT)) | (repeats << REPEATS_SHIFT));
            return Verdict.UNDECIDED;
        }
        return looksLikeKeyExchange(buf, off, len) ? match : Verdict.NOT_MINE;
    }

    /** True when {@code buf[off, off + len)} could be {@code Y + Pad} of MSE: sized right and random. */
    boolean looksLikeKeyExchange(ByteBuffer buf, int off, int len) {
        if (len < KEY_LENGTH || len > MAX_OPENING_LENGTH || len < settings.minPayloadSize()) {
            return false;
        }
        if (KnownOpenings.match(buf, off, len) != KnownOpenings.NONE) {
            return false;
        }
        return histogram.score(buf, off, len) >= settings.threshold() && histogram.isHighBitBalanced();
    }
}
