package org.btblocker.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.btblocker.crowdsec.LocalApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The alternative docs/fleet.md offers to btblocker's own pull: Debian's {@code crowdsec-firewall-bouncer} 0.0.25 with
 * {@code iptables_chains: [FORWARD]} on the gateway, following the same Local API. Checks the config the guide
 * shows: a decision for the client drops its forwarded connections (IPv4 and IPv6), and deleting it lets them pass.
 * The LAPI (crowdsec 1.4.6) and the bouncer run inside the lab's gateway namespace; nothing leaves the lab.
 */
class FirewallBouncerIT extends GatewayLabTest {

    private LocalApi lapi;
    private Proc bouncer;

    @AfterEach
    void stopAll() throws Exception {
        if (bouncer != null) {
            bouncer.terminate();
            bouncer.awaitExit(Duration.ofSeconds(20));
        }
        if (lapi != null) {
            lapi.close();
        }
    }

    @Test
    void aDecisionDropsTheClientsForwardedTrafficUntilItIsDeleted() throws Exception {
        String reason = LocalApi.unavailableReason();
        assumeTrue(reason == null, reason);
        Path binary = LocalApi.firewallBouncerBinary();
        assumeTrue(binary != null, "crowdsec-firewall-bouncer not unpacked (run .ci/run)");

        lapi = LocalApi.startIn(lab.dir.resolve("lapi"), lab.gateway);
        String key = lapi.addBouncer("gw-firewall");
        Path config = lab.dir.resolve("crowdsec-firewall-bouncer.yaml");
        // docs/fleet.md shows this file (its keys in the same order); only paths, port and key differ here
        Files.writeString(config, """
                mode: iptables
                update_frequency: 1s
                daemonize: false
                log_mode: stdout
                log_level: info
                pid_dir: %1$s
                api_url: %2$s/
                api_key: %3$s
                disable_ipv6: false
                deny_action: DROP
                deny_log: false
                supported_decisions_types:
                  - ban
                blacklists_ipv4: crowdsec-blacklists
                blacklists_ipv6: crowdsec6-blacklists
                ipset_type: nethash
                iptables_chains:
                  - FORWARD
                prometheus:
                  enabled: false
                """.formatted(lab.dir, lapi.url(), key));
        bouncer = lab.spawn(lab.gateway, "firewall-bouncer", List.of(binary.toString(), "-c", config.toString()));
        awaitTrue(() -> lab.in(lab.gateway, "iptables", "-S", "FORWARD").out()
                .contains("-m set --match-set crowdsec-blacklists src -j DROP"), "the bouncer's FORWARD rule");
        awaitTrue(() -> lab.in(lab.gateway, "ip6tables", "-S", "FORWARD").out()
                .contains("-m set --match-set crowdsec6-blacklists src -j DROP"), "the bouncer's IPv6 FORWARD rule");

        for (String[] pair : new String[][] {{GatewayLab.CLIENT4, GatewayLab.SERVER4, "crowdsec-blacklists"},
            {GatewayLab.CLIENT6, GatewayLab.SERVER6, "crowdsec6-blacklists"}}) {
            String client = pair[0];
            String server = pair[1];
            String set = pair[2];
            assertThat(connect(server, "7001")).as("before the decision").startsWith("CONNECTED");

            lapi.cscli("decisions", "add", "-i", client, "-d", "1h", "-R", "fleet test");
            awaitTrue(() -> lab.ipsetMembers(set).containsKey(client), client + " in " + set);
            assertThat(connect(server, "7002")).as("banned by the fleet").matches("CONNECT_FAILED (timeout|"
                    + "TimeoutError) 2\\.\\d+");

            lapi.cscli("decisions", "delete", "-i", client);
            awaitTrue(() -> !lab.ipsetMembers(set).containsKey(client), client + " out of " + set);
            assertThat(connect(server, "7003")).as("after the deletion").startsWith("CONNECTED");
        }
    }

    /** One TCP connection attempt from the client through the gateway; the first line traffic.py printed. */
    private String connect(String server, String port) {
        Proc sink = lab.listen(lab.server, "tcp_sink", server, port, "4");
        try {
            return lab.pythonRun(lab.client, "tcp_send", server, port, "00", "0").get(0);
        } finally {
            sink.close();
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(100);
        }
    }
}
