package org.btblocker.detectors.tracker;

import java.nio.ByteBuffer;

import org.btblocker.api.Detector;
import org.btblocker.api.Direction;
import org.btblocker.api.FlowContext;
import org.btblocker.api.Verdict;
import org.btblocker.api.packet.PacketView;

/**
 * Flow logic of the tracker detector.
 *
 * <p>UDP (BEP 15): a connect request (16 bytes with the 64-bit protocol id) is a match unless
 * {@code requireConnectResponse}; then, and for announce and scrape requests, the request's transaction id waits in
 * slot 0 for a response of the same action (or an error) from the other side. A connect response seen without its
 * request stores the connection id (slot 1), and an announce or scrape that reuses it is a match. Any other datagram
 * is not ours.
 *
 * <p>TCP: the initiator's first payload must be an HTTP request. An announce, scrape, or a BitTorrent client's
 * User-Agent is a match; another HTTP request waits for the responder's first payload, which matches when it is a
 * tracker response. Anything else is not ours.
 */
final class TrackerDetector implements Detector {

    static final int SLOTS = 2;

    static final Verdict UDP_CONNECT = Verdict.match("BEP 15 UDP tracker connect");
    static final Verdict UDP_CONNECT_EXCHANGE = Verdict.match("BEP 15 UDP tracker connect exchange");
    static final Verdict UDP_ANNOUNCE_EXCHANGE = Verdict.match("BEP 15 UDP tracker announce exchange");
    static final Verdict UDP_SCRAPE_EXCHANGE = Verdict.match("BEP 15 UDP tracker scrape exchange");
    static final Verdict UDP_ERROR = Verdict.match("BEP 15 UDP tracker error response");
    static final Verdict UDP_CONNECTION_ID = Verdict.match("BEP 15 UDP tracker connection id reused");
    static final Verdict HTTP_ANNOUNCE = Verdict.match("BEP 3 HTTP tracker announce");
    static final Verdict HTTP_ANNOUNCE_PEER_ID = Verdict.match("BEP 3 HTTP tracker announce, BEP 20 client peer_id");
    static final Verdict HTTP_SCRAPE = Verdict.match("BEP 48 HTTP tracker scrape");
    static final Verdict CLIENT_USER_AGENT = Verdict.match("BitTorrent client User-Agent");
    static final Verdict WEB_SEED = Verdict.match("BEP 19 web seed request from a BitTorrent client");
    static final Verdict HTTP_PEERS = Verdict.match("BEP 3 HTTP tracker response with peers");
    static final Verdict HTTP_FAILURE = Verdict.match("BEP 3 HTTP tracker failure response");
    static final Verdict HTTP_SCRAPE_RESPONSE = Verdict.match("BEP 48 HTTP tracker scrape response");

    // UDP slot 0: transaction id of the pending request, its action + 1, who sent it, and whether slot 1 holds a
    // connection id. TCP slot 0: WAITING_FOR_RESPONSE.
    private static final long TRANSACTION_MASK = 0xffff_ffffL;
    private static final int ACTION_SHIFT = 32;
    private static final long FROM_RESPONDER = 1L << 36;
    private static final long HAS_CONNECTION_ID = 1L << 37;
    private static final long WAITING_FOR_RESPONSE = 1;

    private final TrackerSettings settings;
    private final byte[][] userAgents;

    TrackerDetector(TrackerSettings settings) {
        this.settings = settings;
        this.userAgents = settings.userAgentBytes();
    }

    @Override
    public Verdict inspect(PacketView packet, FlowContext flow) {
        int length = packet.payloadLength();
        if (length <= 0) {
            return Verdict.UNDECIDED;
        }
        int off = packet.payloadOffset();
        return packet.isUdp() ? udp(packet, packet.buffer(), off, off + length, flow)
                : tcp(packet.buffer(), off, off + length, flow);
    }

    private Verdict udp(PacketView packet, ByteBuffer b, int off, int end, FlowContext flow) {
        long state = flow.slot(0);
        long fromResponder = flow.direction() == Direction.RESPONDER ? FROM_RESPONDER : 0;
        long connectTransaction = UdpTrackerMessage.connectRequestTransaction(b, off, end);
        if (connectTransaction >= 0) {
            if (!settings.requireConnectResponse()) {
                return UDP_CONNECT;
            }
            flow.setSlot(0, pending(connectTransaction, UdpTrackerMessage.CONNECT, fromResponder, state));
            return undecidedOrGiveUp(flow);
        }
        int pendingAction = (int) ((state >>> ACTION_SHIFT) & 7) - 1;
        if (pendingAction >= 0 && (state & FROM_RESPONDER) != fromResponder) {
            int action = UdpTrackerMessage.responseAction(b, off, end, packet.ipVersion() == 6);
            if (action >= 0 && UdpTrackerMessage.responseTransaction(b, off) == (state & TRANSACTION_MASK)
                    && (action == pendingAction || action == UdpTrackerMessage.ERROR)) {
                return response(packet, b, off, end, action, flow);
            }
        }
        int request = UdpTrackerMessage.requestAction(b, off, end);
        if (request >= 0) {
            if ((state & HAS_CONNECTION_ID) != 0
                    && UdpTrackerMessage.requestConnectionId(b, off) == flow.slot(1)) {
                return UDP_CONNECTION_ID;
            }
            flow.setSlot(0, pending(UdpTrackerMessage.requestTransaction(b, off), request, fromResponder, state));
            return undecidedOrGiveUp(flow);
        }
        if (UdpTrackerMessage.responseAction(b, off, end, false) == UdpTrackerMessage.CONNECT) {
            // a connect response whose request we missed: wait for a request that uses its connection id
            flow.setSlot(1, UdpTrackerMessage.responseConnectionId(b, off));
            flow.setSlot(0, state | HAS_CONNECTION_ID);
            return undecidedOrGiveUp(flow);
        }
        return Verdict.NOT_MINE;
    }

    private Verdict response(PacketView packet, ByteBuffer b, int off, int end, int action, FlowContext flow) {
        switch (action) {
            case UdpTrackerMessage.CONNECT:
                return UDP_CONNECT_EXCHANGE;
            case UdpTrackerMessage.ANNOUNCE:
                if (flow.hasBothDirections()) {
                    int peers = off + UdpTrackerMessage.ANNOUNCE_RESPONSE_HEADER;
                    CompactPeers.remember(b, peers, end - peers, packet.ipVersion() == 6, flow.endpoints(),
                            settings.maxRememberedPeers());
                }
                return UDP_ANNOUNCE_EXCHANGE;
            case UdpTrackerMessage.SCRAPE:
                return UDP_SCRAPE_EXCHANGE;
            default:
                return UDP_ERROR;
        }
    }

    private static long pending(long transaction, int action, long fromResponder, long state) {
        return (state & HAS_CONNECTION_ID) | fromResponder | ((long) (action + 1) << ACTION_SHIFT) | transaction;
    }

    private Verdict tcp(ByteBuffer b, int off, int end, FlowContext flow) {
        boolean first = flow.payloadIndexInDirection() == 0;
        if (flow.direction() == Direction.INITIATOR) {
            if (!first) {
                return undecidedOrGiveUp(flow);
            }
            switch (HttpTrackerRequest.classify(b, off, end, userAgents)) {
                case HttpTrackerRequest.ANNOUNCE:
                    return HTTP_ANNOUNCE;
                case HttpTrackerRequest.ANNOUNCE_CLIENT_PEER_ID:
                    return HTTP_ANNOUNCE_PEER_ID;
                case HttpTrackerRequest.SCRAPE:
                    return HTTP_SCRAPE;
                case HttpTrackerRequest.CLIENT_USER_AGENT:
                    return CLIENT_USER_AGENT;
                case HttpTrackerRequest.WEB_SEED:
                    return WEB_SEED;
                case HttpTrackerRequest.HTTP_OTHER:
                case HttpTrackerRequest.INCOMPLETE:
                    flow.setSlot(0, WAITING_FOR_RESPONSE);
                    return undecidedOrGiveUp(flow);
                default:
                    return Verdict.NOT_MINE;
            }
        }
        if (!first || flow.slot(0) != WAITING_FOR_RESPONSE) {
            return Verdict.NOT_MINE;
        }
        switch (HttpTrackerResponse.classify(b, off, end)) {
            case HttpTrackerResponse.PEERS:
                if (flow.hasBothDirections()) {
                    HttpTrackerResponse.rememberPeers(b, off, end, flow.endpoints(), settings.maxRememberedPeers());
                }
                return HTTP_PEERS;
            case HttpTrackerResponse.FAILURE:
                return HTTP_FAILURE;
            case HttpTrackerResponse.SCRAPE_FILES:
                return HTTP_SCRAPE_RESPONSE;
            default:
                return Verdict.NOT_MINE;
        }
    }

    private Verdict undecidedOrGiveUp(FlowContext flow) {
        return flow.payloadIndex() + 1 >= settings.maxPayloadPackets() ? Verdict.NOT_MINE : Verdict.UNDECIDED;
    }
}
