package org.btblocker.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The seed's manual test, end to end: a BitTorrent handshake through the gateway is dropped before the server reads
 * a byte, the client is banned for banDuration, and its next connection attempt dies at the gateway. Also with
 * {@code monitorOnly}: logged, but delivered and nobody banned.
 */
class HandshakeBlockIT extends GatewayLabTest {

    @Test
    void handshakeOverIpv4IsDroppedAndTheClientBanned() {
        blocksHandshake(GatewayLab.CLIENT4, GatewayLab.SERVER4, "torrent_block");
    }

    @Test
    void handshakeOverIpv6IsDroppedAndTheClientBanned() {
        blocksHandshake(GatewayLab.CLIENT6, GatewayLab.SERVER6, "torrent_block6");
    }

    private void blocksHandshake(String clientAddr, String serverAddr, String set) {
        daemon = lab.startDaemon("");
        Proc sink = lab.listen(lab.server, "tcp_sink", serverAddr, "6881", "4");

        List<String> client = lab.pythonRun(lab.client, "tcp_send", serverAddr, "6881", Wire.handshake(), "0.5");
        assertThat(client).anyMatch(l -> l.startsWith("CONNECTED")).contains("SENT 68");

        daemon.awaitErr("BLOCK tcp .* detector=handshake", Duration.ofSeconds(10));
        sink.awaitExit(Duration.ofSeconds(15));
        assertThat(sink.out()).as("the server read nothing of the handshake").contains("READ 0");

        Map<String, Integer> banned = lab.ipsetMembers(set);
        assertThat(banned).containsKey(clientAddr);
        assertThat(banned.get(clientAddr)).as("ban timeout (s)").isBetween(590, 600);

        // the ban drops the client's next SYN at the gateway, whatever the port
        Proc other = lab.listen(lab.server, "tcp_sink", serverAddr, "8080", "4");
        List<String> retry = lab.pythonRun(lab.client, "tcp_send", serverAddr, "8080", "00", "0");
        assertThat(retry).singleElement().asString().matches("CONNECT_FAILED (timeout|TimeoutError) 2\\.\\d+");
        other.awaitExit(Duration.ofSeconds(15));
        assertThat(other.out()).contains("READ 0").noneMatch(l -> l.equals("ACCEPTED"));

        List<String> blocks = daemon.errMatching("BLOCK");
        assertThat(blocks).singleElement().asString()
            .contains("BLOCK tcp " + (clientAddr.contains(":") ? "[" + clientAddr + "]" : clientAddr) + ":")
            .contains("detector=handshake")
            .contains("ban=" + clientAddr + "/600s");
    }

    @Test
    void monitorOnlyLogsButDeliversAndBansNobody() {
        daemon = lab.startDaemon("monitorOnly = true");
        Proc sink = lab.listen(lab.server, "tcp_sink", GatewayLab.SERVER4, "6881", "4");

        List<String> client = lab.pythonRun(lab.client, "tcp_send", GatewayLab.SERVER4, "6881", Wire.handshake(),
            "0.5");
        assertThat(client).contains("SENT 68");

        daemon.awaitErr("BLOCK.* tcp .* detector=handshake", Duration.ofSeconds(10));
        sink.awaitExit(Duration.ofSeconds(15));
        assertThat(sink.out()).as("the server read the whole handshake").contains("READ 68");
        assertThat(lab.ipsetMembers("torrent_block")).isEmpty();
        assertThat(lab.ipsetMembers("torrent_block6")).isEmpty();
        assertThat(daemon.errMatching("BLOCK")).singleElement().asString().contains("monitorOnly")
            .doesNotContain("ban=" + GatewayLab.CLIENT4);
    }

    @Test
    void twoBalancedQueuesBlockAsOne() {
        daemon = lab.startDaemon("queue.count = 2");
        assertThat(lab.in(lab.gateway, "iptables-save").ok()).contains("--queue-balance 0:1");
        Proc sink = lab.listen(lab.server, "tcp_sink", GatewayLab.SERVER4, "6881", "3");
        lab.pythonRun(lab.client, "tcp_send", GatewayLab.SERVER4, "6881", Wire.handshake(), "0.3");
        daemon.awaitErr("BLOCK tcp .* detector=handshake", Duration.ofSeconds(10));
        assertThat(sink.awaitOut("^READ (\\d+)", Duration.ofSeconds(15)).group(1)).isEqualTo("0");
        assertThat(lab.ipsetMembers("torrent_block")).containsOnlyKeys(GatewayLab.CLIENT4);
    }

    @Test
    void nftablesSinkBansAndItsSetDropsTheClient() {
        assumeTrue(GatewayLab.onPath("nft"), "the nftables sink test needs `nft`");
        daemon = lab.startDaemon("banSink = nftables");
        Proc sink = lab.listen(lab.server, "tcp_sink", GatewayLab.SERVER6, "6881", "4");
        lab.pythonRun(lab.client, "tcp_send", GatewayLab.SERVER6, "6881", Wire.handshake(), "0.3");
        assertThat(daemon.awaitErr("BLOCK tcp .* detector=handshake.*", Duration.ofSeconds(10)).group())
            .endsWith("ban=" + GatewayLab.CLIENT6 + "/600s");
        assertThat(sink.awaitOut("^READ (\\d+)", Duration.ofSeconds(15)).group(1)).isEqualTo("0");
        assertThat(lab.in(lab.gateway, "nft", "list", "set", "inet", "btblocker", "banned6").ok())
            .contains(GatewayLab.CLIENT6).containsPattern("expires (9m5\\d|10m)");

        Proc other = lab.listen(lab.server, "tcp_sink", GatewayLab.SERVER6, "8080", "3");
        assertThat(lab.pythonRun(lab.client, "tcp_send", GatewayLab.SERVER6, "8080", "00", "0")).singleElement()
            .asString().startsWith("CONNECT_FAILED");
        assertThat(other.awaitOut("^READ (\\d+)", Duration.ofSeconds(15)).group(1)).isEqualTo("0");
        lab.in(lab.gateway, "nft", "delete", "table", "inet", "btblocker");   // the bans stay otherwise
    }
}
