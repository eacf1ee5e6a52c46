package org.btblocker.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;

import org.btblocker.crowdsec.LocalApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The daemon with {@code banSinks = [ipset, crowdsec]} and a real CrowdSec Local API (crowdsec 1.4.6, in the lab's
 * gateway namespace on its 127.0.0.1): a detection on the gateway becomes a decision that {@code cscli} and a
 * bouncer's stream see, and with a wrong password the daemon names the fix and keeps blocking locally. Two gateways
 * sharing a ban, and a LAPI outage, are in {@link FleetShareIT}.
 */
class FleetPushIT extends GatewayLabTest {

    private static final String PASSWORD = "gw-a-Fleet-Test-Password";
    private LocalApi lapi;

    @BeforeEach
    void startLapi() throws Exception {
        String reason = LocalApi.unavailableReason();
        assumeTrue(reason == null, reason);
        lapi = LocalApi.startIn(lab.dir.resolve("lapi-" + System.nanoTime()), lab.gateway);
        lapi.addMachine("gw-a", PASSWORD);
    }

    @AfterEach
    void stopLapi() throws Exception {
        if (lapi != null) {
            lapi.close();
        }
    }

    private String sinks(Path passwordFile) {
        return "banSinks = [ipset, crowdsec]\n"
            + "crowdsec { url = \"" + lapi.url() + "\", machineId = gw-a, passwordFile = \"" + passwordFile + "\" }";
    }

    @Test
    void aDetectionBecomesADecisionForCscliAndBouncers() throws Exception {
        String bouncerKey = lapi.addBouncer("observer");
        daemon = lab.startDaemon(sinks(lapi.secretFile("gw-a.password", PASSWORD)));
        daemon.awaitErr("crowdsec: logged in to " + lapi.url() + " as machine gw-a", Duration.ofSeconds(20));

        Proc sink = lab.listen(lab.server, "tcp_sink", GatewayLab.SERVER4, "6881", "4");
        lab.pythonRun(lab.client, "tcp_send", GatewayLab.SERVER4, "6881", Wire.handshake(), "0.5");
        daemon.awaitErr("BLOCK tcp .* detector=handshake .*ban=" + GatewayLab.CLIENT4 + "/600s",
            Duration.ofSeconds(10));
        sink.close();
        assertThat(lab.ipsetMembers("torrent_block")).containsKey(GatewayLab.CLIENT4);

        String decisions = awaitCscli(GatewayLab.CLIENT4);
        assertThat(decisions).contains("\"origin\": \"btblocker\"").contains("\"scope\": \"Ip\"")
            .contains("\"scenario\": \"btblocker/bittorrent\"");
        assertThat(lapi.cscli("alerts", "list", "-a", "-o", "json"))
            .contains("\"message\": \"btblocker detector=handshake: ")
            .contains("\"machine_id\": \"gw-a\"");
        // what any bouncer of the fleet (another btblocker with pull, a firewall bouncer) receives
        String stream = lab.in(lab.gateway, "python3", "-c", "import sys, urllib.request as u; print(u.urlopen("
            + "u.Request(sys.argv[1], headers={'X-Api-Key': sys.argv[2]})).read().decode())",
            lapi.url() + "/v1/decisions/stream?startup=true", bouncerKey).ok();
        assertThat(stream).contains("\"value\":\"" + GatewayLab.CLIENT4 + "\"").contains("\"origin\":\"btblocker\"");
    }

    @Test
    void aWrongPasswordIsNamedAndTheGatewayStillBlocks() throws Exception {
        Path wrong = lapi.secretFile("wrong.password", "not-the-password");
        daemon = lab.startDaemon(sinks(wrong));
        String refused = "crowdsec: login as machine gw-a refused (401 incorrect Username or Password): check "
            + "btblocker.crowdsec.passwordFile / cscli machines list";
        daemon.awaitErr("ERROR.*" + java.util.regex.Pattern.quote(refused), Duration.ofSeconds(20));

        Proc sink = lab.listen(lab.server, "tcp_sink", GatewayLab.SERVER4, "6881", "4");
        lab.pythonRun(lab.client, "tcp_send", GatewayLab.SERVER4, "6881", Wire.handshake(), "0.5");
        daemon.awaitErr("BLOCK tcp .* detector=handshake", Duration.ofSeconds(10));
        sink.awaitExit(Duration.ofSeconds(15));
        assertThat(sink.out()).as("the handshake was dropped").contains("READ 0");
        assertThat(lab.ipsetMembers("torrent_block")).as("banned locally").containsKey(GatewayLab.CLIENT4);
        assertThat(daemon.isAlive()).isTrue();
        daemon.awaitErr("ban sink crowdsec: .*refused", Duration.ofSeconds(10));

        // a second ban (the IPv6 client) is refused the same way and adds no line: the refusal is named once at
        // startup (the login) and once by the sink's delivery lane, never per ban
        Proc sink6 = lab.listen(lab.server, "tcp_sink", GatewayLab.SERVER6, "6881", "4");
        lab.pythonRun(lab.client, "tcp_send", GatewayLab.SERVER6, "6881", Wire.handshake(), "0.5");
        daemon.awaitErr("BLOCK tcp .* detector=handshake .*ban=" + GatewayLab.CLIENT6, Duration.ofSeconds(10));
        sink6.close();
        assertThat(lab.ipsetMembers("torrent_block6")).containsKey(GatewayLab.CLIENT6);
        assertThat(daemon.errMatching(java.util.regex.Pattern.quote(refused))).hasSize(2);
        assertThat(String.join("\n", daemon.err())).doesNotContain("not-the-password").doesNotContain(PASSWORD);
        assertThat(lapi.cscli("decisions", "list", "-a", "-o", "json").strip()).isEqualTo("null");
    }

    /** {@code cscli decisions list --origin btblocker -i ADDR -o json}, once it lists the address (10 s). */
    private String awaitCscli(String address) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            String out = lapi.cscli("decisions", "list", "--origin", "btblocker", "-i", address, "-o", "json");
            if (out.contains("\"value\": \"" + address + "\"") || System.nanoTime() > deadline) {
                return out;
            }
            Thread.sleep(200);
        }
    }
}
