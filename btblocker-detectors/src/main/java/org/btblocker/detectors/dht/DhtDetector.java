package org.btblocker.detectors.dht;

import java.nio.ByteBuffer;
import org.btblocker.api.Detector;
import org.btblocker.api.FlowContext;
import org.btblocker.api.Verdict;
import org.btblocker.api.packet.PacketView;

/**
 * Matches a UDP flow on its first valid KRPC query, response or error (BEP 5). A first datagram that is not bencode
 * at all ends the detector's interest at once; bencode that is not KRPC (or a query with a method no BEP defines)
 * leaves it undecided for up to {@code maxDatagrams} datagrams. Stateless: the datagram index comes from the flow.
 */
final class DhtDetector implements Detector {

    private static final Verdict[] MATCHES = new Verdict[KrpcMessage.CODES];

    static {
        MATCHES[KrpcMessage.QUERY_PING] = Verdict.match("KRPC ping query");
        MATCHES[KrpcMessage.QUERY_FIND_NODE] = Verdict.match("KRPC find_node query");
        MATCHES[KrpcMessage.QUERY_GET_PEERS] = Verdict.match("KRPC get_peers query");
        MATCHES[KrpcMessage.QUERY_ANNOUNCE_PEER] = Verdict.match("KRPC announce_peer query");
        MATCHES[KrpcMessage.QUERY_GET] = Verdict.match("KRPC get query (BEP 44)");
        MATCHES[KrpcMessage.QUERY_PUT] = Verdict.match("KRPC put query (BEP 44)");
        MATCHES[KrpcMessage.QUERY_SAMPLE_INFOHASHES] = Verdict.match("KRPC sample_infohashes query (BEP 51)");
        MATCHES[KrpcMessage.RESPONSE] = Verdict.match("KRPC response");
        MATCHES[KrpcMessage.ERROR] = Verdict.match("KRPC error");
    }

    private final DhtSettings settings;

    DhtDetector(DhtSettings settings) {
        this.settings = settings;
    }

    @Override
    public Verdict inspect(PacketView p, FlowContext flow) {
        int index = flow.payloadIndex();
        if (!p.isUdp() || index >= settings.maxDatagrams()) {
            return Verdict.NOT_MINE;
        }
        ByteBuffer b = p.buffer();
        int off = p.payloadOffset();
        int len = p.payloadLength();
        int code = KrpcMessage.classify(b, off, len);
        Verdict match = code > 0 ? MATCHES[code] : null;
        if (match != null) {
            if (code == KrpcMessage.RESPONSE && settings.rememberPeers()) {
                KrpcMessage.claimEndpoints(b, off, len, flow, settings.maxRememberedPerDatagram());
            }
            return match;
        }
        if (code == KrpcMessage.NOT_KRPC && index == 0) {
            return Verdict.NOT_MINE;                          // DHT sockets speak KRPC from the first datagram
        }
        return index + 1 >= settings.maxDatagrams() ? Verdict.NOT_MINE : Verdict.UNDECIDED;
    }
}
