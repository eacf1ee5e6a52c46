package org.btblocker.detectors.tracker;

import java.nio.ByteBuffer;

import org.btblocker.api.Detector;
import org.btblocker.api.Direction;
import org.btblocker.api.FlowContext;
import org.btblocker.api.Verdict;
import org.btblocker.detectors.peers.CompactPeers;
import org.btblocker.api.packet.PacketView;

/**
 * Flow logic of the tracker detector.
 *
 * <p>UDP (BEP 15): a connect request (16 bytes with the 64-bit protocol id) proves the flow, unless
 * {@code requireConnectResponse}: then its response (same transaction id, from the other side) does. Announce and
 * scrape requests wait (transaction id and action in slot 0) for their response or an error. A connect response
 * seen without its request stores the connection id (slot 1), and a request that reuses it proves the flow.
 *
 * <p>TCP: the initiator's first payload must be an HTTP request. An announce or scrape proves the flow, and so does
 * a BitTorrent client's User-Agent; another HTTP request waits for the responder's first payload, which matches
 * when it is a tracker response.
 *
 * <p>Proven flows match at once. With {@code harvestPeers} the exchange is still followed in slot 0 after the match
 * (the engine keeps showing a matched flow to the detector that matched it), so the peers in the announce response
 * are remembered although the flow is already blocked.
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

    /** Proofs kept in slot 0 while harvesting, by code (0 = nothing proven yet). */
    private static final Verdict[] PROOFS = {
        null, UDP_CONNECT, UDP_CONNECT_EXCHANGE, UDP_CONNECTION_ID, HTTP_ANNOUNCE, HTTP_ANNOUNCE_PEER_ID
    };
    private static final int PROOF_CONNECT = 1;
    private static final int PROOF_CONNECT_EXCHANGE = 2;
    private static final int PROOF_CONNECTION_ID = 3;
    private static final int PROOF_ANNOUNCE = 4;
    private static final int PROOF_ANNOUNCE_PEER_ID = 5;

    // Slot 0. UDP: transaction id of the pending request (bits 0-31), its action + 1 (32-34), whether the other
    // side sent it (36), whether slot 1 holds a connection id (37). TCP: the request was HTTP (bit 0). Both: the
    // proof code (bits 40-43).
    private static final long TRANSACTION_MASK = 0xffff_ffffL;
    private static final int ACTION_SHIFT = 32;
    private static final long PENDING_MASK = 0x1f_ffff_ffffL;
    private static final long FROM_RESPONDER = 1L << 36;
    private static final long HAS_CONNECTION_ID = 1L << 37;
    private static final int PROOF_SHIFT = 40;
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
        int proof = proof(state);
        long fromResponder = flow.direction() == Direction.RESPONDER ? FROM_RESPONDER : 0;
        long connectTransaction = UdpTrackerMessage.connectRequestTransaction(b, off, end);
        if (connectTransaction >= 0) {
            if (proof != 0) {
                return PROOFS[proof];                    // a repeated connect: enough watching
            }
            if (!settings.requireConnectResponse()) {
                if (!settings.harvestPeers()) {
                    return UDP_CONNECT;
                }
                proof = PROOF_CONNECT;
            }
            return keep(flow, pending(connectTransaction, UdpTrackerMessage.CONNECT, fromResponder, state), proof);
        }
        int pendingAction = (int) ((state >>> ACTION_SHIFT) & 7) - 1;
        if (pendingAction >= 0 && (state & FROM_RESPONDER) != fromResponder) {
            int action = UdpTrackerMessage.responseAction(b, off, end, packet.ipVersion() == 6);
            if (action >= 0 && UdpTrackerMessage.responseTransaction(b, off) == (state & TRANSACTION_MASK)
                    && (action == pendingAction || action == UdpTrackerMessage.ERROR)) {
                if (action != UdpTrackerMessage.CONNECT) {
                    return response(packet, b, off, end, action, flow);
                }
                if (!settings.harvestPeers()) {
                    return UDP_CONNECT_EXCHANGE;
                }
                flow.setSlot(1, UdpTrackerMessage.responseConnectionId(b, off));
                long next = (state & ~PENDING_MASK & ~FROM_RESPONDER) | HAS_CONNECTION_ID;
                return keep(flow, next, proof != 0 ? proof : PROOF_CONNECT_EXCHANGE);
            }
        }
        int request = UdpTrackerMessage.requestAction(b, off, end);
        if (request >= 0) {
            if (proof == 0 && (state & HAS_CONNECTION_ID) != 0
                    && UdpTrackerMessage.requestConnectionId(b, off) == flow.slot(1)) {
                if (!settings.harvestPeers()) {
                    return UDP_CONNECTION_ID;
                }
                proof = PROOF_CONNECTION_ID;
            }
            return keep(flow, pending(UdpTrackerMessage.requestTransaction(b, off), request, fromResponder, state),
                    proof);
        }
        if (proof != 0) {
            return PROOFS[proof];                        // proven, and this packet is outside the exchange
        }
        if (UdpTrackerMessage.responseAction(b, off, end, false) == UdpTrackerMessage.CONNECT) {
            // a connect response whose request we missed: wait for a request that uses its connection id
            flow.setSlot(1, UdpTrackerMessage.responseConnectionId(b, off));
            return keep(flow, state | HAS_CONNECTION_ID, 0);
        }
        return Verdict.NOT_MINE;
    }

    private Verdict response(PacketView packet, ByteBuffer b, int off, int end, int action, FlowContext flow) {
        switch (action) {
            case UdpTrackerMessage.ANNOUNCE:
                int peers = off + UdpTrackerMessage.ANNOUNCE_RESPONSE_HEADER;
                CompactPeers.claim(b, peers, end - peers, packet.ipVersion() == 6 ? CompactPeers.PEER6
                        : CompactPeers.PEER4, flow, settings.maxRememberedPeers());
                return UDP_ANNOUNCE_EXCHANGE;
            case UdpTrackerMessage.SCRAPE:
                return UDP_SCRAPE_EXCHANGE;
            default:
                return UDP_ERROR;
        }
    }

    private static long pending(long transaction, int action, long fromResponder, long state) {
        return (state & ~PENDING_MASK & ~FROM_RESPONDER) | fromResponder | ((long) (action + 1) << ACTION_SHIFT)
                | transaction;
    }

    private Verdict tcp(ByteBuffer b, int off, int end, FlowContext flow) {
        boolean first = flow.payloadIndexInDirection() == 0;
        long state = flow.slot(0);
        int proof = proof(state);
        if (flow.direction() == Direction.INITIATOR) {
            if (!first) {
                return keep(flow, state, proof);
            }
            switch (HttpTrackerRequest.classify(b, off, end, userAgents)) {
                case HttpTrackerRequest.ANNOUNCE:
                    return settings.harvestPeers() ? keep(flow, WAITING_FOR_RESPONSE, PROOF_ANNOUNCE) : HTTP_ANNOUNCE;
                case HttpTrackerRequest.ANNOUNCE_CLIENT_PEER_ID:
                    return settings.harvestPeers() ? keep(flow, WAITING_FOR_RESPONSE, PROOF_ANNOUNCE_PEER_ID)
                            : HTTP_ANNOUNCE_PEER_ID;
                case HttpTrackerRequest.SCRAPE:
                    return HTTP_SCRAPE;
                case HttpTrackerRequest.CLIENT_USER_AGENT:
                    return CLIENT_USER_AGENT;
                case HttpTrackerRequest.WEB_SEED:
                    return WEB_SEED;
                case HttpTrackerRequest.HTTP_OTHER:
                case HttpTrackerRequest.INCOMPLETE:
                    return keep(flow, WAITING_FOR_RESPONSE, 0);
                default:
                    return Verdict.NOT_MINE;
            }
        }
        if ((state & WAITING_FOR_RESPONSE) == 0) {
            return Verdict.NOT_MINE;                     // the server spoke first: not HTTP
        }
        int response = first ? HttpTrackerResponse.classify(b, off, end) : HttpTrackerResponse.NOT_TRACKER;
        if (response == HttpTrackerResponse.PEERS) {
            HttpTrackerResponse.claimPeers(b, off, end, flow, settings.maxRememberedPeers());
        }
        if (proof != 0) {
            return PROOFS[proof];
        }
        switch (response) {
            case HttpTrackerResponse.PEERS:
                return HTTP_PEERS;
            case HttpTrackerResponse.FAILURE:
                return HTTP_FAILURE;
            case HttpTrackerResponse.SCRAPE_FILES:
                return HTTP_SCRAPE_RESPONSE;
            default:
                return Verdict.NOT_MINE;
        }
    }

    private static int proof(long state) {
        int code = (int) ((state >>> PROOF_SHIFT) & 0xf);
        return code < PROOFS.length ? code : 0;
    }

    /** Stores the state with its proof; at the packet budget a proven flow matches and another is not ours. */
    private Verdict keep(FlowContext flow, long state, int proof) {
        flow.setSlot(0, (state & ~(0xfL << PROOF_SHIFT)) | ((long) proof << PROOF_SHIFT));
        if (proof != 0) {
            return PROOFS[proof]; // the engine keeps showing a matched flow to us: the reply's peers are still learned
        }
        return flow.payloadIndex() + 1 < settings.maxPayloadPackets() ? Verdict.UNDECIDED : Verdict.NOT_MINE;
    }
}
