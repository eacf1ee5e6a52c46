package org.btblocker.detectors.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.btblocker.detectors.bencode.BencodeGen.dict;
import static org.btblocker.testkit.Packets.ascii;
import static org.btblocker.testkit.Packets.hex;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.util.ServiceLoader;
import org.btblocker.api.DetectorProvider;
import org.btblocker.api.Interest;
import org.btblocker.api.Verdict;
import org.btblocker.detectors.bencode.BencodeGen;
import org.btblocker.testkit.Packets;
import org.btblocker.testkit.TestFlow;
import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;

/** The dht detector on whole flows, its settings and its provider. */
class DhtDetectorTest implements WithQuickTheories {

    private static final String A = "10.0.0.1";
    private static final String B = "10.0.0.2";
    private static final String NODES = "0123456789abcdefghij\u0001\u0002\u0003\u0004\u001a\u00e1";

    static DhtDetector detector() {
        return (DhtDetector) new DhtDetectorProvider().create(
            ConfigFactory.defaultReference().getConfig("btblocker.dht"));
    }

    private static Verdict feed(TestFlow flow, String src, int sport, String dst, int dport, byte[] payload) {
        return flow.feed(Packets.udp(src, sport, dst, dport, payload));
    }

    @Test
    void aGetPeersQueryMatchesAtOnce() {
        TestFlow flow = new TestFlow(detector());
        Verdict v = feed(flow, A, 6881, B, 51413, ascii(
            "d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456e1:q9:get_peers1:t2:aa1:y1:qe"));
        assertThat(v.isMatch()).isTrue();
        assertThat(v.reason()).isEqualTo("KRPC get_peers query");
        assertThat(v.provesEndpoints()).isTrue();
    }

    @Test
    void everyKindHasItsReason() {
        assertThat(feed(new TestFlow(detector()), A, 1, B, 2,
            ascii("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe")).reason()).isEqualTo("KRPC ping query");
        assertThat(feed(new TestFlow(detector()), A, 1, B, 2,
            ascii("d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re")).reason()).isEqualTo("KRPC response");
        assertThat(feed(new TestFlow(detector()), A, 1, B, 2,
            ascii("d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee")).reason()).isEqualTo("KRPC error");
        assertThat(feed(new TestFlow(detector()), "2001:db8::1", 1, "2001:db8::2", 2,
            BencodeGen.encode(dict("t", "x", "y", "q", "q", "sample_infohashes",
                "a", dict("id", "abcdefghij0123456789", "target", "mnopqrstuvwxyz123456")))).reason())
            .isEqualTo("KRPC sample_infohashes query (BEP 51)");
    }

    @Test
    void generatedMessagesMatchAsFirstDatagram() {
        qt().forAll(KrpcGen.messages()).checkAssert(m -> {
            Verdict v = feed(new TestFlow(detector()), A, 6881, B, 6881, m.encoded());
            if (m.code() == KrpcMessage.QUERY_OTHER) {
                assertThat(v).isSameAs(Verdict.UNDECIDED);
            } else {
                assertThat(v.isMatch()).isTrue();
            }
        });
    }

    @Test
    void aResponseInABidirectionalFlowRemembersItsNodesAndPeers() {
        TestFlow flow = new TestFlow(detector());
        // an unknown method leaves the flow undecided; its response then matches
        assertThat(feed(flow, A, 6881, B, 6882, ascii("d1:ad2:id20:abcdefghij0123456789e1:q4:vote1:t2:aa1:y1:qe")))
            .isSameAs(Verdict.UNDECIDED);
        Verdict v = feed(flow, B, 6882, A, 6881, BencodeGen.encode(dict("t", "aa", "y", "r", "r",
            dict("id", "mnopqrstuvwxyz123456", "nodes", NODES, "values", BencodeGen.list("\n\u0000\u0000\u0007\u00c8\u00d5")))));
        assertThat(v.isMatch()).isTrue();
        assertThat(flow.endpointSet().peers).containsExactlyInAnyOrder("1.2.3.4:6881", "10.0.0.7:51413");
    }

    @Test
    void aOneWayResponseRemembersNothing() {
        TestFlow flow = new TestFlow(detector());
        Verdict v = feed(flow, B, 6882, A, 6881, BencodeGen.encode(dict("t", "aa", "y", "r", "r",
            dict("id", "mnopqrstuvwxyz123456", "nodes", NODES))));
        assertThat(v.isMatch()).isTrue();
        assertThat(flow.endpointSet().peers).isEmpty();
    }

    @Test
    void rememberingCanBeSwitchedOff() {
        DhtDetector off = new DhtDetector(new DhtSettings(4, false, 64));
        TestFlow flow = new TestFlow(off);
        feed(flow, A, 6881, B, 6882, ascii("d1:ad2:id20:abcdefghij0123456789e1:q4:vote1:t2:aa1:y1:qe"));
        assertThat(feed(flow, B, 6882, A, 6881, BencodeGen.encode(dict("t", "aa", "y", "r", "r",
            dict("id", "mnopqrstuvwxyz123456", "nodes", NODES)))).isMatch()).isTrue();
        assertThat(flow.endpointSet().peers).isEmpty();
    }

    @Test
    void nonBencodeFirstDatagramIsNotMine() {
        TestFlow flow = new TestFlow(detector());
        assertThat(feed(flow, A, 5000, B, 53, hex("12340100000100000000000003777777076578616d706c6503636f6d0000010001")))
            .isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void bencodeThatIsNotKrpcIsGivenUpAfterMaxDatagrams() {
        TestFlow flow = new TestFlow(detector());
        byte[] notKrpc = ascii("d3:cow3:moo4:spam4:eggse");
        assertThat(feed(flow, A, 1, B, 2, notKrpc)).isSameAs(Verdict.UNDECIDED);
        assertThat(feed(flow, B, 2, A, 1, ascii("garbage"))).isSameAs(Verdict.UNDECIDED);
        assertThat(feed(flow, A, 1, B, 2, notKrpc)).isSameAs(Verdict.UNDECIDED);
        assertThat(feed(flow, A, 1, B, 2, notKrpc)).isSameAs(Verdict.NOT_MINE);
        // past the limit even a real message is no longer examined
        assertThat(feed(flow, A, 1, B, 2, ascii("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe")))
            .isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void aLaterDatagramCanStillMatch() {
        TestFlow flow = new TestFlow(detector());
        assertThat(feed(flow, A, 1, B, 2, ascii("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:y1:qe")))
            .isSameAs(Verdict.UNDECIDED);                               // no transaction id
        assertThat(feed(flow, A, 1, B, 2, ascii("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:ab1:y1:qe"))
            .isMatch()).isTrue();
    }

    @Test
    void hardNegativesAreNotMatched() {
        byte[][] negatives = {
            // DNS query for www.example.com
            hex("12340100000100000000000003777777076578616d706c6503636f6d0000010001"),
            // STUN binding request (RFC 5389 header, magic cookie)
            hex("000100002112a442b7e7a701bc34d686fa87dfae"),
            // QUIC-like long header initial
            hex("c3000000010880a1b2c3d4e5f60700004400" + "00".repeat(40)),
            // Gnutella UDP ping-like and eDonkey/Kad-like datagrams
            hex("c4d8a3b2f1e0a9b8c7d6e5f4a3b2c100010200000000"),
            hex("e42000000000000000000000000000000000000000"),
            hex("e3960000"),
            // bencode that is a dictionary but not KRPC
            ascii("d4:infod6:lengthi12e4:name4:testee"),
            ascii("d1:q4:ping1:t2:aa1:y1:qe"),
        };
        for (byte[] n : negatives) {
            TestFlow flow = new TestFlow(detector());
            for (int i = 0; i < 5; i++) {
                assertThat(feed(flow, A, 4000, B, 5000, n).isMatch()).isFalse();
            }
        }
    }

    @Test
    void randomAndMutatedDatagramsNeverThrow() {
        qt().forAll(BencodeGen.mutated(KrpcGen.encodedMessages()), BencodeGen.randomBytes(100))
            .checkAssert((m, r) -> {
                TestFlow flow = new TestFlow(detector());
                feed(flow, A, 1, B, 2, r.length == 0 ? new byte[] {'d'} : r);
                feed(flow, B, 2, A, 1, m.length == 0 ? new byte[] {'d'} : m);
            });
        qt().forAll(BencodeGen.randomBytes(300)).checkAssert(b -> {
            if (b.length > 0) {
                assertThat(feed(new TestFlow(detector()), A, 1, B, 2, b).isMatch()).isFalse();
            }
        });
    }

    @Test
    void settingsAreCheckedAndNamed() {
        assertThat(DhtSettings.from(ConfigFactory.defaultReference().getConfig("btblocker.dht")))
            .isEqualTo(new DhtSettings(4, true, 64));
        assertThatThrownBy(() -> DhtSettings.from(ConfigFactory.parseString(
                "maxDatagrams = 0, rememberPeers = true, maxRememberedPerDatagram = 64")))
            .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("maxDatagrams");
        assertThatThrownBy(() -> DhtSettings.from(ConfigFactory.parseString(
                "maxDatagrams = 4, rememberPeers = true, maxRememberedPerDatagram = -1")))
            .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("maxRememberedPerDatagram");
        assertThatThrownBy(() -> DhtSettings.from(ConfigFactory.parseString("maxDatagrams = 4")))
            .isInstanceOf(ConfigException.Missing.class);
    }

    @Test
    void providerIsRegistered() {
        DetectorProvider p = ServiceLoader.load(DetectorProvider.class).stream()
            .map(ServiceLoader.Provider::get).filter(x -> x.name().equals("dht")).findFirst().orElseThrow();
        assertThat(p).isInstanceOf(DhtDetectorProvider.class);
        assertThat(p.interest()).isEqualTo(Interest.UDP_PAYLOAD);
        assertThat(p.stateSlots()).isZero();
    }
}
