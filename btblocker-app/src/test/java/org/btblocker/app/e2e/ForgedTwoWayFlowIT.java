package org.btblocker.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, item 1: a host on the client side forges <em>both</em> directions of a flow to get a server banned. A blind
 * spoofer cannot answer a SYN-ACK it never sees; one on the path's own side can, because it makes the "reply" too.
 * What it cannot forge is the interface a packet arrives on: a packet "from" the server that comes in on the
 * gateway's client side fails the reverse-path check ({@code firewall.sourceCheck = strict}, an {@code rpfilter}
 * match in mangle PREROUTING), so it never makes the flow two-way and a match on it bans nobody. The gateway's
 * kernel {@code rp_filter} is 0 here, as on the hosts the issue was found on, so the kernel forwards the forged
 * frames and only btblocker stands in the way.
 *
 * <p>Frames are built by hand and sent from the client namespace on its veth ({@code traffic.py forge}, AF_PACKET).
 * The addresses on the client side ({@link #FAKE_CLIENT4}) and outside ({@link #FAKE_OUTSIDE4}) belong to nobody.
 *
 * <p>On e1b8c66 every test here failed: each forged exchange banned the real server for {@code banDuration}
 * ({@code BLOCK ... ban=10.91.2.2/600s}, the server in {@code torrent_block}, likewise {@code fd91:2::2} in
 * {@code torrent_block6}), and nothing warned about {@code rp_filter}.
 */
class ForgedTwoWayFlowIT extends GatewayLabTest {

    static final String FAKE_CLIENT4 = "10.91.1.77";
    static final String FAKE_CLIENT6 = "fd91:1::77";
    static final String FAKE_OUTSIDE4 = "10.91.2.99";
    static final String FAKE_OUTSIDE6 = "fd91:2::99";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @BeforeEach
    void kernelForwardsForgedSources() {
        lab.in(lab.gateway, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
            "net.ipv4.conf." + lab.gwClientIf + ".rp_filter=0", "net.ipv4.conf." + lab.gwServerIf + ".rp_filter=0")
            .ok();
        // the real server stays out of it: no RST or SYN-ACK of its own
        for (String ipt : new String[] {"iptables", "ip6tables"}) {
            lab.in(lab.server, ipt, "-A", "INPUT", "-p", "tcp", "--dport", "6881", "-j", "DROP").ok();
            lab.in(lab.server, ipt, "-A", "INPUT", "-p", "udp", "--dport", "6881", "-j", "DROP").ok();
        }
    }

    @AfterEach
    void serverAcceptsAgain() {
        for (String ipt : new String[] {"iptables", "ip6tables"}) {
            lab.in(lab.server, ipt, "-F", "INPUT").ok();
        }
    }

    @Test
    void aForgedUdpConversationOverIpv4BansNobody() {
        forgedUdpConversation(FAKE_OUTSIDE4, GatewayLab.SERVER4, "torrent_block");
    }

    @Test
    void aForgedUdpConversationOverIpv6BansNobody() {
        forgedUdpConversation(FAKE_OUTSIDE6, GatewayLab.SERVER6, "torrent_block6");
    }

    /**
     * A datagram "from" an outside address to the server (bencode, but no KRPC message: nothing to match yet), then
     * a DHT ping "from the server" back: both forged.
     */
    private void forgedUdpConversation(String outside, String server, String set) {
        daemon = lab.startDaemon("");
        lab.forge(lab.client, lab.clientIf, lab.gwClientIf,
            "udp," + outside + ",40000," + server + ",6881," + Wire.ascii("d1:v4:e2e!e"),
            "udp," + server + ",6881," + outside + ",40000," + Wire.dhtPing("pg"));
        String line = daemon.awaitErr("BLOCK udp .* detector=dht.*", WAIT).group();
        assertThat(line).contains(bracketed(server) + ":6881").contains("ban=none");
        assertThat(lab.ipsetMembers(set)).as("the real server is not banned").isEmpty();
        assertThat(daemon.errMatching("rp_filter is 0")).as("the host setting that let the frames through is named")
            .isNotEmpty();
    }

    @Test
    void aForgedTcpHandshakeAndBitTorrentHandshakeOverIpv4BansNobody() {
        forgedTcpExchange(FAKE_CLIENT4, GatewayLab.SERVER4, "torrent_block");
    }

    @Test
    void aForgedTcpHandshakeAndBitTorrentHandshakeOverIpv6BansNobody() {
        forgedTcpExchange(FAKE_CLIENT6, GatewayLab.SERVER6, "torrent_block6");
    }

    /**
     * SYN from a client-side address, SYN-ACK "from the server" with the right numbers, the handshake's ACK, then a
     * BEP 3 handshake "from the server": a complete, consistent two-way exchange, but every server packet came in on
     * the client side.
     */
    private void forgedTcpExchange(String client, String server, String set) {
        daemon = lab.startDaemon("");
        String c = client + ",40000," + server + ",6881,";
        String s = server + ",6881," + client + ",40000,";
        lab.forge(lab.client, lab.clientIf, lab.gwClientIf,
            "tcp," + c + "S,1000,0,",
            "tcp," + s + "SA,5000,1001,",
            "tcp," + c + "A,1001,5001,",
            "tcp," + s + "PA,5001,1001," + Wire.handshake());
        String line = daemon.awaitErr("BLOCK tcp .* detector=handshake.*", WAIT).group();
        assertThat(line).contains(bracketed(server) + ":6881").contains("ban=none");
        assertThat(lab.ipsetMembers(set)).as("the real server is not banned").isEmpty();
    }

    private static String bracketed(String address) {
        return address.contains(":") ? "[" + address + "]" : address;
    }
}
