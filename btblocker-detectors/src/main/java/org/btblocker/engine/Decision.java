package org.btblocker.engine;

import java.net.InetAddress;

import org.btblocker.api.Direction;
import org.btblocker.api.packet.Addresses;
import org.btblocker.api.packet.PacketView;

/**
 * What the engine decided about one flow. Created once per decided flow (never per packet) and handed to the
 * {@link DecisionListener}.
 *
 * @param protocol       {@link PacketView#TCP} or {@link PacketView#UDP}
 * @param initiatorHi    initiator address, high word (see {@link Addresses})
 * @param initiatorLo    initiator address, low word
 * @param initiatorPort  initiator port
 * @param responderHi    responder address, high word
 * @param responderLo    responder address, low word
 * @param responderPort  responder port
 * @param blocked        true when the flow is BitTorrent
 * @param detector       the detector that matched; {@code null} when allowed
 * @param reason         the detector's reason, or why the flow was allowed ({@code whitelistPorts}, ...)
 * @param offender       who sent the packet that matched
 * @param bidirectional  the flow was proven two-way before the decision: a TCP handshake seen in both directions,
 *                       or traffic from both endpoints; a spoofed one-way flow is never bidirectional, nor is one
 *                       whose "replies" failed the reverse-path check
 * @param offenderVerified the matching packet's source passed the reverse-path check (always true where no check
 *                       is made: captures, a firewall without the check); when false its source address is likely
 *                       forged and must not be banned
 * @param provesEndpoints the match came from the flow's own bytes, not from earlier knowledge of an endpoint
 * @param packets        packets of the flow seen up to and including the deciding one
 * @param nowNanos       the engine clock at the decision
 * @param initiatorOpening the first payload bytes the initiator sent (at most
 *                       {@link Engine.Builder#OPENING_BYTES}), or null unless the engine was built with
 *                       {@link Engine.Builder#captureOpenings(boolean)}
 * @param responderOpening the same for the responder
 */
public record Decision(int protocol, long initiatorHi, long initiatorLo, int initiatorPort,
                       long responderHi, long responderLo, int responderPort, boolean blocked, String detector,
                       String reason, Direction offender, boolean bidirectional, boolean offenderVerified,
                       boolean provesEndpoints, int packets, long nowNanos, byte[] initiatorOpening,
                       byte[] responderOpening) {

    /** A decision without captured openings. */
    public Decision(int protocol, long initiatorHi, long initiatorLo, int initiatorPort, long responderHi,
                    long responderLo, int responderPort, boolean blocked, String detector, String reason,
                    Direction offender, boolean bidirectional, boolean offenderVerified, boolean provesEndpoints,
                    int packets, long nowNanos) {
        this(protocol, initiatorHi, initiatorLo, initiatorPort, responderHi, responderLo, responderPort, blocked,
                detector, reason, offender, bidirectional, offenderVerified, provesEndpoints, packets, nowNanos, null,
                null);
    }

    /** {@code "tcp"} or {@code "udp"}. */
    public String protocolName() {
        return protocol == PacketView.TCP ? "tcp" : "udp";
    }

    /** The initiator as {@code ip:port} ({@code [v6]:port}). */
    public String initiator() {
        return Addresses.format(initiatorHi, initiatorLo, initiatorPort);
    }

    /** The responder as {@code ip:port} ({@code [v6]:port}). */
    public String responder() {
        return Addresses.format(responderHi, responderLo, responderPort);
    }

    /** The initiator's address. */
    public InetAddress initiatorAddress() {
        return Addresses.toInetAddress(initiatorHi, initiatorLo);
    }

    /** The responder's address. */
    public InetAddress responderAddress() {
        return Addresses.toInetAddress(responderHi, responderLo);
    }

    /** The address that sent the matching packet. */
    public InetAddress offenderAddress() {
        return offender == Direction.INITIATOR ? initiatorAddress() : responderAddress();
    }
}
