package org.btblocker.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;

import org.junit.jupiter.api.Test;

/**
 * Ordinary traffic through the gateway: long HTTP-like and TLS-like downloads on non-whitelisted ports arrive
 * byte-exact, nobody is banned, and only the first packets of each connection visit the queue. And a daemon killed
 * with SIGKILL mid-transfer does not stop traffic ({@code --queue-bypass}).
 */
class TransferIT extends GatewayLabTest {

    private static final int SIZE = 8 << 20;

    @Test
    void httpAndTlsDownloadsArriveByteExactWithoutBanAndMostlyUnqueued() {
        daemon = lab.startDaemon("");
        long before = forwarded();
        long sent = 0;
        for (String[] t : new String[][] {{"8080", "http", GatewayLab.SERVER4}, {"8443", "tls", GatewayLab.SERVER6}}) {
            Proc server = lab.listen(lab.server, "serve", t[2], t[0], String.valueOf(SIZE), t[0], t[1], "0");
            Proc fetch = lab.python(lab.client, "fetch", t[2], t[0], "30");
            Matcher got = fetch.awaitOut("^FETCHED (\\d+) (\\w+)", Duration.ofSeconds(60));
            Matcher served = server.awaitOut("^SERVED (\\d+) (\\w+)", Duration.ofSeconds(15));
            assertThat(Long.parseLong(got.group(1))).as(t[1] + " bytes").isEqualTo(SIZE);
            assertThat(got.group(2)).as(t[1] + " sha256").isEqualTo(served.group(2));
            sent += SIZE;
        }
        long packets = forwarded() - before;

        assertThat(GatewayLab.stop(daemon)).isZero();
        List<String> stats = daemon.errMatching("queue 0: \\d+ packets");
        assertThat(stats).as("stats lines in %s", daemon.err()).isNotEmpty();
        Matcher q = java.util.regex.Pattern.compile("queue 0: (\\d+) packets")
            .matcher(stats.get(stats.size() - 1));
        assertThat(q.find()).isTrue();
        long queued = Long.parseLong(q.group(1));
        daemon = null;

        System.out.printf("TransferIT: %d of %d forwarded packets were queued%n", queued, packets);
        assertThat(lab.ipsetMembers("torrent_block")).isEmpty();
        assertThat(lab.ipsetMembers("torrent_block6")).isEmpty();
        assertThat(packets).as("packets forwarded for %d bytes", sent).isGreaterThan(100);
        assertThat(queued).as("queued packets of %d forwarded", packets).isPositive().isLessThan(100)
            .isLessThan(packets / 20);
    }

    /**
     * Issue 12's rule layout lets a connection found clean skip every rule of ours, the ban drop included; a ban must
     * still cut the banned host's open connections (the ipset sink deletes their conntrack entries). A client with a
     * slow HTTP download running sends a BitTorrent handshake, is banned, and its download stops: its ACKs are
     * dropped. Before the cut, the download ran to its end.
     */
    @Test
    void aBanCutsTheBannedHostsOpenConnections() {
        daemon = lab.startDaemon("");
        int size = 16 << 20;
        // 1 MiB/s: the download lasts 16 s, far longer than the ban takes
        Proc server = lab.listen(lab.server, "serve", GatewayLab.SERVER4, "9000", String.valueOf(size), "3",
            "http", String.valueOf(1 << 20));
        Proc fetch = lab.python(lab.client, "fetch", GatewayLab.SERVER4, "9000", "3");
        fetch.awaitOut("^PROGRESS (\\d+)", Duration.ofSeconds(20));       // decided clean: no longer queued

        Proc sink = lab.listen(lab.server, "tcp_sink", GatewayLab.SERVER4, "6881", "3");
        lab.pythonRun(lab.client, "tcp_send", GatewayLab.SERVER4, "6881", Wire.handshake(), "0.3");
        daemon.awaitErr("BLOCK tcp .* detector=handshake .*ban=" + GatewayLab.CLIENT4.replace(".", "\\."),
            Duration.ofSeconds(10));
        sink.awaitOut("^READ", Duration.ofSeconds(15));

        Matcher got = fetch.awaitOut("^(TIMEOUT|FETCHED) (\\d+)", Duration.ofSeconds(40));
        assertThat(got.group(1)).as("the banned client's download stops (%s)", fetch.out()).isEqualTo("TIMEOUT");
        assertThat(Long.parseLong(got.group(2))).isLessThan(size);
        assertThat(lab.ipsetMembers("torrent_block")).containsKey(GatewayLab.CLIENT4);
    }

    /** Packets the gateway forwarded, both directions (counted on the server-side interface). */
    private long forwarded() {
        return lab.ifaceCounter(lab.gwServerIf, "rx_packets") + lab.ifaceCounter(lab.gwServerIf, "tx_packets");
    }

    @Test
    void killedDaemonDoesNotStopTraffic() {
        daemon = lab.startDaemon("");
        int size = 40 << 20;
        Proc server = lab.listen(lab.server, "serve", GatewayLab.SERVER4, "9000", String.valueOf(size), "9",
            "none", String.valueOf(12 << 20));
        Proc fetch = lab.python(lab.client, "fetch", GatewayLab.SERVER4, "9000", "30");
        fetch.awaitOut("^PROGRESS (\\d{8,})", Duration.ofSeconds(20));   // >= 10 MB of 40 in

        daemon.kill();
        assertThat(daemon.awaitExit(Duration.ofSeconds(10))).isEqualTo(137);
        daemon = null;

        Matcher got = fetch.awaitOut("^FETCHED (\\d+) (\\w+)", Duration.ofSeconds(60));
        Matcher served = server.awaitOut("^SERVED (\\d+) (\\w+)", Duration.ofSeconds(15));
        assertThat(Long.parseLong(got.group(1))).isEqualTo(size);
        assertThat(got.group(2)).isEqualTo(served.group(2));
        assertThat(fetch.out()).noneMatch(l -> l.startsWith("TIMEOUT"));

        // the rules are still installed, and a new connection (queued by them, no daemon bound) still passes
        assertThat(lab.in(lab.gateway, "iptables-save").ok()).contains("-j NFQUEUE --queue-num 0 --queue-bypass");
        Proc sink = lab.listen(lab.server, "tcp_sink", GatewayLab.SERVER4, "8081", "3");
        assertThat(lab.pythonRun(lab.client, "tcp_send", GatewayLab.SERVER4, "8081", "0102", "0"))
            .contains("SENT 2");
        assertThat(sink.awaitOut("^READ (\\d+)", Duration.ofSeconds(15)).group(1)).isEqualTo("2");

        // cleanup of what the dead daemon left: the next start takes its rules over, its stop removes them
        Proc again = lab.startDaemon("");
        assertThat(GatewayLab.stop(again)).isZero();
        for (String save : List.of("iptables-save", "ip6tables-save")) {
            assertThat(lab.in(lab.gateway, save).ok()).doesNotContain("BTBLOCKER").doesNotContain("NFQUEUE");
        }
    }
}
