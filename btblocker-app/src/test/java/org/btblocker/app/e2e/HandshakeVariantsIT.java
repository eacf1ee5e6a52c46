package org.btblocker.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * Variations on the handshake: split across TCP segments (the flow table sees the whole opening, the seed's
 * per-packet check did not), and a client in {@code allowlist} (never blocked, never banned).
 */
class HandshakeVariantsIT extends GatewayLabTest {

    @Test
    void handshakeSplitAcrossSegmentsIsStillBlocked() {
        daemon = lab.startDaemon("");
        Proc sink = lab.listen(lab.server, "tcp_sink", GatewayLab.SERVER4, "6881", "3");
        String hs = Wire.handshake();
        // 7 bytes ("\x13BitTor"), then the rest: neither segment alone holds the 20-byte protocol prefix
        assertThat(lab.pythonRun(lab.client, "tcp_send", GatewayLab.SERVER4, "6881",
            hs.substring(0, 14) + "," + hs.substring(14), "0.3")).contains("SENT 68");

        daemon.awaitErr("BLOCK tcp .* detector=handshake", Duration.ofSeconds(10));
        int read = Integer.parseInt(sink.awaitOut("^READ (\\d+)", Duration.ofSeconds(15)).group(1));
        assertThat(read).as("at most the first segment reached the server").isLessThanOrEqualTo(7);
        assertThat(lab.ipsetMembers("torrent_block")).containsOnlyKeys(GatewayLab.CLIENT4);
        assertThat(daemon.errMatching("BLOCK")).hasSize(1);
    }

    @Test
    void allowlistedClientIsNeitherBlockedNorBanned() {
        daemon = lab.startDaemon("allowlist = [\"10.91.1.0/24\"]");
        Proc sink = lab.listen(lab.server, "tcp_sink", GatewayLab.SERVER4, "6881", "3");
        assertThat(lab.pythonRun(lab.client, "tcp_send", GatewayLab.SERVER4, "6881", Wire.handshake(), "0.3"))
            .contains("SENT 68");
        assertThat(sink.awaitOut("^READ (\\d+)", Duration.ofSeconds(15)).group(1)).isEqualTo("68");
        assertThat(lab.ipsetMembers("torrent_block")).isEmpty();
        assertThat(daemon.errMatching("BLOCK .*ban=" + GatewayLab.CLIENT4)).isEmpty();
    }

    @Test
    void jsonLogFormatWritesTheDecisionAsOneObject() {
        daemon = lab.startDaemon("logFormat = json");
        Proc sink = lab.listen(lab.server, "tcp_sink", GatewayLab.SERVER4, "6881", "2");
        lab.pythonRun(lab.client, "tcp_send", GatewayLab.SERVER4, "6881", Wire.handshake(), "0.3");
        daemon.awaitErr("\"msg\":\"BLOCK tcp ", Duration.ofSeconds(10));
        // one flat object: the decision's fields at the top level, next to ts, level, logger and msg
        assertThat(daemon.err()).filteredOn(l -> l.contains("BLOCK tcp")).singleElement().asString()
            .startsWith("{\"ts\":\"").endsWith("}").contains("\"logger\":\"btblocker.decision\"")
            .contains("\"detector\":\"handshake\"")
            .contains("\"src\":\"" + GatewayLab.CLIENT4 + ":")
            .contains("\"ban\":\"" + GatewayLab.CLIENT4 + "/600s\"")
            .doesNotContain("kvpList");
        sink.awaitExit(Duration.ofSeconds(10));
    }
}
