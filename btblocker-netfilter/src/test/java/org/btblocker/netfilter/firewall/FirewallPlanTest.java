package org.btblocker.netfilter.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.btblocker.netfilter.firewall.Settings.SinkKind;
import org.junit.jupiter.api.Test;

class FirewallPlanTest {

    private static List<String> install(FirewallPlan plan) {
        return plan.installSteps().stream().map(s -> s.apply().toString()).toList();
    }

    @Test
    void ipsetSinkOneInterfaceBothFamiliesExactCommands() {
        FirewallPlan plan = FirewallPlan.of(Settings.ipset(List.of("eth0"), List.of(53, 22)));
        // the sink created the sets; the plan only matches them
        List<String> v4 = family("iptables", "torrent_block");
        List<String> v6 = family("ip6tables", "torrent_block6");
        assertThat(install(plan)).containsExactlyElementsOf(concat(v4, v6));
    }

    private static List<String> family(String p, String set) {
        return List.of(
                p + " -w -t mangle -N BTBLOCKER",
                p + " -w -t mangle -F BTBLOCKER",
                p + " -w -t mangle -A BTBLOCKER -m set --match-set " + set + " src -j DROP",
                p + " -w -t mangle -A BTBLOCKER -m connmark --mark 0x2/0x3 -j DROP",
                p + " -w -t mangle -A BTBLOCKER -p tcp -m multiport --ports 22,53 -j RETURN",
                p + " -w -t mangle -A BTBLOCKER -p udp -m multiport --ports 22,53 -j RETURN",
                p + " -w -t mangle -A BTBLOCKER -p tcp -j NFQUEUE --queue-num 0 --queue-bypass",
                p + " -w -t mangle -A BTBLOCKER -p udp -j NFQUEUE --queue-num 0 --queue-bypass",
                p + " -w -t mangle -N BTBLOCKER_IF",
                p + " -w -t mangle -F BTBLOCKER_IF",
                p + " -w -t mangle -A BTBLOCKER_IF -m connmark --mark 0x1/0x3 -j RETURN",
                p + " -w -t mangle -A BTBLOCKER_IF -i eth0 -g BTBLOCKER",
                p + " -w -t mangle -A BTBLOCKER_IF -o eth0 -g BTBLOCKER",
                p + " -w -t filter -N BTBLOCKER_SAVE",
                p + " -w -t filter -F BTBLOCKER_SAVE",
                p + " -w -t filter -A BTBLOCKER_SAVE -m mark --mark 0x1/0x3 -m set --match-set " + set
                        + " dst -j RETURN",
                p + " -w -t filter -A BTBLOCKER_SAVE -j CONNMARK --save-mark --nfmask 0x3 --ctmask 0x3",
                p + " -w -t filter -A BTBLOCKER_SAVE -m mark --mark 0x2/0x3 -j DROP",
                // the jumps come last; a decided flow costs one mark comparison in each (issue 12)
                p + " -w -t mangle -A FORWARD -j BTBLOCKER_IF",
                p + " -w -t filter -I FORWARD 1 -m mark '!' --mark 0x0/0x3 -j BTBLOCKER_SAVE");
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        return java.util.Arrays.stream(parts).flatMap(List::stream).toList();
    }

    @Test
    void checksAndUndosMatchTheObjects() {
        FirewallPlan plan = FirewallPlan.of(Settings.ipset(List.of("eth0"), List.of()));
        Step chain = plan.installSteps().stream().filter(s -> s.apply().toString()
                .equals("iptables -w -t mangle -N BTBLOCKER")).findFirst().orElseThrow();
        assertThat(chain.check()).hasToString("iptables -w -t mangle -n -L BTBLOCKER");
        assertThat(chain.undo()).map(Command::toString).containsExactly(
                "iptables -w -t mangle -F BTBLOCKER", "iptables -w -t mangle -X BTBLOCKER");
        assertThat(chain.undoIfPresent()).isTrue();
        Step jump = plan.installSteps().stream().filter(s -> s.apply().toString()
                .equals("ip6tables -w -t filter -I FORWARD 1 -m mark '!' --mark 0x0/0x3 -j BTBLOCKER_SAVE")).findFirst()
                .orElseThrow();
        assertThat(jump.check()).hasToString("ip6tables -w -t filter -C FORWARD -m mark '!' --mark 0x0/0x3 -j "
                + "BTBLOCKER_SAVE");
        assertThat(jump.undo()).map(Command::toString).containsExactly(
                "ip6tables -w -t filter -D FORWARD -m mark '!' --mark 0x0/0x3 -j BTBLOCKER_SAVE");
        assertThat(plan.installSteps()).as("ban sets belong to the sinks").noneMatch(s -> s.apply().program()
                .equals("ipset"));
    }

    @Test
    void noWhitelistMeansNoMultiportRule() {
        FirewallPlan plan = FirewallPlan.of(Settings.ipset(List.of("eth0"), List.of()));
        assertThat(install(plan)).noneMatch(c -> c.contains("multiport"));
    }

    @Test
    void queueBalanceWhenMoreThanOneQueue() {
        FirewallPlan plan = FirewallPlan.of(Settings.of(SinkKind.LOG, false, 4, 3));
        assertThat(install(plan)).contains(
                "iptables -w -t mangle -A BTBLOCKER -p tcp -j NFQUEUE --queue-balance 4:6 --queue-bypass",
                "ip6tables -w -t mangle -A BTBLOCKER -p udp -j NFQUEUE --queue-balance 4:6 --queue-bypass")
                .noneMatch(c -> c.contains("--queue-num"));
    }

    /** Issue 8: a UDP flood fills its own queues; TCP handshakes keep theirs. */
    @Test
    void separateUdpQueuesFollowTheTcpOnes() {
        assertThat(install(FirewallPlan.of(Settings.hardened(List.of("eth0"), 4, 1, SourceCheck.Mode.STRICT))))
                .contains("iptables -w -t mangle -A BTBLOCKER -p tcp -j NFQUEUE --queue-num 4 --queue-bypass",
                        "iptables -w -t mangle -A BTBLOCKER -p udp -j NFQUEUE --queue-num 5 --queue-bypass");
        assertThat(install(FirewallPlan.of(Settings.hardened(List.of("eth0"), 4, 3, SourceCheck.Mode.STRICT))))
                .contains("ip6tables -w -t mangle -A BTBLOCKER -p tcp -j NFQUEUE --queue-balance 4:6 --queue-bypass",
                        "ip6tables -w -t mangle -A BTBLOCKER -p udp -j NFQUEUE --queue-balance 7:9 --queue-bypass");
        assertThat(Settings.hardened(List.of("eth0"), 4, 3, SourceCheck.Mode.STRICT).queueTotal()).isEqualTo(6);
    }

    /**
     * Issue 8: the reverse-path check in mangle PREROUTING, first, per interface and family: it clears our bit and
     * sets it on packets whose source does not route back through the arrival interface ({@code --loose}: not at
     * all); none when off.
     */
    @Test
    void sourceCheckMarksPacketsThatFailRpfilterInPrerouting() {
        List<String> strict = install(FirewallPlan.of(Settings.hardened(List.of("eth0", "eth1"), 0, 1,
                SourceCheck.Mode.STRICT)));
        for (String ipt : List.of("iptables", "ip6tables")) {
            assertThat(strict).containsSubsequence(
                    ipt + " -w -t mangle -N BTBLOCKER_RPF",
                    ipt + " -w -t mangle -A BTBLOCKER_RPF -m connmark --mark 0x1/0x3 -j RETURN",
                    ipt + " -w -t mangle -A BTBLOCKER_RPF -j MARK --set-xmark 0x0/0x4",
                    ipt + " -w -t mangle -A BTBLOCKER_RPF -i eth0 -m rpfilter --invert -j MARK --set-xmark 0x4/0x4",
                    ipt + " -w -t mangle -A BTBLOCKER_RPF -i eth1 -m rpfilter --invert -j MARK --set-xmark 0x4/0x4",
                    ipt + " -w -t mangle -I PREROUTING 1 -j BTBLOCKER_RPF");
            assertThat(strict).filteredOn(c -> c.startsWith(ipt + " ") && c.contains("PREROUTING")).hasSize(1);
        }
        assertThat(install(FirewallPlan.of(Settings.hardened(List.of("eth0"), 0, 1, SourceCheck.Mode.LOOSE))))
                .contains("iptables -w -t mangle -A BTBLOCKER_RPF -i eth0 -m rpfilter --loose --invert -j MARK --set-xmark "
                        + "0x4/0x4");
        assertThat(install(FirewallPlan.of(Settings.of(SinkKind.IPSET, false, 0, 1))))
                .noneMatch(c -> c.contains("rpfilter") || c.contains("PREROUTING"));
        assertThat(FirewallPlan.of(Settings.hardened(List.of("eth0"), 0, 1, SourceCheck.Mode.STRICT)).print())
                .contains("-A BTBLOCKER_RPF -i eth0 -m rpfilter --invert -j MARK --set-xmark 0x4/0x4")
                .contains("-I PREROUTING 1 -j BTBLOCKER_RPF");
    }

    @Test
    void theUnverifiedMarkMustLieOutsideTheConnectionMarkBits() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new FirewallSettings(List.of("eth0"), false, 0, 1,
                List.of(), List.of(), new Marks(1, 2, 3), true, new SourceCheck(SourceCheck.Mode.STRICT, 2)))
                .hasMessageContaining("marks.unverified must lie outside marks.mask");
    }

    @Test
    void whitelistIsChunkedByFifteenSortedAndDeduplicated() {
        List<Integer> ports = new java.util.ArrayList<>(IntStream.rangeClosed(1, 20).map(i -> 1000 + i).boxed()
                .toList());
        java.util.Collections.reverse(ports);
        ports.add(1001);
        FirewallPlan plan = FirewallPlan.of(Settings.ipset(List.of("eth0"), ports));
        String first = "1001,1002,1003,1004,1005,1006,1007,1008,1009,1010,1011,1012,1013,1014,1015";
        String second = "1016,1017,1018,1019,1020";
        assertThat(install(plan).stream().filter(c -> c.startsWith("iptables ") && c.contains("multiport")))
                .containsExactly(
                        "iptables -w -t mangle -A BTBLOCKER -p tcp -m multiport --ports " + first + " -j RETURN",
                        "iptables -w -t mangle -A BTBLOCKER -p tcp -m multiport --ports " + second + " -j RETURN",
                        "iptables -w -t mangle -A BTBLOCKER -p udp -m multiport --ports " + first + " -j RETURN",
                        "iptables -w -t mangle -A BTBLOCKER -p udp -m multiport --ports " + second + " -j RETURN");
    }

    @Test
    void localTrafficHooksInputAndOutputToo() {
        FirewallPlan plan = FirewallPlan.of(Settings.of(SinkKind.LOG, true, 0, 1));
        assertThat(install(plan).stream().filter(c -> c.startsWith("iptables ") && c.contains("-j BTBLOCKER")))
                .containsExactly(
                        "iptables -w -t mangle -A FORWARD -j BTBLOCKER_IF",
                        "iptables -w -t mangle -A INPUT -j BTBLOCKER_IF",
                        "iptables -w -t mangle -A OUTPUT -j BTBLOCKER_IF",
                        "iptables -w -t filter -I FORWARD 1 -m mark '!' --mark 0x0/0x30 -j BTBLOCKER_SAVE",
                        "iptables -w -t filter -I INPUT 1 -m mark '!' --mark 0x0/0x30 -j BTBLOCKER_SAVE",
                        "iptables -w -t filter -I OUTPUT 1 -m mark '!' --mark 0x0/0x30 -j BTBLOCKER_SAVE");
    }

    @Test
    void marksUseTheConfiguredMask() {
        FirewallPlan plan = FirewallPlan.of(Settings.of(SinkKind.LOG, false, 0, 1));
        assertThat(install(plan)).contains(
                "iptables -w -t mangle -A BTBLOCKER_IF -m connmark --mark 0x10/0x30 -j RETURN",
                "iptables -w -t mangle -A BTBLOCKER -m connmark --mark 0x20/0x30 -j DROP",
                "iptables -w -t filter -I FORWARD 1 -m mark '!' --mark 0x0/0x30 -j BTBLOCKER_SAVE",
                "iptables -w -t filter -A BTBLOCKER_SAVE -j CONNMARK --save-mark --nfmask 0x30 --ctmask 0x30",
                "iptables -w -t filter -A BTBLOCKER_SAVE -m mark --mark 0x20/0x30 -j DROP");
    }

    @Test
    void logSinkHasNoDropRuleAndNoSets() {
        FirewallPlan plan = FirewallPlan.of(Settings.of(SinkKind.LOG, false, 0, 1));
        assertThat(install(plan)).noneMatch(c -> c.contains("--match-set") || c.startsWith("ipset")
                || c.startsWith("nft"));
    }

    @Test
    void nftablesSinkGetsAnEarlierDropChainInItsOwnTable() {
        var s = new FirewallSettings(List.of("eth0", "wan.2"), false, 0, 1, List.of(),
                List.of(SinkKind.NFTABLES.enforcement), new Marks(1, 2, 3), false, SourceCheck.off());
        List<String> cmds = install(FirewallPlan.of(s));
        // the sink created the table and sets when it opened; the plan adds only the chain that drops their members
        assertThat(cmds).noneMatch(c -> c.contains("add table") || c.contains("add set"));
        assertThat(cmds.subList(0, 7)).containsExactly(
                "nft 'add chain inet btblocker ban_forward { type filter hook forward priority -160 ; policy accept ; }'",
                "nft 'flush chain inet btblocker ban_forward'",
                "nft 'add rule inet btblocker ban_forward iifname { \"eth0\", \"wan.2\" } ip saddr @banned4 drop'",
                "nft 'add rule inet btblocker ban_forward iifname { \"eth0\", \"wan.2\" } ip6 saddr @banned6 drop'",
                "nft 'add rule inet btblocker ban_forward oifname { \"eth0\", \"wan.2\" } ip saddr @banned4 drop'",
                "nft 'add rule inet btblocker ban_forward oifname { \"eth0\", \"wan.2\" } ip6 saddr @banned6 drop'",
                "iptables -w -t mangle -N BTBLOCKER");
        assertThat(cmds).noneMatch(c -> c.contains("--match-set"));
    }

    @Test
    void removeCommandsUndoJumpsThenChainsAndKeepSets() {
        FirewallPlan plan = FirewallPlan.of(Settings.ipset(List.of("eth0"), List.of(22)));
        List<String> v4 = List.of(
                "iptables -w -t mangle -D FORWARD -j BTBLOCKER_IF",
                "iptables -w -t filter -D FORWARD -m mark '!' --mark 0x0/0x3 -j BTBLOCKER_SAVE",
                "iptables -w -t mangle -F BTBLOCKER",
                "iptables -w -t mangle -F BTBLOCKER_IF",
                "iptables -w -t filter -F BTBLOCKER_SAVE",
                // deleted after every flush: BTBLOCKER_IF refers to BTBLOCKER
                "iptables -w -t filter -X BTBLOCKER_SAVE",
                "iptables -w -t mangle -X BTBLOCKER_IF",
                "iptables -w -t mangle -X BTBLOCKER");
        List<String> v6 = v4.stream().map(c -> "ip6" + c.substring(2)).toList();
        assertThat(plan.removeCommands()).map(Command::toString).containsExactlyElementsOf(concat(v4, v6));
    }

    @Test
    void printIsRestoreInput() {
        FirewallPlan plan = FirewallPlan.of(Settings.ipset(List.of("eth0"), List.of(22)));
        String text = plan.print();
        assertThat(text).contains(
                "ipset create torrent_block hash:ip family inet timeout 0 -exist\n",
                "ipset create torrent_block6 hash:ip family inet6 timeout 0 -exist\n",
                "# iptables-restore --noflush\n*mangle\n:BTBLOCKER - [0:0]\n:BTBLOCKER_IF - [0:0]\n"
                        + "-A BTBLOCKER -m set --match-set torrent_block src -j DROP\n",
                "-A BTBLOCKER_IF -m connmark --mark 0x1/0x3 -j RETURN\n"
                        + "-A BTBLOCKER_IF -i eth0 -g BTBLOCKER\n-A BTBLOCKER_IF -o eth0 -g BTBLOCKER\n"
                        + "-A FORWARD -j BTBLOCKER_IF\nCOMMIT\n*filter\n"
                        + ":BTBLOCKER_SAVE - [0:0]\n",
                "-I FORWARD 1 -m mark ! --mark 0x0/0x3 -j BTBLOCKER_SAVE\nCOMMIT\n# ip6tables-restore --noflush\n",
                "-A BTBLOCKER -m set --match-set torrent_block6 src -j DROP\n");
    }

    @Test
    void printForNftablesShowsTheNftScript() {
        String text = FirewallPlan.of(Settings.of(SinkKind.NFTABLES, true, 0, 1)).print();
        assertThat(text).contains("nft add table inet btblocker\n",
                "nft 'add set inet btblocker banned4 { type ipv4_addr ; flags timeout ; }'\n",
                "nft 'add chain inet btblocker ban_input { type filter hook input priority -160 ; policy accept ; }'\n");
    }

    /**
     * Issue 7: a reload's firewall change is one iptables-restore transaction per family: our chains declared
     * (flushed) and refilled, stale jumps and chains of ours gone, missing jumps added, other rules untouched.
     */
    @Test
    void restoreScriptTurnsTheListedRulesIntoThePlan() {
        FirewallPlan plan = FirewallPlan.of(Settings.ipset(List.of("eth1"), List.of()));
        String listing = String.join("\n",
                "-P FORWARD ACCEPT",
                "-N BTBLOCKER",
                "-N BTBLOCKER_IF",
                "-N BTBLOCKER_RPF",
                "-A PREROUTING -j BTBLOCKER_RPF",
                "-A FORWARD -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS",
                "-A FORWARD -i eth0 -j BTBLOCKER",
                "-A FORWARD -j BTBLOCKER_IF",
                "-A BTBLOCKER_IF -i eth0 -g BTBLOCKER",
                "-A BTBLOCKER -j DROP") + "\n";
        String script = plan.restoreScript(FirewallPlan.Family.IPV4, "mangle", listing);
        assertThat(script.lines()).containsExactly(
                "*mangle",
                ":BTBLOCKER - [0:0]",
                ":BTBLOCKER_IF - [0:0]",
                ":BTBLOCKER_RPF - [0:0]",
                "-D PREROUTING -j BTBLOCKER_RPF",
                "-D FORWARD -i eth0 -j BTBLOCKER",
                "-A BTBLOCKER -m set --match-set torrent_block src -j DROP",
                "-A BTBLOCKER -m connmark --mark 0x2/0x3 -j DROP",
                "-A BTBLOCKER -p tcp -j NFQUEUE --queue-num 0 --queue-bypass",
                "-A BTBLOCKER -p udp -j NFQUEUE --queue-num 0 --queue-bypass",
                "-A BTBLOCKER_IF -m connmark --mark 0x1/0x3 -j RETURN",
                "-A BTBLOCKER_IF -i eth1 -g BTBLOCKER",
                "-A BTBLOCKER_IF -o eth1 -g BTBLOCKER",
                "-X BTBLOCKER_RPF",
                "COMMIT");
        assertThat(plan.restoreScript(FirewallPlan.Family.IPV4, "filter", "-P FORWARD ACCEPT\n").lines())
                .first().isEqualTo("*filter");
        assertThat(plan.restoreScript(FirewallPlan.Family.IPV4, "filter", "-P FORWARD ACCEPT\n"))
                .contains(":BTBLOCKER_SAVE - [0:0]\n")
                .endsWith("-I FORWARD 1 -m mark ! --mark 0x0/0x3 -j BTBLOCKER_SAVE\nCOMMIT\n");
    }
}
