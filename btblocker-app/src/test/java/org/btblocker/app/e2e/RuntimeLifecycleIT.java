package org.btblocker.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;

import org.junit.jupiter.api.Test;

/**
 * The daemon's lifecycle around its long-lived state, on a real kernel in namespaces: a SIGHUP reload under
 * traffic keeps flows, bans and the queue while new settings take effect (and an invalid configuration changes
 * nothing); bans survive {@code kill -9} plus a lost ipset (what a reboot does to the kernel sets); a queue thread
 * that dies is bound again by the supervisor.
 */
class RuntimeLifecycleIT extends GatewayLabTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aReloadUnderTrafficKeepsFlowsAndBansAndAppliesTheNewSettings() {
        Path conf = lab.writeConfig("whitelistPorts = [22]");
        String original = lab.config("whitelistPorts = [22]");
        daemon = lab.startDaemon(conf);
        String pid = String.valueOf(daemon.pid());

        // a transfer that runs across the reload (8 MB paced at 2 MB/s)
        int size = 8 << 20;
        Proc server = lab.listen(lab.server, "serve", GatewayLab.SERVER4, "9000", String.valueOf(size), "5", "http",
            String.valueOf(2 << 20));
        Proc fetch = lab.python(lab.client, "fetch", GatewayLab.SERVER4, "9000", "30");
        fetch.awaitOut("^PROGRESS", WAIT);

        // a ban before the reload (over IPv6: a banned address loses all its traffic, the transfer is IPv4)
        lab.listen(lab.server, "tcp_sink", GatewayLab.SERVER6, "6881", "4");
        lab.pythonRun(lab.client, "tcp_send", GatewayLab.SERVER6, "6881", Wire.handshake(), "0.3");
        daemon.awaitErr("BLOCK tcp .* ban=" + GatewayLab.CLIENT6 + "/600s", WAIT);

        // same file, new settings: a longer ban, port 7777 whitelisted
        write(conf, original.replace("banDuration = \"600\"", "banDuration = \"1200\"")
            .replace("whitelistPorts = [22]", "whitelistPorts = [22, 7777]"));
        daemon.signal("HUP");
        daemon.awaitErr("configuration reloaded", WAIT);
        assertThat(daemon.pid()).as("the same process").hasToString(pid);
        // the new whitelist is in the rules, swapped in one iptables-restore transaction per family
        assertThat(daemon.errMatching("firewall rules replaced in one transaction")).hasSize(1);
        assertThat(lab.in(lab.gateway, "iptables-save").ok()).contains("--ports 22,7777 -j RETURN");

        Matcher got = fetch.awaitOut("^FETCHED (\\d+) (\\w+)", Duration.ofSeconds(60));
        Matcher served = server.awaitOut("^SERVED (\\d+) (\\w+)", WAIT);
        assertThat(Long.parseLong(got.group(1))).as("the transfer went on through the reload").isEqualTo(size);
        assertThat(got.group(2)).isEqualTo(served.group(2));
        assertThat(lab.ipsetMembers("torrent_block6")).as("the ban survives the reload").containsKey(GatewayLab.CLIENT6);

        // the new banDuration applies to new bans, the new whitelist to new flows
        lab.listen(lab.server, "tcp_sink", GatewayLab.SERVER4, "6882", "4");
        lab.pythonRun(lab.client, "tcp_send", GatewayLab.SERVER4, "6882", Wire.handshake(), "0.3");
        daemon.awaitErr("BLOCK tcp .* ban=" + GatewayLab.CLIENT4 + "/1200s", WAIT);
        assertThat(lab.ipsetMembers("torrent_block").get(GatewayLab.CLIENT4)).isBetween(1190, 1200);

        // an invalid configuration is refused in one line; the running one stays in force
        write(conf, original.replace("whitelistPorts = [22]", "whitelistPorts = [22]\n  entropyThreshold = 99"));
        daemon.signal("HUP");
        String refused = daemon.awaitErr("reload refused.*", WAIT).group();
        assertThat(refused).contains("btblocker.entropy.threshold").doesNotContain("\n");
        assertThat(daemon.isAlive()).isTrue();
        assertThat(daemon.errMatching("configuration reloaded|reload refused")).hasSize(2);
        // and the old settings still judge: a handshake is blocked and banned for the reloaded 1200 s
        lab.in(lab.gateway, "ipset", "flush", "torrent_block").ok();
        lab.listen(lab.server, "tcp_sink", GatewayLab.SERVER4, "6883", "4");
        lab.pythonRun(lab.client, "tcp_send", GatewayLab.SERVER4, "6883", Wire.handshake(), "0.3");
        assertThat(daemon.awaitErrCount("BLOCK tcp .* ban=" + GatewayLab.CLIENT4 + "/1200s", 2, WAIT)).hasSize(2);
    }

    @Test
    void bansSurviveKillNineAndAnEmptiedKernelSet() {
        String state = "stateDirectory = \"" + lab.dir.resolve("state-restart") + "\"";
        daemon = lab.startDaemon(state);
        lab.listen(lab.server, "tcp_sink", GatewayLab.SERVER4, "6881", "4");
        lab.pythonRun(lab.client, "tcp_send", GatewayLab.SERVER4, "6881", Wire.handshake(), "0.3");
        daemon.awaitErr("BLOCK tcp .* ban=" + GatewayLab.CLIENT4 + "/600s", WAIT);
        assertThat(lab.ipsetMembers("torrent_block")).containsKey(GatewayLab.CLIENT4);

        daemon.kill();
        assertThat(daemon.awaitExit(Duration.ofSeconds(10))).isEqualTo(137);
        // a reboot (or an operator's ipset flush) empties the kernel set: the journal still has the ban
        lab.in(lab.gateway, "ipset", "flush", "torrent_block").ok();
        assertThat(lab.ipsetMembers("torrent_block")).isEmpty();

        daemon = lab.startDaemon(state);
        assertThat(daemon.awaitErr("btblocker running.*", WAIT).group()).contains("1 bans restored");
        Matcher restored = daemon.awaitErr("re-adding 1 ban", WAIT);
        assertThat(restored).isNotNull();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!lab.ipsetMembers("torrent_block").containsKey(GatewayLab.CLIENT4) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(lab.ipsetMembers("torrent_block").get(GatewayLab.CLIENT4)).as("the time it had left")
            .isBetween(540, 600);
    }

    @Test
    void aQueueThreadThatDiesIsBoundAgainAndBlocksAgain() {
        daemon = lab.startDaemon("detectors = [handshake, dht, crashtest]");
        Proc sink = lab.listen(lab.server, "udp_sink", GatewayLab.SERVER4, "5000", "3");
        lab.pythonRun(lab.client, "udp_send", GatewayLab.SERVER4, "40000", "5000",
            java.util.HexFormat.of().formatHex("CRASH".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        // UDP is inspected in queues of its own (queue.separateUdp): queue 1 here
        daemon.awaitErr("NFQUEUE queue 1 stopped", WAIT);
        daemon.awaitErr("NFQUEUE queue 1 bound again", WAIT);
        sink.close();

        lab.pythonRun(lab.client, "udp_send", GatewayLab.SERVER4, "40002", "6881", Wire.dhtGetPeers("rb"));
        daemon.awaitErr("BLOCK udp .* detector=dht", WAIT);
        lab.listen(lab.server, "tcp_sink", GatewayLab.SERVER4, "6881", "4");
        lab.pythonRun(lab.client, "tcp_send", GatewayLab.SERVER4, "6881", Wire.handshake(), "0.3");
        daemon.awaitErr("BLOCK tcp .* detector=handshake", WAIT);
        assertThat(daemon.isAlive()).isTrue();
    }

    @Test
    void aQueueThatKeepsFailingMakesTheDaemonExitWithStatus1AndRemoveItsRules() {
        String before = lab.in(lab.gateway, "iptables-save").ok().replaceAll("(?m)^#.*\n", "")
            .replaceAll("\\[\\d+:\\d+\\]", "");
        daemon = lab.startDaemon("detectors = [handshake, crashtest]\n  supervision.maxRestarts = 1");
        String crash = java.util.HexFormat.of().formatHex("CRASH".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        lab.pythonRun(lab.client, "udp_send", GatewayLab.SERVER4, "40000", "5000", crash);
        daemon.awaitErr("NFQUEUE queue 1 bound again", WAIT);      // the UDP queue (queue.separateUdp)
        lab.pythonRun(lab.client, "udp_send", GatewayLab.SERVER4, "40001", "5000", crash);
        assertThat(daemon.awaitExit(Duration.ofSeconds(30))).as("systemd's Restart=on-failure takes over").isEqualTo(1);
        assertThat(daemon.errMatching("failed 2 times within 60 s")).hasSize(1);
        assertThat(lab.in(lab.gateway, "iptables-save").ok().replaceAll("(?m)^#.*\n", "")
            .replaceAll("\\[\\d+:\\d+\\]", "")).as("its rules are gone").isEqualTo(before);
        daemon = null;
    }
}
