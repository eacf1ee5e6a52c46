package org.btblocker.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What the daemon does to the gateway's firewall over its life: a clean stop leaves the rule set exactly as it found
 * it (the ban sets stay, on purpose), and a failed start (missing interface, queue already bound) leaves nothing and
 * says why in one line.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FirewallLifecycleIT extends GatewayLabTest {

    /** iptables-save, ip6tables-save and nft list ruleset of the gateway, without comments and counters. */
    private String ruleset() {
        StringBuilder sb = new StringBuilder();
        for (String[] cmd : new String[][] {{"iptables-save"}, {"ip6tables-save"}, {"nft", "list", "ruleset"}}) {
            if (!GatewayLab.onPath(cmd[0])) {
                continue;
            }
            String text = lab.in(lab.gateway, cmd).ok();
            sb.append("## ").append(String.join(" ", cmd)).append('\n').append(Arrays.stream(text.split("\n"))
                .filter(l -> !l.startsWith("#"))
                .map(l -> l.replaceAll("\\[\\d+:\\d+\\]", "[]").replaceAll("packets \\d+ bytes \\d+", "packets"))
                .collect(Collectors.joining("\n"))).append('\n');
        }
        return sb.toString();
    }

    @Test
    @Order(1)
    void stopRemovesEverythingItInstalledFromAPristineGateway() {
        String before = ruleset();
        daemon = lab.startDaemon("");
        assertThat(ruleset()).contains("BTBLOCKER", "BTBLOCKER_SAVE", "NFQUEUE");
        assertThat(GatewayLab.stop(daemon)).isZero();
        daemon = null;
        assertThat(ruleset()).isEqualTo(before);
        assertThat(lab.in(lab.gateway, "ipset", "list", "-n").ok().split("\n"))
            .as("the ban sets stay: they hold the bans").contains("torrent_block", "torrent_block6");
    }

    @Test
    @Order(2)
    void stopLeavesAnOperatorsOwnRulesAsTheyWere() {
        // an operator's firewall, in tables and chains the daemon also uses
        for (String ipt : List.of("iptables", "ip6tables")) {
            lab.in(lab.gateway, ipt, "-A", "FORWARD", "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j",
                "ACCEPT").ok();
            lab.in(lab.gateway, ipt, "-t", "mangle", "-A", "FORWARD", "-p", "tcp", "--tcp-flags", "SYN,RST", "SYN",
                "-j", "TCPMSS", "--clamp-mss-to-pmtu").ok();
            lab.in(lab.gateway, ipt, "-N", "OPERATOR").ok();
            lab.in(lab.gateway, ipt, "-A", "OPERATOR", "-p", "udp", "--dport", "9999", "-j", "DROP").ok();
        }
        String before = ruleset();
        daemon = lab.startDaemon("");
        String running = ruleset();
        assertThat(running).contains("BTBLOCKER").contains("--clamp-mss-to-pmtu").contains("OPERATOR");
        assertThat(running.indexOf("-A FORWARD -m mark ! --mark 0x0/0x3 -j BTBLOCKER_SAVE"))
            .as("our filter jump is first in FORWARD, before the operator's ESTABLISHED accept")
            .isLessThan(running.indexOf("-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"));
        assertThat(GatewayLab.stop(daemon)).isZero();
        daemon = null;
        assertThat(ruleset()).isEqualTo(before);
    }

    /** stderr lines that are not log lines (log lines start with a timestamp). */
    private static List<String> messages(Proc p) {
        return p.err().stream().filter(l -> !l.matches("^\\d{4}-\\d\\d-\\d\\d .*")).toList();
    }

    @Test
    @Order(3)
    void missingInterfaceFailsInOneLineNamingTheExistingOnes() {
        String before = ruleset();
        Proc failed = lab.startDaemonProcess("interfaces = [\"" + lab.gwClientIf + "\", \"btbe2e-nope\"]");
        assertThat(failed.awaitExit(Duration.ofSeconds(40))).isEqualTo(1);
        assertThat(messages(failed)).singleElement().asString()
            .startsWith("btblocker: interface btbe2e-nope does not exist")
            .contains(lab.gwClientIf).contains(lab.gwServerIf);
        assertThat(failed.err()).noneMatch(l -> l.contains("\tat ") || l.contains("Exception"));
        assertThat(ruleset()).isEqualTo(before);
    }

    @Test
    @Order(4)
    void aSecondDaemonInTheNamespaceIsRefusedInOneLineAndLeavesTheRunningDaemonsRules() {
        String pristine = ruleset();
        daemon = lab.startDaemon("");
        String running = ruleset();

        // another queue number would not collide in the kernel, but its rules would replace ours and its stop
        // would remove them: one daemon per network namespace
        Proc second = lab.startDaemonProcess("queueNum = 7");
        assertThat(second.awaitExit(Duration.ofSeconds(40))).isEqualTo(1);
        assertThat(messages(second)).singleElement().asString()
            .startsWith("btblocker: another btblocker runs in this network namespace (pid ");
        assertThat(second.err()).noneMatch(l -> l.contains("\tat ") || l.contains("btblocker running"));
        assertThat(ruleset()).as("the first daemon's rules are untouched").isEqualTo(running);

        // and the first daemon still works: a handshake is still blocked
        Proc sink = lab.listen(lab.server, "tcp_sink", GatewayLab.SERVER4, "6881", "3");
        lab.pythonRun(lab.client, "tcp_send", GatewayLab.SERVER4, "6881", Wire.handshake(), "0.3");
        daemon.awaitErr("BLOCK tcp .* detector=handshake", Duration.ofSeconds(10));
        assertThat(sink.awaitOut("^READ (\\d+)", Duration.ofSeconds(15)).group(1)).isEqualTo("0");

        assertThat(GatewayLab.stop(daemon)).isZero();
        daemon = null;
        assertThat(ruleset()).isEqualTo(pristine);
    }
}
