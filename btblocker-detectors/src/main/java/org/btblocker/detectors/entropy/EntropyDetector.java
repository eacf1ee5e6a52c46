package org.btblocker.detectors.entropy;

import java.nio.ByteBuffer;

import org.btblocker.api.Detector;
import org.btblocker.api.Direction;
import org.btblocker.api.FlowContext;
import org.btblocker.api.Verdict;
import org.btblocker.api.packet.PacketView;
import org.btblocker.detectors.lengths.StreamRhythm;
import org.btblocker.detectors.openings.KnownOpenings;
import org.btblocker.detectors.utp.UtpHeader;

/**
 * Recognises BitTorrent Message Stream Encryption by its structure: the flights of its key exchange, then the
 * message lengths of the peer wire that RC4 leaves as they are (see the package documentation for every condition and
 * what it excludes).
 *
 * <p>A <em>flight</em> is what one side sends before the other side sends payload. Over TCP its bytes are counted by
 * sequence number from the SYN and SYN-ACK on, so segmentation, retransmissions and coalescing change nothing; over
 * uTP by the payload of {@code ST_DATA} packets, each sequence number counted once. The flow must show, in order:
 * <ol>
 *   <li>the initiator's {@code Ya + PadA}: 96..608 bytes whose first segment looks random, then nothing more from it;
 *   <li>the responder's {@code Yb + PadB}: 96..608 random-looking bytes, then nothing more from it;
 *   <li>the initiator's {@code HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S), ENCRYPT(VC, crypto_provide,
 *       len(PadC), PadC, len(IA)), ENCRYPT(IA)}: at least 56 bytes;
 *   <li>the responder's {@code ENCRYPT(VC, crypto_select, len(PadD), PadD)} and its first stream bytes: at least 14;
 *   <li>then, within {@code maxFlights} flights, peer-wire lengths worth {@value #PROOF_SCORE} points: a flight
 *       that can only be control messages ({@link StreamRhythm#isControlFlight}) or a whole number of piece messages
 *       2 each, the initiator's 68-byte handshake as the first flight after the exchange 1, a run of flights of whole
 *       requests from one side 1 per flight (at most 3), each packet that ends a whole number of piece messages after
 *       an earlier packet end of its direction 1.
 * </ol>
 * Only then does it match, with {@link Verdict#match}: the exchange is complete and the stream after it is the peer
 * wire, so the endpoints may be proven. Anything out of order, out of size or a hole in the exchange is
 * {@code NOT_MINE}.
 *
 * <p><b>Threading:</b> the detector is shared by all flows but, like every detector instance, used by one engine
 * thread; it owns one scratch {@link ByteHistogram}. Per-flow state:
 * <pre>
 * slot 0  bit 0 SYN seen, bit 1 SYN-ACK seen (TCP), bit 2 the current flight is the responder's,
 *         bit 3 the first data came from the flow's responder (uTP), bits 4-11 flights begun,
 *         bits 12-35 bytes of the current flight (saturating), bits 36-43 score, bits 44-45 the current run of request
 *         flights, bits 46-47 points given for request runs, bit 48 the run is the responder's
 * slot 1  initiator's direction, slot 3 responder's ({@link StreamRhythm} packed state; over uTP the "sequence
 *         number" is the payload byte count)
 * slot 2  initiator's packet-end ring, slot 4 responder's, stored inverted (a zero slot is an empty ring)
 * slot 5  uTP only: bits 0-15 initiator's next seq_nr, bits 16-31 responder's, bits 32/33 known
 * </pre>
 */
final class EntropyDetector implements Detector {

    static final Verdict MSE_TCP = Verdict.match("MSE/PE key exchange, then peer-wire message lengths (TCP)");
    static final Verdict MSE_UTP = Verdict.match("MSE/PE key exchange, then peer-wire message lengths (uTP)");

    /** Ya / Yb: a 768-bit Diffie-Hellman public key. */
    static final int KEY_LENGTH = 96;
    /** PadA / PadB: at most 512 bytes. */
    static final int MAX_PAD_LENGTH = 512;
    static final int MAX_OPENING_LENGTH = KEY_LENGTH + MAX_PAD_LENGTH;
    /** Two 20-byte hashes, then VC (8), crypto_provide (4), len(PadC) (2), len(IA) (2). */
    static final int MIN_INITIATOR_SYNC = 20 + 20 + 8 + 4 + 2 + 2;
    /** VC (8), crypto_select (4), len(PadD) (2). */
    static final int MIN_RESPONDER_SYNC = 8 + 4 + 2;
    /** Points of peer-wire lengths after the exchange that prove the flow. */
    static final int PROOF_SCORE = 4;
    /**
     * Flights of whole requests: 17a + 9b lengths are common (3 in 17 of any lengths), so only a run of them from one
     * side counts, a point per flight of the longest run, at most this many.
     */
    static final int MAX_REQUEST_POINTS = 3;
    /** The BEP 3 handshake, which opens the encrypted stream. */
    static final int HANDSHAKE_LENGTH = 68;

    static final int SLOTS = 6;

    private static final int STATE = 0;
    private static final int UTP_SEQ = 5;

    private static final long SYN_SEEN = 1L;
    private static final long SYN_ACK_SEEN = 1L << 1;
    private static final long FLIGHT_FROM_RESPONDER = 1L << 2;
    private static final long FIRST_IS_RESPONDER = 1L << 3;
    private static final int FLIGHTS_SHIFT = 4;
    private static final long FLIGHTS_MASK = 0xff;
    private static final int BYTES_SHIFT = 12;
    private static final long BYTES_MASK = (1L << 24) - 1;
    private static final int SCORE_SHIFT = 36;
    private static final long SCORE_MASK = 0xff;
    private static final int RUN_SHIFT = 44;              // consecutive request flights of one side, 0..3
    private static final int REQUEST_POINTS_SHIFT = 46;   // points given for them so far, 0..3
    private static final long RUN_FROM_RESPONDER = 1L << 48;

    private static final long UTP_INITIATOR_KNOWN = 1L << 32;
    private static final long UTP_RESPONDER_KNOWN = 1L << 33;

    private static final int EXCHANGE_FLIGHTS = 4;

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
        long state = flow.slot(STATE);
        boolean fromResponder = flow.direction() == Direction.RESPONDER;
        int len = packet.payloadLength();
        if (packet.hasTcpFlags(PacketView.SYN)) {
            if (len > 0) {
                return Verdict.NOT_MINE; // TCP Fast Open: not how BitTorrent clients connect
            }
            if (!fromResponder && !packet.hasTcpFlags(PacketView.ACK)) {
                flow.setSlot(1, StreamRhythm.startAt(packet.tcpSeq() + 1));
                flow.setSlot(STATE, state | SYN_SEEN);
            } else if (fromResponder && packet.hasTcpFlags(PacketView.ACK) && (state & SYN_SEEN) != 0) {
                flow.setSlot(3, StreamRhythm.startAt(packet.tcpSeq() + 1));
                flow.setSlot(STATE, state | SYN_ACK_SEEN);
            }
            return Verdict.UNDECIDED;
        }
        if ((state & SYN_SEEN) == 0) {
            return Verdict.NOT_MINE; // joined mid-stream: the key exchange was not seen (detector "rhythm" is for that)
        }
        if (len == 0) {
            return Verdict.UNDECIDED;
        }
        if ((state & SYN_ACK_SEEN) == 0) {
            return Verdict.NOT_MINE;
        }
        int dirSlot = fromResponder ? 3 : 1;
        long direction = flow.slot(dirSlot);
        int added = StreamRhythm.newBytes(direction, packet.tcpSeq(), len);
        if (added == StreamRhythm.OLD) {
            return Verdict.UNDECIDED;                      // a retransmission brings nothing new
        }
        int flights = (int) ((state >>> FLIGHTS_SHIFT) & FLIGHTS_MASK);
        if (added > len && flights <= EXCHANGE_FLIGHTS) {
            return Verdict.NOT_MINE;                       // bytes of the exchange were never seen
        }
        int fresh = Math.min(added, len);
        int off = packet.payloadOffset() + len - fresh;
        Verdict v = onBytes(packet.buffer(), off, fresh, added, fromResponder, state, flow, MSE_TCP);
        if (v == Verdict.UNDECIDED) {
            track(flow, dirSlot, direction, packet.tcpSeq() + len, added);
            return scoreOrGiveUp(flow);
        }
        return v;
    }

    private Verdict inspectUtp(PacketView packet, FlowContext flow) {
        ByteBuffer buf = packet.buffer();
        int off = packet.payloadOffset();
        int len = packet.payloadLength();
        long state = flow.slot(STATE);
        int flights = (int) ((state >>> FLIGHTS_SHIFT) & FLIGHTS_MASK);
        Verdict giveUp = flights == 0 && flow.payloadIndex() + 1 >= settings.maxUtpDatagrams()
                ? Verdict.NOT_MINE : Verdict.UNDECIDED;
        int header = UtpHeader.parse(buf, off, len);
        if (header < 0 || UtpHeader.type(buf, off) != UtpHeader.ST_DATA || header == len) {
            return giveUp;                                 // DHT, uTP SYN/STATE/FIN on the same port pair
        }
        boolean fromResponder = flow.direction() == Direction.RESPONDER;
        if (flights == 0 && fromResponder) {
            state |= FIRST_IS_RESPONDER;                   // the side that sends the first data plays the initiator
        }
        boolean initiatorSide = fromResponder == ((state & FIRST_IS_RESPONDER) != 0);
        long seqs = flow.slot(UTP_SEQ);
        int shift = initiatorSide ? 0 : 16;
        long known = initiatorSide ? UTP_INITIATOR_KNOWN : UTP_RESPONDER_KNOWN;
        int seq = UtpHeader.seqNr(buf, off);
        int expected = (int) ((seqs >>> shift) & 0xffff);
        int ahead = (seq - expected) & 0xffff;
        if ((seqs & known) != 0 && ahead != 0) {
            if (ahead > 0x8000) {
                return Verdict.UNDECIDED;                  // a retransmission
            }
            if (flights <= EXCHANGE_FLIGHTS) {
                return Verdict.NOT_MINE;                   // a data packet of the exchange was never seen
            }
        }
        flow.setSlot(UTP_SEQ, (seqs & ~(0xffffL << shift)) | ((long) ((seq + 1) & 0xffff) << shift) | known);
        int data = len - header;
        int dirSlot = initiatorSide ? 1 : 3;
        long direction = flow.slot(dirSlot);
        long position = direction & 0xffff_ffffL;         // over uTP: payload bytes so far
        Verdict v = onBytes(buf, off + header, data, data, !initiatorSide, state, flow, MSE_UTP);
        if (v == Verdict.UNDECIDED) {
            track(flow, dirSlot, StreamRhythm.isStarted(direction) ? direction : StreamRhythm.startAt(0),
                    position + data, data);
            return scoreOrGiveUp(flow);
        }
        return v;
    }

    /**
     * New bytes {@code buf[off, off + fresh)} (of {@code added} stream bytes, more after a hole) from one side,
     * {@code responderSide} meaning the MSE responder's: extends the current flight or closes it and opens the next.
     */
    private Verdict onBytes(ByteBuffer buf, int off, int fresh, int added, boolean responderSide, long state,
                            FlowContext flow, Verdict match) {
        int flights = (int) ((state >>> FLIGHTS_SHIFT) & FLIGHTS_MASK);
        long bytes = (state >>> BYTES_SHIFT) & BYTES_MASK;
        int score = (int) ((state >>> SCORE_SHIFT) & SCORE_MASK);
        boolean sameFlight = flights > 0 && ((state & FLIGHT_FROM_RESPONDER) != 0) == responderSide;
        if (sameFlight) {
            bytes = Math.min(BYTES_MASK, bytes + added);
            if (flights <= 2 && bytes > MAX_OPENING_LENGTH) {
                return Verdict.NOT_MINE;                   // Ya + PadA, Yb + PadB: nothing more before the answer
            }
        } else {
            if (flights > 0) {
                int points = closedFlight(flights, bytes);
                if (points < 0) {
                    return Verdict.NOT_MINE;
                }
                boolean handshake = flights == EXCHANGE_FLIGHTS + 1 && bytes == HANDSHAKE_LENGTH;
                if (flights > EXCHANGE_FLIGHTS && !handshake) {
                    state = requestRun(state, isRequestFlight(bytes), !responderSide);
                    int given = (int) ((state >>> REQUEST_POINTS_SHIFT) & 3);
                    int run = (int) ((state >>> RUN_SHIFT) & 3);
                    if (run > given) {
                        points += run - given;
                        state = (state & ~(3L << REQUEST_POINTS_SHIFT)) | ((long) run << REQUEST_POINTS_SHIFT);
                    }
                }
                score += points;
            }
            if (flights == 0 && responderSide) {
                return Verdict.NOT_MINE;                   // MSE's initiator speaks first; SSH, SMTP, FTP servers do
            }
            if (flights < 2 && !looksLikeKeyExchange(buf, off, fresh)) {
                return Verdict.NOT_MINE;
            }
            flights = Math.min((int) FLIGHTS_MASK, flights + 1);
            bytes = Math.min(BYTES_MASK, added);
        }
        if (score >= PROOF_SCORE) {
            return match;
        }
        state = (state & ~((FLIGHTS_MASK << FLIGHTS_SHIFT) | (BYTES_MASK << BYTES_SHIFT) | (SCORE_MASK << SCORE_SHIFT)
                | FLIGHT_FROM_RESPONDER))
                | ((long) flights << FLIGHTS_SHIFT) | (bytes << BYTES_SHIFT) | ((long) score << SCORE_SHIFT)
                | (responderSide ? FLIGHT_FROM_RESPONDER : 0);
        flow.setSlot(STATE, state);
        return Verdict.UNDECIDED;
    }

    /**
     * Points for flight {@code number} (1-based) of {@code bytes} bytes once the other side answered it (request
     * flights are counted apart, by {@link #requestRun}); -1 when an exchange flight is out of size.
     */
    int closedFlight(int number, long bytes) {
        switch (number) {
            case 1, 2:
                return bytes >= KEY_LENGTH && bytes >= settings.minPayloadSize() ? 0 : -1;
            case 3:
                return bytes >= MIN_INITIATOR_SYNC ? 0 : -1;
            case 4:
                return bytes >= MIN_RESPONDER_SYNC ? 0 : -1;
            default:
                break;
        }
        if (number == EXCHANGE_FLIGHTS + 1 && bytes == HANDSHAKE_LENGTH) {
            // the initiator's first stream flight is its handshake alone when IA was empty (libtorrent, aria2, Vuze)
            return 1;
        }
        if (StreamRhythm.isControlFlight((int) Math.min(bytes, Integer.MAX_VALUE)) || StreamRhythm.isPieceFlight(bytes)) {
            return 2;
        }
        return 0;
    }

    /**
     * The request run after a closed flight from one side ({@code fromResponder}) that is, or is not, whole requests:
     * it grows with each request flight of the side that runs it and ends with any other flight of that side.
     */
    private static long requestRun(long state, boolean requests, boolean fromResponder) {
        int run = (int) ((state >>> RUN_SHIFT) & 3);
        boolean sameSide = ((state & RUN_FROM_RESPONDER) != 0) == fromResponder;
        if (requests) {
            run = sameSide || run == 0 ? Math.min(MAX_REQUEST_POINTS, run + 1) : 1;
            state = fromResponder ? state | RUN_FROM_RESPONDER : state & ~RUN_FROM_RESPONDER;
        } else if (sameSide) {
            run = 0;
        }
        return (state & ~(3L << RUN_SHIFT)) | ((long) run << RUN_SHIFT);
    }

    private static boolean isRequestFlight(long bytes) {
        return bytes < Integer.MAX_VALUE && StreamRhythm.isRequestFlight((int) bytes);
    }

    /**
     * Follows where the direction's packets end ({@link StreamRhythm}); after the exchange, a packet that ends a whole
     * number of piece messages after an earlier one is a point.
     */
    private static void track(FlowContext flow, int dirSlot, long direction, long end, int added) {
        long ring = ~flow.slot(dirSlot + 1);
        long next = StreamRhythm.advance(direction, end, added, ring);
        flow.setSlot(dirSlot, next);
        flow.setSlot(dirSlot + 1, ~StreamRhythm.pushEnd(ring, StreamRhythm.position(next)));
        if (StreamRhythm.hits(next) > StreamRhythm.hits(direction)) {
            long state = flow.slot(STATE);
            if (((state >>> FLIGHTS_SHIFT) & FLIGHTS_MASK) > EXCHANGE_FLIGHTS) {
                long score = Math.min(SCORE_MASK, ((state >>> SCORE_SHIFT) & SCORE_MASK) + 1);
                flow.setSlot(STATE, (state & ~(SCORE_MASK << SCORE_SHIFT)) | (score << SCORE_SHIFT));
            }
        }
    }

    private Verdict scoreOrGiveUp(FlowContext flow) {
        long state = flow.slot(STATE);
        if (((state >>> SCORE_SHIFT) & SCORE_MASK) >= PROOF_SCORE) {
            return matchFor(flow);
        }
        long flights = (state >>> FLIGHTS_SHIFT) & FLIGHTS_MASK;
        if (flights > EXCHANGE_FLIGHTS + settings.maxFlights()) {
            return Verdict.NOT_MINE;
        }
        if (flights > EXCHANGE_FLIGHTS) {
            // the four flights of a key exchange, in order and in size: the proof is in the next maxFlights flights,
            // which a fast seed can spread over more packets than maxPacketsPerFlow (pieces in many segments)
            flow.keepInspecting();
        }
        return Verdict.UNDECIDED;
    }

    private static Verdict matchFor(FlowContext flow) {
        return (flow.slot(UTP_SEQ) & (UTP_INITIATOR_KNOWN | UTP_RESPONDER_KNOWN)) != 0 ? MSE_UTP : MSE_TCP;
    }

    /**
     * True when the first segment of a key-exchange flight, {@code buf[off, off + len)}, could be {@code Y + Pad} of
     * MSE: at least the key, at most the key and the longest pad, at least {@code minPayloadSize}, no known
     * protocol's opening, and random-looking.
     */
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
