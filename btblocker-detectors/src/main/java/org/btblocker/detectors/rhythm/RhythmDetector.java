package org.btblocker.detectors.rhythm;

import org.btblocker.api.Detector;
import org.btblocker.api.Direction;
import org.btblocker.api.FlowContext;
import org.btblocker.api.Verdict;
import org.btblocker.api.packet.PacketView;
import org.btblocker.detectors.lengths.StreamRhythm;

/**
 * Flow logic of the rhythm detector. A flow whose first packet here is its SYN was seen from the start: not ours
 * (the handshake and entropy detectors judge openings). Otherwise each direction is followed by sequence number:
 * where its packets end relative to 16 KiB piece messages ({@link StreamRhythm}), and what its complete flights are
 * (a flight that began before the first packet seen here is not judged). The flow matches when one direction has
 * {@code minHits} packet ends a whole number of piece messages after an earlier one and the other direction sent a
 * flight of control messages or whole requests: a downloader asking, an uploader answering in 16 KiB pieces. The
 * match is by association ({@link Verdict#matchByAssociation}): lengths are a strong sign, not a proof, so the
 * flow's endpoints are not remembered.
 *
 * <pre>
 * slot 0  bit 0 started (the first packet was not a SYN), bit 1 the current flight is the responder's,
 *         bit 2 a flight was closed (the current one began here), bit 3 the initiator sent requests or control
 *         messages, bit 4 the responder did, bits 8-31 bytes of the current flight (saturating),
 *         bits 32-47 payload packets inspected
 * slot 1  initiator's direction, slot 3 responder's ({@link StreamRhythm} packed state)
 * slot 2  initiator's packet-end ring, slot 4 responder's, stored inverted (a zero slot is an empty ring)
 * slot 5  initiator's kept residues (those that were hit), slot 6 responder's, stored inverted
 * </pre>
 */
final class RhythmDetector implements Detector {

    static final Verdict PIECES_AND_REQUESTS = Verdict.matchByAssociation(
            "peer-wire message lengths mid-stream: 16 KiB piece messages one way, requests the other");

    static final int SLOTS = 7;
    /** Slot of the initiator's kept residues; the responder's is the next one. */
    private static final int KEPT = 5;

    private static final int STATE = 0;
    private static final long STARTED = 1L;
    private static final long FLIGHT_FROM_RESPONDER = 1L << 1;
    private static final long FLIGHT_CLOSED = 1L << 2;
    private static final long INITIATOR_ASKED = 1L << 3;
    private static final long RESPONDER_ASKED = 1L << 4;
    private static final int BYTES_SHIFT = 8;
    private static final long BYTES_MASK = (1L << 24) - 1;
    private static final int PACKETS_SHIFT = 32;
    private static final long PACKETS_MASK = 0xffff;

    private final RhythmSettings settings;

    RhythmDetector(RhythmSettings settings) {
        this.settings = settings;
    }

    @Override
    public Verdict inspect(PacketView packet, FlowContext flow) {
        if (!packet.isTcp()) {
            return Verdict.NOT_MINE;
        }
        long state = flow.slot(STATE);
        if ((state & STARTED) == 0) {
            if (packet.hasTcpFlags(PacketView.SYN) && !packet.hasTcpFlags(PacketView.ACK)) {
                return Verdict.NOT_MINE;               // seen from its SYN: the opening detectors judge it
            }
            state = STARTED;
        }
        int len = packet.payloadLength();
        if (len == 0) {
            flow.setSlot(STATE, state);
            return Verdict.UNDECIDED;
        }
        long packets = ((state >>> PACKETS_SHIFT) & PACKETS_MASK) + 1;
        state = (state & ~(PACKETS_MASK << PACKETS_SHIFT)) | (packets << PACKETS_SHIFT);
        boolean fromResponder = flow.direction() == Direction.RESPONDER;
        int dirSlot = fromResponder ? 3 : 1;
        long direction = flow.slot(dirSlot);
        int added = StreamRhythm.newBytes(direction, packet.tcpSeq(), len);
        if (added != StreamRhythm.OLD) {
            state = flights(state, fromResponder, added);
            long ring = ~flow.slot(dirSlot + 1);
            int keptSlot = KEPT + (fromResponder ? 1 : 0);
            long kept = ~flow.slot(keptSlot);
            // a residue that was hit once is kept: an uploader behind a rate limiter ends the first packet of each
            // burst on a message boundary, with several packets in between that the recent ends do not span
            long next = StreamRhythm.advance(direction, packet.tcpSeq() + len, added, ring);
            int position = StreamRhythm.position(next);
            if (StreamRhythm.hits(next) == StreamRhythm.hits(direction) && StreamRhythm.contains(kept, position)) {
                next = StreamRhythm.advance(direction, packet.tcpSeq() + len, added, kept);
            } else if (StreamRhythm.hits(next) > StreamRhythm.hits(direction) && !StreamRhythm.contains(kept, position)) {
                flow.setSlot(keptSlot, ~StreamRhythm.pushEnd(kept, position));
            }
            flow.setSlot(dirSlot, next);
            flow.setSlot(dirSlot + 1, ~StreamRhythm.pushEnd(ring, position));
            long otherAsked = fromResponder ? INITIATOR_ASKED : RESPONDER_ASKED;
            if (StreamRhythm.hits(next) >= settings.minHits() && (state & otherAsked) != 0) {
                return PIECES_AND_REQUESTS;
            }
            long asked = fromResponder ? RESPONDER_ASKED : INITIATOR_ASKED;
            long otherDirection = flow.slot(fromResponder ? 1 : 3);
            if ((state & asked) != 0 && StreamRhythm.hits(otherDirection) >= settings.minHits()) {
                return PIECES_AND_REQUESTS;
            }
        }
        flow.setSlot(STATE, state);
        return packets >= settings.maxPackets() ? Verdict.NOT_MINE : Verdict.UNDECIDED;
    }

    /** The state after {@code added} new bytes from one side: the current flight grows, or closes and is judged. */
    private static long flights(long state, boolean fromResponder, int added) {
        long bytes = (state >>> BYTES_SHIFT) & BYTES_MASK;
        boolean current = (state & FLIGHT_FROM_RESPONDER) != 0;
        if (bytes > 0 && current != fromResponder) {
            if ((state & FLIGHT_CLOSED) != 0) {        // the flight began here: it is whole
                int length = (int) bytes;
                if (StreamRhythm.isControlFlight(length) || StreamRhythm.isRequestFlight(length)) {
                    state |= current ? RESPONDER_ASKED : INITIATOR_ASKED;
                }
            }
            state |= FLIGHT_CLOSED;
            bytes = 0;
        }
        bytes = Math.min(BYTES_MASK, bytes + added);
        state = (state & ~((BYTES_MASK << BYTES_SHIFT) | FLIGHT_FROM_RESPONDER)) | (bytes << BYTES_SHIFT)
                | (fromResponder ? FLIGHT_FROM_RESPONDER : 0);
        return state;
    }
}
