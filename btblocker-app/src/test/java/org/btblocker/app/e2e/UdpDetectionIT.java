package org.btblocker.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * UDP BitTorrent through the gateway: DHT queries (one-way, banned only after {@code ban.minEvidence}), a uTP
 * SYN/STATE exchange (two-way, banned at once), and a spoofed DHT packet (logged, but its forged source is not banned).
 */
class UdpDetectionIT extends GatewayLabTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void dhtQueriesAreBlockedAndTheSenderBannedAfterMinEvidence() {
        daemon = lab.startDaemon("");   // ban.minEvidence = 3 (default)
        Proc sink = lab.listen(lab.server, "udp_sink", "0.0.0.0", "6881,6882,6883", "6");

        // like a DHT node bootstrapping: the same local port, queries to three nodes
        lab.pythonRun(lab.client, "udp_send", GatewayLab.SERVER4, "40001", "6881", Wire.dhtGetPeers("aa"));
        String first = daemon.awaitErrCount("BLOCK udp .* detector=dht", 1, WAIT).get(0);
        assertThat(first).contains("BLOCK udp " + GatewayLab.CLIENT4 + ":40001 -> " + GatewayLab.SERVER4 + ":6881")
            .contains("ban=none");
        assertThat(lab.ipsetMembers("torrent_block")).as("one one-way detection bans nobody").isEmpty();

        lab.pythonRun(lab.client, "udp_send", GatewayLab.SERVER4_B, "40001", "6882", Wire.dhtGetPeers("ab"));
        assertThat(daemon.awaitErrCount("BLOCK udp .* detector=dht", 2, WAIT).get(1)).contains("ban=none");
        assertThat(lab.ipsetMembers("torrent_block")).as("two one-way detections ban nobody").isEmpty();

        lab.pythonRun(lab.client, "udp_send", GatewayLab.SERVER4_C, "40001", "6883", Wire.dhtGetPeers("ac"));
        assertThat(daemon.awaitErrCount("BLOCK udp .* detector=dht", 3, WAIT).get(2))
            .contains("-> " + GatewayLab.SERVER4_C + ":6883").contains("ban=" + GatewayLab.CLIENT4 + "/600s");
        assertThat(lab.awaitIpsetMember("torrent_block", GatewayLab.CLIENT4, Duration.ofSeconds(5)))
            .containsOnlyKeys(GatewayLab.CLIENT4);

        sink.awaitExit(Duration.ofSeconds(15));
        assertThat(sink.out()).as("no query reached a server").contains("RECEIVED 0");
    }

    @Test
    void utpSynStateExchangeIsBlockedAndBannedAtOnce() {
        daemon = lab.startDaemon("");
        Proc server = lab.listen(lab.server, "utp_server", GatewayLab.SERVER4, "6881", "4");

        List<String> client = lab.pythonRun(lab.client, "utp_client", GatewayLab.SERVER4, "6881", "4660", "77",
            "2");
        assertThat(server.awaitOut("^SYN", WAIT).group()).isEqualTo("SYN");
        assertThat(server.out()).as("the SYN passed (the flow is undecided until the reply)").contains("SYN 4660 77")
            .contains("STATE_SENT");
        assertThat(client).as("the acking ST_STATE is the matching packet: dropped").contains("NO_STATE");

        String line = daemon.awaitErr("BLOCK udp .* detector=utp .*", WAIT).group();
        Matcher ban = Pattern.compile("ban=([0-9a-f.:]+)/600s$").matcher(line);
        assertThat(ban.find()).as("banned at the first detection (two-way flow): " + line).isTrue();
        assertThat(ban.group(1)).as("ban.target = source: the STATE's sender").isEqualTo(GatewayLab.SERVER4);
        assertThat(lab.ipsetMembers("torrent_block")).containsOnlyKeys(ban.group(1));
        assertThat(daemon.errMatching("BLOCK")).hasSize(1);
    }

    @Test
    void spoofedDhtPacketIsLoggedButItsForgedSourceIsNotBanned() {
        daemon = lab.startDaemon("");
        Proc sink = lab.listen(lab.server, "udp_sink", GatewayLab.SERVER4, "6881", "3");

        // sent by the client, but carrying the address of another host on its link
        assertThat(lab.pythonRun(lab.client, "raw_udp", GatewayLab.THIRD4, "6881", GatewayLab.SERVER4, "6881",
            Wire.dhtGetPeers("zz"))).contains("SENT_RAW " + GatewayLab.THIRD4);

        String line = daemon.awaitErr("BLOCK udp .* detector=dht.*", WAIT).group();
        assertThat(line).contains(GatewayLab.THIRD4 + ":6881 -> " + GatewayLab.SERVER4 + ":6881")
            .contains("ban=none");
        sink.awaitExit(Duration.ofSeconds(15));
        assertThat(sink.out()).contains("RECEIVED 0");
        assertThat(lab.ipsetMembers("torrent_block")).doesNotContainKey(GatewayLab.THIRD4).isEmpty();
    }
}
