package org.btblocker.detectors.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.btblocker.detectors.tracker.TrackerGen.announceQuery;
import static org.btblocker.detectors.tracker.TrackerGen.announceRequest;
import static org.btblocker.detectors.tracker.TrackerGen.announceResponse;
import static org.btblocker.detectors.tracker.TrackerGen.connectRequest;
import static org.btblocker.detectors.tracker.TrackerGen.connectResponse;
import static org.btblocker.detectors.tracker.TrackerGen.filled;
import static org.btblocker.detectors.tracker.TrackerGen.httpGet;
import static org.btblocker.detectors.tracker.TrackerGen.httpResponse;
import static org.btblocker.detectors.tracker.TrackerGen.peersBody;
import static org.btblocker.testkit.Packets.ascii;
import static org.btblocker.testkit.Packets.concat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.StreamSupport;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;

import org.btblocker.api.DetectorProvider;
import org.btblocker.api.Interest;
import org.btblocker.api.Verdict;
import org.btblocker.testkit.Packets;
import org.btblocker.testkit.TestFlow;
import org.junit.jupiter.api.Test;

class TrackerDetectorTest {

    static final TrackerSettings DEFAULTS =
            TrackerSettings.from(ConfigFactory.defaultReference().getConfig("btblocker.tracker"));
    static final TrackerSettings STRICT = new TrackerSettings(6, true, false, DEFAULTS.userAgents(), 50);
    static final TrackerSettings AT_ONCE = new TrackerSettings(6, false, false, DEFAULTS.userAgents(), 50);

    static Packets udpA(byte[] p) {
        return Packets.udp("10.0.0.1", 36360, "192.0.2.50", 6969, p);
    }

    static Packets udpB(byte[] p) {
        return Packets.udp("192.0.2.50", 6969, "10.0.0.1", 36360, p);
    }

    static Packets tcpA(byte[] p) {
        return Packets.tcp("10.0.0.1", 50022, "192.0.2.50", 80, p);
    }

    static Packets tcpB(byte[] p) {
        return Packets.tcp("192.0.2.50", 80, "10.0.0.1", 50022, p);
    }

    static TestFlow flow(TrackerSettings s) {
        return new TestFlow(new TrackerDetector(s));
    }

    static byte[] peerId() {
        return concat(ascii("-TR2940-"), ascii("chho92c56pul"));
    }

    // ---- BEP 15 -------------------------------------------------------------------------------------------------

    @Test
    void connectRequestAloneMatchesWithoutHarvesting() {
        assertThat(flow(AT_ONCE).feed(udpA(connectRequest(0x69bc5c82)))).isSameAs(TrackerDetector.UDP_CONNECT);
    }

    @Test
    void harvestingMatchesOnTheConnectAndStillLearnsThePeersOfTheAnnounceResponse() {
        long cid = 0xabf5e1e2478d0a76L;
        TestFlow f = flow(DEFAULTS);
        assertThat(f.feed(udpA(connectRequest(0x69bc5c82)))).isSameAs(TrackerDetector.UDP_CONNECT);
        // The engine keeps showing a matched flow to its matcher: the exchange is still followed.
        f.feed(udpB(connectResponse(0x69bc5c82, cid)));
        f.feed(udpA(announceRequest(cid, 0x69bc5c83)));
        byte[] peers = new byte[] {(byte) 217, (byte) 129, 96, 104, (byte) 0x8e, 0x08};
        assertThat(f.feed(udpB(announceResponse(0x69bc5c83, peers)))).isSameAs(TrackerDetector.UDP_ANNOUNCE_EXCHANGE);
        assertThat(f.endpointSet().peers).containsExactly("217.129.96.104:36360");
    }

    @Test
    void withoutHarvestingNoPeersAreLearnedAfterTheMatch() {
        TestFlow f = flow(AT_ONCE);
        long cid = 7L;
        assertThat(f.feed(udpA(connectRequest(1))).isMatch()).isTrue();
        f.feed(udpB(connectResponse(1, cid)));
        f.feed(udpA(announceRequest(cid, 2)));
        f.feed(udpB(announceResponse(2, new byte[] {(byte) 217, (byte) 129, 96, 104, (byte) 0x8e, 0x08})));
        assertThat(f.endpointSet().peers).isEmpty();
    }

    @Test
    void connectRequestWithWrongMagicOrLengthIsNotMatched() {
        byte[] wrongMagic = connectRequest(1);
        wrongMagic[7] ^= 1;
        byte[] padded = concat(connectRequest(1), new byte[4]);
        byte[] wrongAction = connectRequest(1);
        wrongAction[11] = 1;
        for (byte[] p : List.of(wrongMagic, padded, wrongAction)) {
            assertThat(flow(DEFAULTS).feed(udpA(p))).isSameAs(Verdict.NOT_MINE);
        }
    }

    @Test
    void strictModeNeedsTheConnectResponseWithTheSameTransaction() {
        TestFlow f = flow(STRICT);
        assertThat(f.feed(udpA(connectRequest(0x1234)))).isSameAs(Verdict.UNDECIDED);
        assertThat(f.feed(udpB(connectResponse(0x1234, 0xabf5e1e2478d0a76L)))).isSameAs(
                TrackerDetector.UDP_CONNECT_EXCHANGE);

        TestFlow g = flow(STRICT);
        g.feed(udpA(connectRequest(0x1234)));
        assertThat(g.feed(udpB(connectResponse(0x4321, 1L))).isMatch()).isFalse();
    }

    @Test
    void strictModeIgnoresAResponseFromTheRequester() {
        TestFlow f = flow(STRICT);
        f.feed(udpA(connectRequest(7)));
        assertThat(f.feed(udpA(connectResponse(7, 9L))).isMatch()).isFalse();
    }

    @Test
    void connectionIdContinuityMatchesWhenTheConnectRequestWasMissed() {
        long connectionId = 0x0123456789abcdefL;
        TestFlow f = flow(AT_ONCE);
        assertThat(f.feed(udpB(connectResponse(5, connectionId)))).isSameAs(Verdict.UNDECIDED);
        assertThat(f.feed(udpA(announceRequest(connectionId, 6)))).isSameAs(TrackerDetector.UDP_CONNECTION_ID);
        TestFlow h = flow(DEFAULTS);
        h.feed(udpB(connectResponse(5, connectionId)));
        assertThat(h.feed(udpA(announceRequest(connectionId, 6)))).isSameAs(TrackerDetector.UDP_CONNECTION_ID);

        TestFlow g = flow(DEFAULTS);
        g.feed(udpB(connectResponse(5, connectionId)));
        assertThat(g.feed(udpA(announceRequest(connectionId + 1, 6))).isMatch()).isFalse();
    }

    @Test
    void announceExchangeMatchesAndRemembersIpv4Peers() {
        TestFlow f = flow(DEFAULTS);
        assertThat(f.feed(udpA(announceRequest(42L, 77)))).isSameAs(Verdict.UNDECIDED);
        byte[] peers = concat(new byte[] {(byte) 198, 51, 100, 1, 0x1a, (byte) 0xe1},
                new byte[] {(byte) 203, 0, 113, 9, (byte) 0xc8, (byte) 0xd5}, new byte[] {0, 0, 0, 0, 0, 0});
        assertThat(f.feed(udpB(announceResponse(77, peers)))).isSameAs(TrackerDetector.UDP_ANNOUNCE_EXCHANGE);
        assertThat(f.endpointSet().peers).containsExactlyInAnyOrder("198.51.100.1:6881", "203.0.113.9:51413");
    }

    @Test
    void announceExchangeOverIpv6Uses18BytePeers() {
        TestFlow f = flow(DEFAULTS);
        f.feed(Packets.udp("2001:db8::1", 6881, "2001:db8::99", 6969, announceRequest(42L, 78)));
        byte[] peer = concat(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8}, new byte[11], new byte[] {5, 0x1a, (byte) 0xe1});
        Verdict v = f.feed(Packets.udp("2001:db8::99", 6969, "2001:db8::1", 6881, announceResponse(78, peer)));
        assertThat(v).isSameAs(TrackerDetector.UDP_ANNOUNCE_EXCHANGE);
        assertThat(f.endpointSet().peers).containsExactly("[2001:db8::5]:6881");
    }

    @Test
    void announceRequestWithBep41OptionsIsAccepted() {
        byte[] options = concat(new byte[] {2, 12}, ascii("/announce?ab"), new byte[] {1, 0});
        byte[] request = TrackerGen.announceRequest(42L, 9, filled(20, 1), filled(20, 2), 0, 6881, options);
        ByteBuffer b = ByteBuffer.wrap(request);
        assertThat(UdpTrackerMessage.requestAction(b, 0, request.length)).isEqualTo(UdpTrackerMessage.ANNOUNCE);
        byte[] badOption = TrackerGen.announceRequest(42L, 9, filled(20, 1), filled(20, 2), 0, 6881,
                new byte[] {2, 40, 1});
        assertThat(UdpTrackerMessage.requestAction(ByteBuffer.wrap(badOption), 0, badOption.length)).isEqualTo(-1);
        byte[] badEvent = TrackerGen.announceRequest(42L, 9, filled(20, 1), filled(20, 2), 4, 6881, new byte[0]);
        assertThat(UdpTrackerMessage.requestAction(ByteBuffer.wrap(badEvent), 0, badEvent.length)).isEqualTo(-1);
    }

    @Test
    void announceRequestAloneIsNotEnough() {
        TestFlow f = flow(DEFAULTS);
        for (int i = 0; i < DEFAULTS.maxPayloadPackets() - 1; i++) {
            assertThat(f.feed(udpA(announceRequest(42L, i)))).isSameAs(Verdict.UNDECIDED);
        }
        assertThat(f.feed(udpA(announceRequest(42L, 99)))).isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void scrapeAndErrorExchangesMatch() {
        TestFlow f = flow(DEFAULTS);
        f.feed(udpA(TrackerGen.scrapeRequest(42L, 3, 2)));
        assertThat(f.feed(udpB(TrackerGen.scrapeResponse(3, 2)))).isSameAs(TrackerDetector.UDP_SCRAPE_EXCHANGE);
        TestFlow g = flow(DEFAULTS);
        g.feed(udpA(announceRequest(42L, 4)));
        assertThat(g.feed(udpB(TrackerGen.errorResponse(4, "Connection ID missmatch."))))
                .isSameAs(TrackerDetector.UDP_ERROR);
    }

    @Test
    void responseWithWrongTransactionOrLengthIsNotMine() {
        TestFlow f = flow(DEFAULTS);
        f.feed(udpA(announceRequest(42L, 4)));
        assertThat(f.feed(udpB(announceResponse(5, new byte[6])))).isSameAs(Verdict.NOT_MINE);
        TestFlow g = flow(DEFAULTS);
        g.feed(udpA(announceRequest(42L, 4)));
        assertThat(g.feed(udpB(announceResponse(4, new byte[7])))).isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void otherUdpIsNotMine() {
        byte[] dns = Packets.hex("abcd01000001000000000000076578616d706c6503636f6d0000010001");
        byte[] dht = ascii("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe");
        for (byte[] p : List.of(dns, dht, new byte[16], new byte[1])) {
            assertThat(flow(DEFAULTS).feed(udpA(p)).isMatch()).isFalse();
        }
    }

    // ---- HTTP ---------------------------------------------------------------------------------------------------

    @Test
    void httpAnnounceMatches() {
        byte[] hash = ascii("\u00aa7i\u00c4S\r\u00de\u0006$\u0018s\u00da\u00d4:\u00b5\u00cc\u00ec,\u00e6\"");
        byte[] req = httpGet("/announce?" + announceQuery(hash, peerId(), 51413), "User-Agent: curl/8.0");
        assertThat(flow(AT_ONCE).feed(tcpA(req))).isSameAs(TrackerDetector.HTTP_ANNOUNCE_PEER_ID);
        byte[] plainPeerId = httpGet("/a?" + announceQuery(filled(20, 0x41), filled(20, 0x42), 0));
        assertThat(flow(AT_ONCE).feed(tcpA(plainPeerId))).isSameAs(TrackerDetector.HTTP_ANNOUNCE);
    }

    @Test
    void httpAnnounceMatchesOnTheRequestAndStillLearnsThePeersOfTheResponse() {
        byte[] req = httpGet("/announce?" + announceQuery(filled(20, 7), peerId(), 6924));
        byte[] compact = new byte[] {10, 0, 0, 2, (byte) 0xce, 0x61};
        TestFlow f = flow(DEFAULTS);
        assertThat(f.feed(tcpA(req))).isSameAs(TrackerDetector.HTTP_ANNOUNCE_PEER_ID);
        f.feed(tcpB(httpResponse(peersBody(compact))));
        assertThat(f.endpointSet().peers).containsExactly("10.0.0.2:52833");

        TestFlow redirect = flow(DEFAULTS);
        redirect.feed(tcpA(req));
        redirect.feed(tcpB(ascii("HTTP/1.1 307 Temporary Redirect\r\nLocation: /x\r\n\r\n")));
        assertThat(redirect.endpointSet().peers).isEmpty();
    }

    @Test
    void httpScrapeMatches() {
        byte[] req = httpGet("/scrape?info_hash=" + TrackerGen.urlEncode(filled(20, 0xfe)) + "&info_hash="
                + TrackerGen.urlEncode(filled(20, 0x01)));
        assertThat(flow(DEFAULTS).feed(tcpA(req))).isSameAs(TrackerDetector.HTTP_SCRAPE);
        byte[] passkey = httpGet("/0123abcd/scrape.php?info_hash=" + TrackerGen.urlEncode(filled(20, 0xfe)));
        assertThat(flow(DEFAULTS).feed(tcpA(passkey))).isSameAs(TrackerDetector.HTTP_SCRAPE);
    }

    @Test
    void announceLikeQueriesThatAreNotAnnouncesAreNotMatched() {
        String hash19 = TrackerGen.urlEncode(filled(19, 0xaa));
        String hash20 = TrackerGen.urlEncode(filled(20, 0xaa));
        String pid = TrackerGen.urlEncode(filled(20, 0x42));
        List<String> targets = List.of(
                "/announce?info_hash=" + hash19 + "&peer_id=" + pid + "&port=1",      // 19-byte hash
                "/announce?info_hash=" + hash20 + "&peer_id=" + pid,                 // no port
                "/announce?info_hash=" + hash20 + "&peer_id=" + pid + "&port=70000", // bad port
                "/announce?info_hash=" + hash20 + "%zz&peer_id=" + pid + "&port=1",  // bad escape
                "/search?q=info_hash%3D" + hash20 + "&peer_id=" + pid + "&port=1",   // substring, not a parameter
                "/announce?xinfo_hash=" + hash20 + "&peer_id=" + pid + "&port=1",
                "/index.html", "/search?q=bittorrent+tracker&lang=en");
        for (String t : targets) {
            TestFlow f = flow(DEFAULTS);
            assertThat(f.feed(tcpA(httpGet(t, "User-Agent: Mozilla/5.0")))).as(t).isSameAs(Verdict.UNDECIDED);
            assertThat(f.feed(tcpB(ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")))).as(t)
                    .isSameAs(Verdict.NOT_MINE);
        }
    }

    @Test
    void clientUserAgentsMatchAsExactTokenPrefixes() {
        assertThat(flow(DEFAULTS).feed(tcpA(httpGet("/file.iso", "User-Agent: Transmission/2.94"))))
                .isSameAs(TrackerDetector.CLIENT_USER_AGENT);
        assertThat(flow(DEFAULTS).feed(tcpA(httpGet("/file.iso", "user-agent:Deluge 1.3.15"))))
                .isSameAs(TrackerDetector.CLIENT_USER_AGENT);
        assertThat(flow(DEFAULTS).feed(tcpA(httpGet("/f/part1", "Range: bytes=0-16383", "User-Agent: uTorrent/3.5"))))
                .isSameAs(TrackerDetector.WEB_SEED);
        for (String ua : List.of("Delugexyz/1.0", "Mozilla/5.0 (uTorrent/3.5)", "curl/8.0", "Wget/1.21",
                "Transmission", "aria2/1.36.0")) {
            assertThat(flow(DEFAULTS).feed(tcpA(httpGet("/file.iso", "User-Agent: " + ua)))).as(ua)
                    .isSameAs(Verdict.UNDECIDED);
        }
    }

    @Test
    void emptyUserAgentListDisablesTheCheck() {
        TrackerSettings none = new TrackerSettings(6, false, true, List.of(), 50);
        assertThat(flow(none).feed(tcpA(httpGet("/f", "User-Agent: Transmission/2.94")))).isSameAs(Verdict.UNDECIDED);
    }

    @Test
    void trackerResponseAfterAnUnrecognisedRequestMatchesAndRemembersPeers() {
        byte[] compact = concat(new byte[] {10, 0, 0, 2, (byte) 0xce, 0x61}, new byte[] {10, 0, 0, 4, 0x1a, (byte) 0xe1});
        TestFlow f = flow(DEFAULTS);
        f.feed(tcpA(httpGet("/announce?passkey=abc")));
        assertThat(f.feed(tcpB(httpResponse(peersBody(compact))))).isSameAs(TrackerDetector.HTTP_PEERS);
        assertThat(f.endpointSet().peers).containsExactlyInAnyOrder("10.0.0.2:52833", "10.0.0.4:6881");
    }

    @Test
    void failureAndScrapeResponsesMatch() {
        TestFlow f = flow(DEFAULTS);
        f.feed(tcpA(httpGet("/announce")));
        assertThat(f.feed(tcpB(httpResponse(ascii("d14:failure reason17:torrent not founde")))))
                .isSameAs(TrackerDetector.HTTP_FAILURE);
        TestFlow g = flow(DEFAULTS);
        g.feed(tcpA(httpGet("/scrape")));
        byte[] files = concat(ascii("d5:filesd20:"), filled(20, 3), ascii("d8:completei5e10:downloadedi50e10:incompletei10eeee"));
        assertThat(g.feed(tcpB(httpResponse(files)))).isSameAs(TrackerDetector.HTTP_SCRAPE_RESPONSE);
    }

    @Test
    void responsesThatAreNotTrackerResponsesAreNotMine() {
        List<byte[]> bodies = List.of(ascii("d8:intervali1800e5:peers5:abcdee"),     // 5 is not a multiple of 6
                ascii("<html>d8:intervali1e5:peers0:e</html>"), ascii("d3:foo3:bare"));
        for (byte[] body : bodies) {
            TestFlow f = flow(DEFAULTS);
            f.feed(tcpA(httpGet("/x")));
            assertThat(f.feed(tcpB(httpResponse(body)))).isSameAs(Verdict.NOT_MINE);
        }
        TestFlow g = flow(DEFAULTS);
        g.feed(tcpA(httpGet("/x")));
        assertThat(g.feed(tcpB(ascii("HTTP/1.1 404 Not Found\r\n\r\nd8:intervali1e5:peers0:e"))))
                .isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void nonHttpTcpAndServerFirstProtocolsAreNotMine() {
        assertThat(flow(DEFAULTS).feed(tcpA(ascii("SSH-2.0-OpenSSH_9.6\r\n")))).isSameAs(Verdict.NOT_MINE);
        assertThat(flow(DEFAULTS).feed(tcpA(Packets.hex("16030100f4010000f00303")))).isSameAs(Verdict.NOT_MINE);
        assertThat(flow(DEFAULTS).feed(tcpA(ascii("POST /announce HTTP/1.1\r\n\r\n")))).isSameAs(Verdict.NOT_MINE);
        TestFlow f = flow(DEFAULTS);
        f.feed(Packets.tcp("10.0.0.1", 50022, "192.0.2.50", 25, org.btblocker.api.packet.PacketView.SYN, 0, 0,
                new byte[0]));
        assertThat(f.feed(Packets.tcp("192.0.2.50", 25, "10.0.0.1", 50022, ascii("220 mail ESMTP\r\n"))))
                .isSameAs(Verdict.NOT_MINE);
    }

    @Test
    void splitGetIsIncompleteNotRejected() {
        TestFlow f = flow(DEFAULTS);
        assertThat(f.feed(tcpA(ascii("GE")))).isSameAs(Verdict.UNDECIDED);
        assertThat(f.feed(tcpA(ascii("T /announce?info_hash=")))).isSameAs(Verdict.UNDECIDED);
    }

    // ---- settings and registration ------------------------------------------------------------------------------

    @Test
    void settingsComeFromReferenceConfAndBadValuesNameTheKey() {
        var own = ConfigFactory.defaultReference().getConfig("btblocker.tracker");
        assertThat(DEFAULTS.requireConnectResponse()).isFalse();
        assertThat(DEFAULTS.userAgents()).contains("uTorrent/", "Transmission/", "qBittorrent/");
        assertThatThrownBy(() -> TrackerSettings.from(own.withValue("maxPayloadPackets",
                ConfigValueFactory.fromAnyRef(0)))).isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("maxPayloadPackets");
        assertThatThrownBy(() -> TrackerSettings.from(own.withValue("userAgents",
                ConfigValueFactory.fromIterable(List.of(""))))).isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("userAgents");
    }

    @Test
    void providerIsRegistered() {
        DetectorProvider p = StreamSupport.stream(ServiceLoader.load(DetectorProvider.class).spliterator(), false)
                .filter(d -> d.name().equals("tracker")).findFirst().orElseThrow();
        assertThat(p.interest()).isEqualTo(Interest.TCP_AND_UDP_PAYLOAD);
        assertThat(p.create(ConfigFactory.defaultReference().getConfig("btblocker.tracker"))).isNotNull();
    }
}
