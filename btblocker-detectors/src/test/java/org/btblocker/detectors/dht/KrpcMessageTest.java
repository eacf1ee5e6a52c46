package org.btblocker.detectors.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.btblocker.detectors.bencode.BencodeGen.dict;
import static org.btblocker.detectors.bencode.BencodeGen.list;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.btblocker.detectors.bencode.BencodeGen;
import org.btblocker.testkit.TestFlow;
import org.junit.jupiter.api.Test;

/** Message examples of BEP 5 ("KRPC Protocol"), BEP 44 and BEP 51, and messages that must not pass. */
class KrpcMessageTest {

    private static final String ID1 = "abcdefghij0123456789";
    private static final String ID2 = "mnopqrstuvwxyz123456";
    /** BEP 5 writes node lists as the placeholder "def456..."; a real one is whole 26-byte records. */
    private static final String NODES = "0123456789abcdefghij\u0001\u0002\u0003\u0004\u001a\u00e1";

    static int classify(String s) {
        return classify(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    static int classify(byte[] b) {
        ByteBuffer e = BencodeGen.embedded(b);
        return KrpcMessage.classify(e, 3, b.length);
    }

    static int classify(Map<byte[], Object> m) {
        return classify(BencodeGen.encode(m));
    }

    // BEP 5, "ping"
    @Test
    void bep5Ping() {
        assertThat(classify("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe"))
            .isEqualTo(KrpcMessage.QUERY_PING);
        assertThat(classify("d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re")).isEqualTo(KrpcMessage.RESPONSE);
    }

    // BEP 5, "find_node"
    @Test
    void bep5FindNode() {
        assertThat(classify("d1:ad2:id20:abcdefghij01234567896:target20:mnopqrstuvwxyz123456e1:q9:find_node1:t2:aa1:y1:qe"))
            .isEqualTo(KrpcMessage.QUERY_FIND_NODE);
        assertThat(classify("d1:rd2:id20:0123456789abcdefghij5:nodes26:" + NODES + "e1:t2:aa1:y1:re"))
            .isEqualTo(KrpcMessage.RESPONSE);
        // the literal BEP text with its 9-byte placeholder is not a well-formed node list
        assertThat(classify("d1:rd2:id20:0123456789abcdefghij5:nodes9:def456...e1:t2:aa1:y1:re"))
            .isEqualTo(KrpcMessage.BENCODE_ONLY);
    }

    // BEP 5, "get_peers"
    @Test
    void bep5GetPeers() {
        assertThat(classify("d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456e1:q9:get_peers1:t2:aa1:y1:qe"))
            .isEqualTo(KrpcMessage.QUERY_GET_PEERS);
        assertThat(classify("d1:rd2:id20:abcdefghij01234567895:token8:aoeusnth6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re"))
            .isEqualTo(KrpcMessage.RESPONSE);
        assertThat(classify("d1:rd2:id20:abcdefghij01234567895:nodes26:" + NODES + "5:token8:aoeusnthe1:t2:aa1:y1:re"))
            .isEqualTo(KrpcMessage.RESPONSE);
    }

    // BEP 5, "announce_peer"
    @Test
    void bep5AnnouncePeer() {
        assertThat(classify("d1:ad2:id20:abcdefghij012345678912:implied_porti1e9:info_hash20:mnopqrstuvwxyz123456"
                + "4:porti6881e5:token8:aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe"))
            .isEqualTo(KrpcMessage.QUERY_ANNOUNCE_PEER);
        assertThat(classify("d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re")).isEqualTo(KrpcMessage.RESPONSE);
        // a port out of range, an implied_port other than 0/1, a missing token
        assertThat(classify("d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456"
                + "4:porti65536e5:token8:aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe"))
            .isEqualTo(KrpcMessage.BENCODE_ONLY);
        assertThat(classify("d1:ad2:id20:abcdefghij012345678912:implied_porti2e9:info_hash20:mnopqrstuvwxyz123456"
                + "4:porti6881e5:token8:aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe"))
            .isEqualTo(KrpcMessage.BENCODE_ONLY);
        assertThat(classify("d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456"
                + "4:porti6881ee1:q13:announce_peer1:t2:aa1:y1:qe"))
            .isEqualTo(KrpcMessage.BENCODE_ONLY);
    }

    // BEP 5, "Errors"
    @Test
    void bep5Error() {
        assertThat(classify("d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee")).isEqualTo(KrpcMessage.ERROR);
        assertThat(classify("d1:eli203e16:Malformed Packete1:t2:aa1:y1:ee")).isEqualTo(KrpcMessage.ERROR);
        assertThat(classify("d1:eli201ee1:t2:aa1:y1:ee")).isEqualTo(KrpcMessage.BENCODE_ONLY);
        assertThat(classify("d1:el23:A Generic Error Ocurredi201ee1:t2:aa1:y1:ee")).isEqualTo(KrpcMessage.BENCODE_ONLY);
        assertThat(classify("d1:eli201e1:xi1ee1:t2:aa1:y1:ee")).isEqualTo(KrpcMessage.BENCODE_ONLY);
        assertThat(classify("d1:eli42e1:xe1:t2:aa1:y1:ee")).isEqualTo(KrpcMessage.BENCODE_ONLY);
    }

    // BEP 44, "get" and "put" (immutable and mutable items)
    @Test
    void bep44GetAndPut() {
        assertThat(classify(dict("t", "aa", "y", "q", "q", "get", "a", dict("id", ID1, "target", ID2))))
            .isEqualTo(KrpcMessage.QUERY_GET);
        assertThat(classify(dict("t", "aa", "y", "q", "q", "put",
                "a", dict("id", ID1, "token", "tok", "v", "Hello World!"))))
            .isEqualTo(KrpcMessage.QUERY_PUT);
        assertThat(classify(dict("t", "aa", "y", "q", "q", "put", "a", dict("id", ID1, "token", "tok",
                "v", "Hello World!", "k", "k".repeat(32), "sig", "s".repeat(64), "seq", 1L, "salt", "foobar",
                "cas", 0L))))
            .isEqualTo(KrpcMessage.QUERY_PUT);
        assertThat(classify(dict("t", "aa", "y", "r", "r", dict("id", ID1, "k", "k".repeat(32), "seq", 4L,
                "sig", "s".repeat(64), "token", "tok", "v", "Hello World!"))))
            .isEqualTo(KrpcMessage.RESPONSE);
        // a 31-byte key, a missing signature, a salt on an immutable item, no v
        assertThat(classify(dict("t", "aa", "y", "q", "q", "put", "a", dict("id", ID1, "token", "tok",
                "v", "x", "k", "k".repeat(31), "sig", "s".repeat(64), "seq", 1L))))
            .isEqualTo(KrpcMessage.BENCODE_ONLY);
        assertThat(classify(dict("t", "aa", "y", "q", "q", "put", "a", dict("id", ID1, "token", "tok",
                "v", "x", "k", "k".repeat(32), "seq", 1L))))
            .isEqualTo(KrpcMessage.BENCODE_ONLY);
        assertThat(classify(dict("t", "aa", "y", "q", "q", "put", "a", dict("id", ID1, "token", "tok",
                "v", "x", "salt", "s"))))
            .isEqualTo(KrpcMessage.BENCODE_ONLY);
        assertThat(classify(dict("t", "aa", "y", "q", "q", "put", "a", dict("id", ID1, "token", "tok"))))
            .isEqualTo(KrpcMessage.BENCODE_ONLY);
    }

    // BEP 51, "sample_infohashes"
    @Test
    void bep51SampleInfohashes() {
        assertThat(classify(dict("t", "aa", "y", "q", "q", "sample_infohashes", "a", dict("id", ID1, "target", ID2))))
            .isEqualTo(KrpcMessage.QUERY_SAMPLE_INFOHASHES);
        assertThat(classify(dict("t", "aa", "y", "r", "r", dict("id", ID1, "interval", 21_600L,
                "nodes", NODES + NODES, "num", 3L, "samples", ID1 + ID2 + ID1))))
            .isEqualTo(KrpcMessage.RESPONSE);
        assertThat(classify(dict("t", "aa", "y", "r", "r", dict("id", ID1, "samples", ID1 + "x"))))
            .isEqualTo(KrpcMessage.BENCODE_ONLY);
    }

    // BEP 32: IPv6 nodes and peers
    @Test
    void bep32Ipv6() {
        String node6 = ID1 + "\u0020\u0001\r\u00b8" + "\u0000".repeat(11) + "\u0001\u001a\u00e1";
        assertThat(classify(dict("t", "aa", "y", "r", "r", dict("id", ID1, "nodes6", node6,
                "values", list("\u0020\u0001\r\u00b8" + "\u0000".repeat(11) + "\u0002\u001a\u00e1")))))
            .isEqualTo(KrpcMessage.RESPONSE);
        assertThat(classify(dict("t", "aa", "y", "r", "r", dict("id", ID1, "nodes6", node6 + "x"))))
            .isEqualTo(KrpcMessage.BENCODE_ONLY);
        assertThat(classify(dict("t", "aa", "y", "r", "r", dict("id", ID1, "values", list("12345")))))
            .isEqualTo(KrpcMessage.BENCODE_ONLY);
        assertThat(classify(dict("t", "aa", "y", "r", "r", dict("id", ID1, "values", "123456"))))
            .isEqualTo(KrpcMessage.BENCODE_ONLY);
    }

    @Test
    void unsortedKeysAreAccepted() {
        byte[] reversed = BencodeGen.encodeReversedKeys(dict("t", "aa", "y", "q", "q", "ping", "a", dict("id", ID1)));
        assertThat(classify(reversed)).isEqualTo(KrpcMessage.QUERY_PING);
    }

    @Test
    void bencodeThatIsNotKrpc() {
        assertThat(classify("d3:cow3:moo4:spam4:eggse")).isEqualTo(KrpcMessage.BENCODE_ONLY);
        assertThat(classify("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:y1:qe")).isEqualTo(KrpcMessage.BENCODE_ONLY);
        assertThat(classify("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:ti1e1:y1:qe"))
            .isEqualTo(KrpcMessage.BENCODE_ONLY);
        assertThat(classify("d1:ad2:id19:abcdefghij012345678e1:q4:ping1:t2:aa1:y1:qe"))
            .isEqualTo(KrpcMessage.BENCODE_ONLY);
        assertThat(classify("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:xe"))
            .isEqualTo(KrpcMessage.BENCODE_ONLY);
        assertThat(classify("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y2:qqe"))
            .isEqualTo(KrpcMessage.BENCODE_ONLY);
        assertThat(classify("d1:al2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe"))
            .isEqualTo(KrpcMessage.BENCODE_ONLY);
        assertThat(classify("d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:qe")).isEqualTo(KrpcMessage.BENCODE_ONLY);
        assertThat(classify("d2:ip3:abc1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re"))
            .isEqualTo(KrpcMessage.BENCODE_ONLY);
        assertThat(classify("d1:t65:" + "x".repeat(65) + "1:rd2:id20:mnopqrstuvwxyz123456e1:y1:re"))
            .isEqualTo(KrpcMessage.BENCODE_ONLY);
        assertThat(classify("li1ei2ee")).isEqualTo(KrpcMessage.NOT_KRPC);
        assertThat(classify("de")).isEqualTo(KrpcMessage.BENCODE_ONLY);
    }

    @Test
    void unknownMethodsAreRecognisedAsSuch() {
        assertThat(classify("d1:ad2:id20:abcdefghij0123456789e1:q4:vote1:t2:aa1:y1:qe"))
            .isEqualTo(KrpcMessage.QUERY_OTHER);
        // a known method without its required argument is not a valid query
        assertThat(classify("d1:ad2:id20:abcdefghij0123456789e1:q9:find_node1:t2:aa1:y1:qe"))
            .isEqualTo(KrpcMessage.BENCODE_ONLY);
    }

    @Test
    void notExactlyOneValue() {
        assertThat(classify("d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:rex")).isEqualTo(KrpcMessage.NOT_KRPC);
        assertThat(classify("d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:r")).isEqualTo(KrpcMessage.NOT_KRPC);
        assertThat(classify("")).isEqualTo(KrpcMessage.NOT_KRPC);
        assertThat(KrpcMessage.classify(ByteBuffer.allocate(4), 2, 4)).isEqualTo(KrpcMessage.NOT_KRPC);
        assertThat(KrpcMessage.classify(null, 0, 1)).isEqualTo(KrpcMessage.NOT_KRPC);
        String pad = "x".repeat(KrpcMessage.MAX_DATAGRAM);
        assertThat(classify("d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:r1:z" + pad.length() + ":" + pad + "e"))
            .isEqualTo(KrpcMessage.NOT_KRPC);
        String fits = "x".repeat(KrpcMessage.MAX_DATAGRAM - 100);
        assertThat(classify("d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:r1:z" + fits.length() + ":" + fits + "e"))
            .isEqualTo(KrpcMessage.RESPONSE);
    }

    @Test
    void claimEndpointsReadsNodesNodes6AndValues() {
        String node6 = ID1 + "\u0020\u0001\r\u00b8" + "\u0000".repeat(11) + "\u0001\u001a\u00e1";
        String zeroPort = ID2 + "\u0001\u0002\u0003\u0005\u0000\u0000";
        byte[] msg = BencodeGen.encode(dict("t", "aa", "y", "r", "r", dict("id", ID1, "nodes", NODES + zeroPort,
            "nodes6", node6, "values", list("\n\u0000\u0000\u0007\u00c8\u00d5",
                "\u0020\u0001\r\u00b8" + "\u0000".repeat(11) + "\u0002\u001a\u00e2"))));
        ByteBuffer b = BencodeGen.embedded(msg);
        assertThat(KrpcMessage.classify(b, 3, msg.length)).isEqualTo(KrpcMessage.RESPONSE);
        TestFlow flow = TestFlow.twoWay();
        TestFlow.Endpoints sink = flow.endpointSet();
        assertThat(KrpcMessage.claimEndpoints(b, 3, msg.length, flow, 64)).isEqualTo(4);
        assertThat(sink.peers).containsExactlyInAnyOrder(
            "1.2.3.4:6881", "[2001:db8::1]:6881", "10.0.0.7:51413", "[2001:db8::2]:6882");
        TestFlow cappedFlow = TestFlow.twoWay();
        TestFlow.Endpoints capped = cappedFlow.endpointSet();
        assertThat(KrpcMessage.claimEndpoints(b, 3, msg.length, cappedFlow, 2)).isEqualTo(2);
        assertThat(capped.peers).hasSize(2);
    }
}
