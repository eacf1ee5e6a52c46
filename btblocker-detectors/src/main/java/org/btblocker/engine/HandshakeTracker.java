package org.btblocker.engine;

import org.btblocker.api.packet.PacketView;

/**
 * Which sides of a flow were seen and how far the TCP three-way handshake got, with matching sequence numbers: the
 * anti-spoofing facts. A blind spoofer can send packets "from" anyone but cannot answer a SYN-ACK it never sees,
 * so only a completed handshake (or payload from both sides) makes a flow two-way.
 *
 * <p>A spoofer on one side of the gateway is not blind: it can forge both directions of a conversation, the
 * SYN-ACK included. So only packets whose source passed the reverse-path check (they arrived on the interface
 * that routes back to their source; {@link Engine#inspect(PacketView, long, boolean)}) count here; a forged
 * "reply" leaves the flow one-way.
 *
 * <p>It also follows each TCP direction's sequence numbers, so that the engine knows when bytes of a stream passed
 * without being inspected (the opening bypassed a full queue, or the daemon started after the connection): such a
 * flow is {@link FlowTable#MID_STREAM} and is not let go by the packet cap while its detectors can still judge it.
 */
final class HandshakeTracker {

    private HandshakeTracker() {
    }

    /**
     * Records what packet {@code p} of flow {@code i} shows about its directions.
     *
     * @param sourceVerified false when the packet failed the reverse-path check: it is counted as unverified and
     *                       shows nothing
     */
    static void track(FlowTable t, int i, PacketView p, boolean fromInitiator, boolean sourceVerified) {
        int f = t.flags[i];
        if (!sourceVerified) {
            t.flags[i] = (short) (f | FlowTable.UNVERIFIED_SEEN);
            return;
        }
        f |= fromInitiator ? FlowTable.INITIATOR_SEEN : FlowTable.RESPONDER_SEEN;
        if (p.payloadLength() > 0) {
            f |= fromInitiator ? FlowTable.INITIATOR_PAYLOAD : FlowTable.RESPONDER_PAYLOAD;
        }
        if (p.ipProtocol() == PacketView.TCP) {
            int tcpFlags = p.tcpFlags() & (PacketView.SYN | PacketView.ACK | PacketView.RST);
            if (fromInitiator && tcpFlags == PacketView.SYN) {
                f |= FlowTable.SYN_SEEN;
                t.handshakeSeq[i] = (int) (p.tcpSeq() + 1);
            } else if (!fromInitiator && tcpFlags == (PacketView.SYN | PacketView.ACK)
                    && (f & FlowTable.SYN_SEEN) != 0 && (int) p.tcpAck() == t.handshakeSeq[i]) {
                f |= FlowTable.SYN_ACK_SEEN;
                t.handshakeSeq[i] = (int) (p.tcpSeq() + 1);
            } else if (fromInitiator && tcpFlags == PacketView.ACK && (f & FlowTable.SYN_ACK_SEEN) != 0
                    && (int) p.tcpAck() == t.handshakeSeq[i]) {
                f |= FlowTable.HANDSHAKE_ACK_SEEN;
            }
            f = trackSequence(t, i, p, fromInitiator, f);
        }
        t.flags[i] = (short) f;
    }

    /**
     * Follows the next expected sequence number of each direction: a SYN or SYN-ACK gives it, an acknowledgement
     * gives the other side's when it is not known yet. Payload that starts after the expected number (bytes that
     * were never inspected), or payload of a direction whose start was never seen, makes the flow mid-stream.
     */
    private static int trackSequence(FlowTable t, int i, PacketView p, boolean fromInitiator, int f) {
        int d = fromInitiator ? 0 : 1;
        int own = fromInitiator ? FlowTable.INITIATOR_SEQ_KNOWN : FlowTable.RESPONDER_SEQ_KNOWN;
        int other = fromInitiator ? FlowTable.RESPONDER_SEQ_KNOWN : FlowTable.INITIATOR_SEQ_KNOWN;
        int seq = (int) p.tcpSeq();
        int length = p.payloadLength();
        if (p.hasTcpFlags(PacketView.ACK) && (f & other) == 0 && !p.hasTcpFlags(PacketView.RST)) {
            t.nextSeq[2 * i + (1 - d)] = (int) p.tcpAck();
            f |= other;
        }
        if (p.hasTcpFlags(PacketView.SYN)) {
            t.nextSeq[2 * i + d] = seq + 1 + length;
            return f | own;
        }
        if (length == 0) {
            return f;
        }
        if ((f & own) == 0) {
            t.nextSeq[2 * i + d] = seq + length;
            return f | own | FlowTable.MID_STREAM;
        }
        int expected = t.nextSeq[2 * i + d];
        if (seq - expected > 0) {
            f |= FlowTable.MID_STREAM;              // a hole: these bytes passed without being inspected
        }
        if (seq + length - expected > 0) {
            t.nextSeq[2 * i + d] = seq + length;
        }
        return f;
    }

    /** True when both sides of flow {@code i} were seen in a way a one-sided spoofer cannot fake blindly. */
    static boolean isBidirectional(FlowTable t, int i) {
        int f = t.flags[i];
        if (t.protocol[i] == PacketView.TCP) {
            return (f & FlowTable.HANDSHAKE_ACK_SEEN) != 0
                    || (f & (FlowTable.INITIATOR_PAYLOAD | FlowTable.RESPONDER_PAYLOAD))
                    == (FlowTable.INITIATOR_PAYLOAD | FlowTable.RESPONDER_PAYLOAD);
        }
        return hasBothDirections(t, i);
    }

    /** True when packets with a verified source were seen from both sides of flow {@code i}. */
    static boolean hasBothDirections(FlowTable t, int i) {
        int both = FlowTable.INITIATOR_SEEN | FlowTable.RESPONDER_SEEN;
        return (t.flags[i] & both) == both;
    }

    /** True when flow {@code i} is TCP and a direction that started sending has not yet sent its opening bytes. */
    static boolean isOpeningIncomplete(FlowTable t, int i, int openingBytes) {
        if (t.protocol[i] != PacketView.TCP) {
            return false;
        }
        long a = t.bytes[2 * i];
        long b = t.bytes[2 * i + 1];
        return (a > 0 && a < openingBytes) || (b > 0 && b < openingBytes);
    }
}
