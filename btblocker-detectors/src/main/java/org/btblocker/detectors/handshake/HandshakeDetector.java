package org.btblocker.detectors.handshake;

import java.nio.ByteBuffer;

import org.btblocker.api.Detector;
import org.btblocker.api.Direction;
import org.btblocker.api.FlowContext;
import org.btblocker.api.Verdict;
import org.btblocker.api.packet.PacketView;

/**
 * Flow logic of the handshake detector. Each direction of a TCP flow is followed on its own, in one slot:
 * <ol>
 *   <li>Stream start: the direction's payload must begin with the 20-byte handshake prefix (it may arrive in
 *       pieces). The whole prefix is a match; the first differing byte moves the direction to the next stage.</li>
 *   <li>Messages: each later segment is read as peer-wire messages from a message boundary (the end of the previous
 *       segment's last message when it was followed, else the segment start). A handshake prefix at a segment start
 *       (MSE/PE that negotiated plaintext, BEP 8), a BEP 10 extension handshake, a ut_metadata or ut_pex message is
 *       a match; so is a run of {@code minFrames} consecutive valid messages with at least one fixed-length kind.</li>
 * </ol>
 * After {@code maxPayloadPackets} payload packets without evidence the flow is not ours, but never while a
 * direction is part-way through the prefix: each of its bytes so far matched, so it ends within 20 bytes either way,
 * and an opening sent one byte per segment must not run out the budget (the engine keeps such a flow under
 * inspection until 68 bytes of each direction arrived). Tiny segments are evidence in themselves: a direction that
 * spread the first {@value #DRIBBLED_PREFIX_BYTES} prefix bytes over as many segments matches.
 */
final class HandshakeDetector implements Detector {

    static final int SLOTS = 2;

    static final Verdict HANDSHAKE = Verdict.match("BEP 3 handshake");
    static final Verdict HANDSHAKE_CLIENT_PEER_ID = Verdict.match("BEP 3 handshake, BEP 20 client peer_id");
    static final Verdict HANDSHAKE_AFTER_START = Verdict.match("BEP 3 handshake after stream start");
    static final Verdict EXTENSION_HANDSHAKE = Verdict.match("BEP 10 extension handshake");
    static final Verdict UT_METADATA = Verdict.match("BEP 9 ut_metadata message");
    static final Verdict UT_PEX = Verdict.match("BEP 11 ut_pex message");
    static final Verdict PEER_WIRE_MESSAGES = Verdict.match("BEP 3 peer-wire messages");
    static final Verdict BLOCK_MESSAGE = Verdict.match("BEP 3 piece or request of a 16 KiB block inside a segment");
    static final Verdict HANDSHAKE_DRIBBLED = Verdict.match("BEP 3 handshake prefix in tiny segments");

    /** Prefix bytes ("\x13BitT") that, each in a segment of its own or nearly so, are evidence enough. */
    static final int DRIBBLED_PREFIX_BYTES = 5;

    // Slot layout, one slot per direction.
    private static final long PREFIX_MASK = 0x1f;          // bits 0-4: prefix bytes matched at the stream start
    private static final long MESSAGES = 1L << 5;          // prefix failed: reading messages
    private static final long ALIGNED = 1L << 6;           // the next segment's message boundary is known
    private static final long RUN_FIXED = 1L << 7;         // the run holds a fixed-length message
    private static final int RUN_SHIFT = 8;                // bits 8-15: messages in the current run
    private static final int REMAINING_SHIFT = 16;         // bits 16-39: bytes of the last message still to come
    private static final long MASK_24 = (1L << 24) - 1;

    private final HandshakeSettings settings;

    HandshakeDetector(HandshakeSettings settings) {
        this.settings = settings;
    }

    @Override
    public Verdict inspect(PacketView packet, FlowContext flow) {
        int length = packet.payloadLength();
        if (length <= 0) {
            return Verdict.UNDECIDED;
        }
        ByteBuffer b = packet.buffer();
        int off = packet.payloadOffset();
        int end = off + length;
        int slot = flow.direction() == Direction.INITIATOR ? 0 : 1;
        long state = flow.slot(slot);
        if ((state & MESSAGES) == 0) {
            int before = (int) (state & PREFIX_MASK);
            int seen = HandshakePrefix.advance(b, off, end, before);
            if (seen == HandshakePrefix.LENGTH) {
                // informational: name the client convention when the whole handshake is in this segment
                boolean whole = before == 0 && end - off >= HandshakePrefix.HANDSHAKE_LENGTH;
                return whole && PeerId.isAzureusStyle(b, off + PeerId.OFFSET_IN_HANDSHAKE, end)
                        ? HANDSHAKE_CLIENT_PEER_ID : HANDSHAKE;
            }
            if (seen >= 0) {
                flow.setSlot(slot, seen);
                // no real protocol sends "\x13BitT" a byte or two at a time: evasion by segmentation
                if (seen >= DRIBBLED_PREFIX_BYTES && flow.payloadIndexInDirection() + 1 >= DRIBBLED_PREFIX_BYTES - 1) {
                    return HANDSHAKE_DRIBBLED;
                }
                return Verdict.UNDECIDED;                  // part-way through the prefix: never give up here
            }
            state = MESSAGES;                              // not a handshake at the stream start
        } else if (HandshakePrefix.startsWith(b, off, end)) {
            return HANDSHAKE_AFTER_START;
        }
        return messages(b, off, end, state, slot, flow);
    }

    private Verdict messages(ByteBuffer b, int off, int end, long state, int slot, FlowContext flow) {
        boolean aligned = (state & ALIGNED) != 0;
        int remaining = (int) ((state >>> REMAINING_SHIFT) & MASK_24);
        int run = (int) ((state >>> RUN_SHIFT) & 0xff);
        boolean runFixed = (state & RUN_FIXED) != 0;
        int length = end - off;
        if (aligned && remaining >= length) {              // the whole segment continues the last message
            flow.setSlot(slot, withRun(run, runFixed, true, remaining - length));
            return undecidedOrGiveUp(flow);
        }
        int start = aligned ? off + remaining : off;
        long r = PeerWireFrames.scan(b, start, end);
        if (r < 0 && start != off) {                       // lost track: try the segment start as a new run
            start = off;
            r = PeerWireFrames.scan(b, start, end);
            run = 0;
            runFixed = false;
        } else if (!aligned) {
            run = 0;
            runFixed = false;
        }
        if (r < 0) {
            // joined mid-stream: a segment that starts inside a message may still hold a block's piece or request
            if (PeerWireFrames.findBlockMessage(b, off, end) >= 0) {
                return BLOCK_MESSAGE;
            }
            flow.setSlot(slot, MESSAGES);
            return undecidedOrGiveUp(flow);
        }
        int evidence = PeerWireFrames.evidence(r);
        if (evidence != PeerWireFrames.NO_EVIDENCE) {
            return evidence(b, start, end, r, evidence, flow);
        }
        run = Math.min(255, run + PeerWireFrames.frames(r));
        runFixed |= PeerWireFrames.hasFixedLength(r);
        if (run >= settings.minFrames() && runFixed) {
            return PEER_WIRE_MESSAGES;
        }
        boolean nowAligned = !PeerWireFrames.alignmentLost(r);
        flow.setSlot(slot, withRun(run, runFixed, nowAligned, PeerWireFrames.remaining(r)));
        return undecidedOrGiveUp(flow);
    }

    private Verdict evidence(ByteBuffer b, int start, int end, long r, int evidence, FlowContext flow) {
        if (evidence == ExtensionMessage.EXTENSION_HANDSHAKE) {
            return EXTENSION_HANDSHAKE;
        }
        if (evidence == ExtensionMessage.UT_METADATA) {
            return UT_METADATA;
        }
        if (settings.maxRememberedPeers() > 0) {
            int dict = start + PeerWireFrames.evidenceOffset(r);
            int frame = dict - 6;                          // u32 length, id 20, extended id
            int frameEnd = (int) Math.min(end, frame + 4L + (b.getInt(frame) & 0xffffffffL));
            ExtensionMessage.claimAddedPeers(b, dict, frameEnd, flow, settings.maxRememberedPeers());
        }
        return UT_PEX;
    }

    private static long withRun(int run, boolean runFixed, boolean aligned, int remaining) {
        return MESSAGES | (runFixed ? RUN_FIXED : 0) | (aligned ? ALIGNED : 0) | ((long) run << RUN_SHIFT)
                | ((remaining & MASK_24) << REMAINING_SHIFT);
    }

    private Verdict undecidedOrGiveUp(FlowContext flow) {
        if (flow.payloadIndex() + 1 < settings.maxPayloadPackets()) {
            return Verdict.UNDECIDED;
        }
        // the other direction may still be part-way through its prefix (sent in tiny segments): wait for it
        long other = flow.slot(flow.direction() == Direction.INITIATOR ? 1 : 0);
        boolean otherInPrefix = (other & MESSAGES) == 0 && (other & PREFIX_MASK) > 0;
        return otherInPrefix ? Verdict.UNDECIDED : Verdict.NOT_MINE;
    }
}
