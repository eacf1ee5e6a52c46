package org.btblocker.engine;

import org.btblocker.api.packet.PacketView;

/**
 * Which sides of a flow were seen and how far the TCP three-way handshake got, with matching sequence numbers: the
 * anti-spoofing facts. A blind spoofer can send packets "from" anyone but cannot answer a SYN-ACK it never sees,
 * so only a completed handshake (or payload from both sides) makes a flow two-way.
 */
final class HandshakeTracker {

    private HandshakeTracker() {
    }

    /** Records what packet {@code p} of flow {@code i} shows about its directions. */
    static void track(FlowTable t, int i, PacketView p, boolean fromInitiator) {
        int f = t.flags[i];
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
        }
        t.flags[i] = f;
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

    /** True when packets were seen from both sides of flow {@code i}. */
    static boolean hasBothDirections(FlowTable t, int i) {
        int both = FlowTable.INITIATOR_SEEN | FlowTable.RESPONDER_SEEN;
        return (t.flags[i] & both) == both;
    }
}
