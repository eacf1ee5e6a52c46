package org.btblocker.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Issue 8, item 2: what one datagram claims must not blackhole a service. Peers that DHT, tracker and PEX replies
 * list are claims about endpoints; one source's claim never makes a flow suspect on its own
 * ({@code endpoint.minStanding = corroborated}), a flow that opens like a known protocol is never blocked for its
 * endpoint, and what one source network may claim is bounded ({@code endpointMemory.maxClaimsPerSource}).
 *
 * <p>On e1b8c66 both tests failed: after one KRPC response from an outside host listed {@code 10.91.2.2:8000}, a
 * client's plain HTTP request to it was dropped at the gateway (the server read 0 bytes); and the 16th endpoint of
 * one response was blocked like the first (there was no budget: the server read 0 bytes).
 */
class EndpointClaimIT extends GatewayLabTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** The client opens a UDP flow (bencode, no KRPC yet), the outside node answers with a get_peers response. */
    private void oneResponseFromAnOutsideNodeLists(String peers) {
        Proc node = lab.listen(lab.server, "krpc_peers", GatewayLab.SERVER4_B, "6881", peers, "3");
        lab.pythonRun(lab.client, "udp_send", GatewayLab.SERVER4_B, "40001", "6881", Wire.ascii("d1:v4:e2e!e"));
        daemon.awaitErr("BLOCK udp .* detector=dht reason=\"KRPC response\"", WAIT);
        assertThat(node.awaitOut("^ANSWERED (\\d+)", Duration.ofSeconds(10)).group(1)).isEqualTo("1");
    }

    private int bytesTheServerRead(String address, String port, String hex) {
        Proc sink = lab.listen(lab.server, "tcp_sink", address, port, "3");
        lab.pythonRun(lab.client, "tcp_send", address, port, hex, "0.3");
        return Integer.parseInt(sink.awaitOut("^READ (\\d+)", Duration.ofSeconds(15)).group(1));
    }

    @Test
    void oneKrpcResponseListingAServerDoesNotBlockPlainHttpToIt() {
        daemon = lab.startDaemon("ban.target = none");
        oneResponseFromAnOutsideNodeLists(GatewayLab.SERVER4 + ":8000");

        String get = Wire.ascii("GET / HTTP/1.1\r\nHost: " + GatewayLab.SERVER4 + ":8000\r\n\r\n");
        assertThat(bytesTheServerRead(GatewayLab.SERVER4, "8000", get)).as("the HTTP request arrived")
            .isEqualTo(get.length() / 2);
        assertThat(daemon.errMatching("detector=endpoint")).isEmpty();
    }

    @Test
    void whatOneSourceNetworkMayClaimIsBounded() {
        // an operator who lets single-source claims count, with a small budget per source network
        daemon = lab.startDaemon("ban.target = none\nendpoint.minStanding = claimed\n"
            + "endpointMemory.maxClaimsPerSource = 8");
        List<String> listed = new ArrayList<>();
        for (int port = 9001; port <= 9016; port++) {
            listed.add(GatewayLab.SERVER4_C + ":" + port);
        }
        oneResponseFromAnOutsideNodeLists(String.join(",", listed));

        String noise = HexFormat.of().formatHex(new byte[] {(byte) 0x9f, 0x31, (byte) 0xe2, 0x07, 0x55,
            (byte) 0xc8, 0x6a, 0x13, 0x42, 0x0d});
        assertThat(bytesTheServerRead(GatewayLab.SERVER4_C, "9001", noise)).as("a claimed endpoint, within budget")
            .isZero();
        daemon.awaitErr("BLOCK tcp .* -> " + GatewayLab.SERVER4_C + ":9001 detector=endpoint", WAIT);
        assertThat(bytesTheServerRead(GatewayLab.SERVER4_C, "9016", noise)).as("past the source's budget")
            .isEqualTo(10);
        assertThat(daemon.errMatching("-> " + GatewayLab.SERVER4_C + ":9016 detector=endpoint")).isEmpty();
    }
}
