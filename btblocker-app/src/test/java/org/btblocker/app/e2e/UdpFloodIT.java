package org.btblocker.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;

import org.junit.jupiter.api.Test;

/**
 * Issue 8, item 3: overload. A UDP flood with a new flow in every datagram ({@code udpflood.c}, sendmmsg, built by
 * the test) fills the queue, and with FAIL_OPEN the kernel lets what does not fit through uninspected. Fail-open is
 * right for availability, but the flood must only delay detection, never buy a BitTorrent connection a clean pass:
 * UDP has queues of its own ({@code queue.separateUdp}), so TCP handshakes are still inspected, and a flow whose
 * opening did slip past is kept under inspection (mid-stream) instead of being let go by the packet cap.
 *
 * <p>Measured in transfers: during the flood the client opens BitTorrent connections to a seed that answers a
 * handshake with one 16 KiB piece, and, as the control that the network still works, as many plain connections
 * to another server that answers them the same way. {@code ban.target = none}, so every handshake is judged on
 * its own (a ban would drop the later ones for free). The flood goes to an address the gateway does not track
 * (raw NOTRACK), so the gateway's connection table never fills: the test is about the queue, not conntrack.
 *
 * <p>On e1b8c66 this test failed: of 10 BitTorrent handshakes sent during the flood 6 led to a piece (859,648
 * datagrams flooded, 176,966 packets bypassed the shared queue; plain connections 10 of 10). Now: 0 of 10, with
 * 1,121,088 datagrams flooded and 110,160 packets bypassed (all UDP), plain connections 10 of 10.
 */
class UdpFloodIT extends GatewayLabTest {

    private static final int CONNECTIONS = 10;

    private Path flooder() {
        assumeTrue(GatewayLab.onPath("gcc"), "the flood test builds its sender with gcc");
        Path source = lab.dir.resolve("udpflood.c");
        Path binary = lab.dir.resolve("udpflood");
        try (InputStream in = UdpFloodIT.class.getResourceAsStream("/e2e/udpflood.c")) {
            Files.copy(in, source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        GatewayLab.sh("gcc", "-O2", "-o", binary.toString(), source.toString()).ok();
        return binary;
    }

    @Test
    void bitTorrentHandshakesDuringAUdpFloodNeverLeadToAPiece() {
        Path flood = flooder();
        lab.in(lab.server, "iptables", "-A", "INPUT", "-p", "udp", "-j", "DROP").ok();   // no ICMP storm back
        lab.in(lab.gateway, "iptables", "-t", "raw", "-A", "PREROUTING", "-d", GatewayLab.SERVER4_C, "-p", "udp",
            "-j", "NOTRACK").ok();
        try {
            daemon = lab.startDaemon("ban.target = none");
            Proc seed = lab.listen(lab.server, "piece_server", GatewayLab.SERVER4, "6881", "60");
            Proc plainServer = lab.listen(lab.server, "piece_server", GatewayLab.SERVER4_B, "8080", "60");
            Proc flooding = lab.spawn(lab.client, "udpflood", List.of(flood.toString(), GatewayLab.SERVER4_C, "20",
                "64"));
            // the queue overflows: the kernel starts letting packets through unseen
            daemon.awaitErr("packets bypassed the queue since the last report", Duration.ofSeconds(20));

            Proc bt = lab.python(lab.client, "leech", GatewayLab.SERVER4, "6881", "bt", String.valueOf(CONNECTIONS),
                "0.4", "8");
            Proc plain = lab.python(lab.client, "leech", GatewayLab.SERVER4_B, "8080", "plain",
                String.valueOf(CONNECTIONS), "0.4", "8");
            int btPieces = Integer.parseInt(bt.awaitOut("^LEECHED (\\d+)", Duration.ofSeconds(40)).group(1));
            int plainPieces = Integer.parseInt(plain.awaitOut("^LEECHED (\\d+)", Duration.ofSeconds(40)).group(1));
            boolean floodStillOn = flooding.isAlive();
            Matcher flooded = flooding.awaitOut("^FLOODED (\\d+)", Duration.ofSeconds(30));

            assertThat(GatewayLab.stop(daemon)).isZero();
            // the WARN line each stats interval the count grew: "N packets bypassed the queue since the last
            // report (...); M in all: ..."
            long bypassed = daemon.errMatching("bypassed the queue since the last report").stream()
                .map(l -> java.util.regex.Pattern.compile("; (\\d+) in all").matcher(l))
                .filter(Matcher::find).mapToLong(m -> Long.parseLong(m.group(1))).max().orElse(0);
            daemon = null;
            System.out.printf("UdpFloodIT: %s datagrams flooded, %d packets bypassed the queue; BitTorrent "
                + "handshakes %d, pieces transferred %d; plain connections %d, answered %d%n", flooded.group(1),
                bypassed, CONNECTIONS, btPieces, CONNECTIONS, plainPieces);

            assertThat(floodStillOn).as("the flood lasted the whole measurement").isTrue();
            assertThat(bypassed).as("the flood overflowed the queue").isPositive();
            assertThat(plainPieces).as("plain connections through the flooded gateway (control): %s", plain.out())
                .isGreaterThanOrEqualTo(CONNECTIONS / 2);
            assertThat(btPieces).as("BitTorrent handshakes during the flood that led to a piece: %s", bt.out())
                .isZero();
            assertThat(seed.isAlive()).isTrue();
        } finally {
            lab.in(lab.gateway, "iptables", "-t", "raw", "-F", "PREROUTING");
            lab.in(lab.server, "iptables", "-F", "INPUT");
        }
    }
}
