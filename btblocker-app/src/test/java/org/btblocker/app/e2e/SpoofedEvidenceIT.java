package org.btblocker.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * Issue 8, item 1: one-way evidence that never decays. A host forges DHT queries "from" a victim (here another
 * address on the client's link, so the reverse-path check cannot tell), each in a flow of its own (another source
 * port each time) but all to one counterpart. Each one-way detection is evidence against the victim, yet one
 * counterpart counts once within {@code ban.evidenceWindow}, so any number of them bans nobody.
 *
 * <p>On e1b8c66 this test failed: the third forged query banned the victim ({@code ban=10.91.1.3/600s}); every
 * one-way detection counted, forever.
 */
class SpoofedEvidenceIT extends GatewayLabTest {

    @Test
    void forgedQueriesToOneCounterpartNeverAddUpToABan() {
        daemon = lab.startDaemon("");        // ban.minEvidence = 3
        for (int n = 0; n < 5; n++) {
            assertThat(lab.pythonRun(lab.client, "raw_udp", GatewayLab.THIRD4, String.valueOf(6881 + n),
                GatewayLab.SERVER4, "6881", Wire.dhtGetPeers("s" + n))).contains("SENT_RAW " + GatewayLab.THIRD4);
        }
        assertThat(daemon.awaitErrCount("BLOCK udp .* detector=dht", 5, Duration.ofSeconds(10)))
            .allMatch(l -> l.contains("ban=none"));
        assertThat(lab.ipsetMembers("torrent_block")).doesNotContainKey(GatewayLab.THIRD4).isEmpty();
    }
}
