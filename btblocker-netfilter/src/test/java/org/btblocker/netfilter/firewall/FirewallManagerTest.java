package org.btblocker.netfilter.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.btblocker.netfilter.firewall.Settings.SinkKind;
import org.junit.jupiter.api.Test;

class FirewallManagerTest {

    private static final FirewallPlan PLAN = FirewallPlan.of(Settings.ipset(List.of("eth0", "eth1"), List.of(22)));

    /** Another user of the firewall, whose rules must survive everything we do. */
    private static FakeFirewall withForeignRules() {
        return new FakeFirewall()
                .foreignRule("iptables", "mangle", "FORWARD", "-p tcp --tcp-flags SYN,RST SYN -j TCPMSS")
                .foreignRule("iptables", "filter", "FORWARD", "-m conntrack --ctstate ESTABLISHED -j ACCEPT")
                .foreignRule("ip6tables", "filter", "INPUT", "-i lo -j ACCEPT");
    }

    @Test
    void installBuildsChainsAndJumpsAroundForeignRules() throws Exception {
        FakeFirewall fw = withForeignRules();
        new FirewallManager(fw).install(PLAN);
        // one jump per hook, whatever the interfaces; the dispatch chain returns decided flows and names them
        assertThat(fw.rules("iptables", "mangle", "FORWARD")).containsExactly(
                "-p tcp --tcp-flags SYN,RST SYN -j TCPMSS", "-j BTBLOCKER_IF");
        assertThat(fw.rules("iptables", "mangle", "BTBLOCKER_IF")).containsExactly(
                "-m connmark --mark 0x1/0x3 -j RETURN", "-i eth0 -g BTBLOCKER", "-o eth0 -g BTBLOCKER", "-i eth1 -g BTBLOCKER", "-o eth1 -g BTBLOCKER");
        assertThat(fw.rules("iptables", "filter", "FORWARD")).containsExactly(
                "-m mark ! --mark 0x0/0x3 -j BTBLOCKER_SAVE", "-m conntrack --ctstate ESTABLISHED -j ACCEPT");
        assertThat(fw.rules("ip6tables", "mangle", "BTBLOCKER")).first()
                .isEqualTo("-m set --match-set torrent_block6 src -j DROP");
        assertThat(fw.rules("iptables", "mangle", "BTBLOCKER")).hasSize(6);
    }

    /**
     * Issue 8: an operator's {@code iptables -F} under the running daemon: {@link FirewallManager#missing} names what
     * went, a reinstall puts back exactly the rules of the first install.
     */
    @Test
    void missingNamesWhatAFlushRemovedAndAReinstallRestoresIt() throws Exception {
        FirewallPlan plan = FirewallPlan.of(Settings.hardened(List.of("eth0"), 0, 1, SourceCheck.Mode.STRICT));
        FakeFirewall fw = withForeignRules().ipset("torrent_block").ipset("torrent_block6");
        var manager = new FirewallManager(fw);
        manager.install(plan);
        String installed = fw.snapshot();
        assertThat(manager.missing(plan)).isEmpty();

        fw.flushAll();
        assertThat(manager.missing(plan)).contains("iptables mangle chain BTBLOCKER (0 of 6 rules)",
                "iptables mangle chain BTBLOCKER_IF (0 of 3 rules)", "iptables mangle jump FORWARD -> BTBLOCKER_IF",
                "ip6tables mangle jump PREROUTING -> BTBLOCKER_RPF",
                "ip6tables filter chain BTBLOCKER_SAVE (0 of 3 rules)");
        manager.install(plan);
        assertThat(manager.missing(plan)).isEmpty();
        assertThat(fw.snapshot()).isEqualTo(installed.replace("-p tcp --tcp-flags SYN,RST SYN -j TCPMSS, ", "")
                .replace("-m conntrack --ctstate ESTABLISHED -j ACCEPT", "").replace("-i lo -j ACCEPT", "")
                .replace("[, ", "[").replace(", ]", "]"));
    }

    /**
     * Issue 8: the state before the first start survives a {@code kill -9}: the next daemon reads it from the file
     * instead of taking the dead one's leftovers for the operator's, and a clean stop deletes the file.
     */
    @Test
    void theStateBeforeTheFirstStartIsKeptInAFileUntilACleanStop(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("firewall-baseline");
        FakeFirewall fw = withForeignRules();
        new FirewallManager(fw, file).install(PLAN);           // then killed: no remove
        assertThat(file).exists();
        String recorded = java.nio.file.Files.readString(file);

        var next = new FirewallManager(fw, file);
        next.install(PLAN);
        assertThat(java.nio.file.Files.readString(file)).as("the first record is kept").isEqualTo(recorded);
        next.remove(PLAN);
        assertThat(file).doesNotExist();
    }

    @Test
    void baselineFilesRoundTrip() {
        var tables = new java.util.LinkedHashMap<String, java.util.Set<String>>();
        tables.put("ip mangle", new java.util.LinkedHashSet<>(List.of("PREROUTING", "FORWARD")));
        tables.put("ip6 filter", java.util.Set.of());
        assertThat(FirewallManager.parseBaseline(FirewallManager.formatBaseline(tables))).isEqualTo(tables);
    }

    @Test
    void installTwiceIsTheSameAsOnce() throws Exception {
        FakeFirewall fw = withForeignRules();
        var manager = new FirewallManager(fw);
        manager.install(PLAN);
        String once = fw.snapshot();
        fw.log.clear();
        manager.install(PLAN);
        assertThat(fw.snapshot()).isEqualTo(once);
        assertThat(fw.log).map(Command::toString).as("existing chains are reused, not re-created")
                .noneMatch(c -> c.contains(" -N ") || c.contains(" -I ") || c.contains("-A FORWARD")
                        || c.contains("ipset create"))
                .contains("iptables -w -t mangle -F BTBLOCKER", "ip6tables -w -t filter -F BTBLOCKER_SAVE");
    }

    @Test
    void existingChainWithStaleRulesIsFlushedAndReused() throws Exception {
        FakeFirewall fw = withForeignRules().chain("iptables", "mangle", "BTBLOCKER", "-p tcp -j NFQUEUE --queue-num 9");
        new FirewallManager(fw).install(PLAN);
        FakeFirewall fresh = withForeignRules();
        new FirewallManager(fresh).install(PLAN);
        assertThat(fw.snapshot()).isEqualTo(fresh.snapshot());
        assertThat(fw.log).map(Command::toString).doesNotContain("iptables -w -t mangle -N BTBLOCKER");
    }

    @Test
    void failureAtAnyStepRollsBackToTheStateBefore() {
        int steps = PLAN.installSteps().size();
        for (int k = 0; k < steps; k++) {
            Command failing = PLAN.installSteps().get(k).apply();
            FakeFirewall fw = withForeignRules();
            String before = fw.snapshot();
            fw.failWhen = failing::equals;
            assertThatThrownBy(() -> new FirewallManager(fw).install(PLAN))
                    .isInstanceOf(FirewallException.class)
                    .hasMessageContaining("scripted failure").hasMessageContaining(failing.toString());
            assertThat(fw.snapshot()).as("after failing step %d: %s", k, failing).isEqualTo(before);
        }
    }

    @Test
    void rollbackKeepsBanSetsThatExistedBefore() {
        FakeFirewall fw = withForeignRules().ipset("torrent_block");
        fw.failWhen = c -> c.toString().equals("ip6tables -w -t filter -I FORWARD 1 -m mark '!' --mark 0x0/0x3 -j "
                + "BTBLOCKER_SAVE");
        assertThatThrownBy(() -> new FirewallManager(fw).install(PLAN)).isInstanceOf(FirewallException.class);
        assertThat(fw.snapshot()).contains("ipsets [torrent_block]\n")
                .doesNotContain("BTBLOCKER");
    }

    @Test
    void removeRestoresTheStateBeforeExceptTheBanSets() throws Exception {
        FakeFirewall fw = withForeignRules().ipset("torrent_block").ipset("torrent_block6");
        String before = fw.snapshot();
        var manager = new FirewallManager(fw);
        manager.install(PLAN);
        manager.remove(PLAN);
        assertThat(fw.snapshot()).isEqualTo(before);
    }

    @Test
    void removeFindsJumpsOfOtherSettings() throws Exception {
        FakeFirewall fw = withForeignRules();
        var manager = new FirewallManager(fw);
        var local = FirewallPlan.of(Settings.of(SinkKind.IPSET, true, 0, 1)
                .withInterfaces(List.of("wan0")));
        manager.install(local);
        manager.remove(PLAN);
        assertThat(fw.snapshot()).doesNotContain("BTBLOCKER");
        assertThat(fw.rules("iptables", "filter", "FORWARD"))
                .containsExactly("-m conntrack --ctstate ESTABLISHED -j ACCEPT");
    }

    @Test
    void removeWhenNothingIsInstalledIsQuiet() throws Exception {
        FakeFirewall fw = withForeignRules();
        String before = fw.snapshot();
        new FirewallManager(fw).remove(PLAN);
        assertThat(fw.snapshot()).isEqualTo(before);
    }

    @Test
    void removeReportsAChainThatCannotBeDeleted() throws Exception {
        FakeFirewall fw = withForeignRules();
        var manager = new FirewallManager(fw);
        manager.install(PLAN);
        fw.failWhen = c -> c.toString().equals("iptables -w -t mangle -X BTBLOCKER");
        assertThatThrownBy(() -> manager.remove(PLAN)).isInstanceOf(FirewallException.class)
                .hasMessage("could not remove all firewall rules: iptables -w -t mangle -X BTBLOCKER: scripted failure");
    }

    @Test
    void nftablesSinkInstallsAndRemovesItsChainButKeepsTableAndSets() throws Exception {
        FakeFirewall fw = withForeignRules().nftTable("btblocker", "banned4", "banned6");
        var plan = FirewallPlan.of(Settings.of(SinkKind.NFTABLES, true, 0, 1));
        var manager = new FirewallManager(fw);
        manager.install(plan);
        manager.install(plan);
        assertThat(fw.snapshot()).contains(
                "nft chain chain inet btblocker ban_forward: [iifname { \"eth0\" } ip saddr @banned4 drop, "
                        + "iifname { \"eth0\" } ip6 saddr @banned6 drop, oifname { \"eth0\" } ip saddr @banned4 drop, "
                        + "oifname { \"eth0\" } ip6 saddr @banned6 drop]",
                "nft chain chain inet btblocker ban_input: [iifname { \"eth0\" } ip saddr @banned4 drop, "
                        + "iifname { \"eth0\" } ip6 saddr @banned6 drop]");
        manager.remove(plan);
        assertThat(fw.snapshot()).contains("nft [set inet btblocker banned4, set inet btblocker banned6, "
                + "table inet btblocker]\n").doesNotContain("ban_forward").doesNotContain("BTBLOCKER");
    }

    @Test
    void missingProgramIsAOneLineError() {
        CommandRunner none = c -> {
            throw new java.io.IOException("Cannot run program \"" + c.program() + "\"");
        };
        assertThatThrownBy(() -> new FirewallManager(none).install(PLAN)).isInstanceOf(FirewallException.class)
                .hasMessageStartingWith("could not add chain BTBLOCKER (iptables mangle): iptables: Cannot run program")
                .hasMessageNotContaining("\n");
    }

    @Test
    void reinstallWithOtherInterfacesDropsTheOldJumps() throws Exception {
        FakeFirewall fw = withForeignRules();
        var manager = new FirewallManager(fw);
        manager.install(FirewallPlan.of(Settings.ipset(List.of("eth0"), List.of())));
        manager.install(FirewallPlan.of(Settings.ipset(List.of("eth1"), List.of())));
        assertThat(fw.rules("iptables", "mangle", "BTBLOCKER_IF")).containsExactly(
                "-m connmark --mark 0x1/0x3 -j RETURN", "-i eth1 -g BTBLOCKER", "-o eth1 -g BTBLOCKER");
        FakeFirewall fresh = withForeignRules();
        new FirewallManager(fresh).install(FirewallPlan.of(Settings.ipset(List.of("eth1"), List.of())));
        assertThat(fw.snapshot()).isEqualTo(fresh.snapshot());
    }

    /** An upgrade: the jumps of the layout before issue 12 (one per interface and direction) go on install. */
    @Test
    void installRemovesTheJumpsOfTheOlderLayout() throws Exception {
        FakeFirewall fw = withForeignRules()
                .chain("iptables", "mangle", "BTBLOCKER", "-m connmark --mark 0x1/0x3 -j RETURN")
                .chain("iptables", "filter", "BTBLOCKER_SAVE", "-m mark --mark 0x0/0x3 -j RETURN")
                .foreignRule("iptables", "mangle", "FORWARD", "-i eth0 -j BTBLOCKER")
                .foreignRule("iptables", "mangle", "FORWARD", "-o eth0 -j BTBLOCKER")
                .foreignRule("iptables", "filter", "FORWARD", "-j BTBLOCKER_SAVE");
        new FirewallManager(fw).install(FirewallPlan.of(Settings.ipset(List.of("eth0"), List.of())));
        FakeFirewall fresh = withForeignRules();
        new FirewallManager(fresh).install(FirewallPlan.of(Settings.ipset(List.of("eth0"), List.of())));
        assertThat(fw.snapshot()).isEqualTo(fresh.snapshot());
    }

    /** A listing that fails for another reason than "nothing there" (killed, lock timeout) is reported. */
    @Test
    void aFailedListingIsAProblemNotAnAbsence() {
        FakeFirewall fw = withForeignRules();
        fw.failWhen = c -> c.toString().equals("iptables -w -t mangle -S FORWARD");
        assertThatThrownBy(() -> new FirewallManager(fw).remove(PLAN)).isInstanceOf(FirewallException.class)
                .hasMessageContaining("cannot list iptables mangle FORWARD");
        assertThat(FirewallManager.isAbsent(CommandRunner.Result.failed(1,
                "iptables v1.8.9 (nf_tables): table 'mangle' does not exist"))).isTrue();
        assertThat(FirewallManager.isAbsent(CommandRunner.Result.failed(127, "iptables: not found"))).isTrue();
    }

    @Test
    void removeAlsoTakesTheNftInputChainWhenLocalTrafficWasTurnedOff() throws Exception {
        FakeFirewall fw = withForeignRules().nftTable("btblocker", "banned4", "banned6");
        var manager = new FirewallManager(fw);
        manager.install(FirewallPlan.of(Settings.of(SinkKind.NFTABLES, true, 0, 1)));
        manager.remove(FirewallPlan.of(Settings.of(SinkKind.NFTABLES, false, 0, 1)));
        assertThat(fw.snapshot()).doesNotContain("ban_forward").doesNotContain("ban_input")
                .doesNotContain("BTBLOCKER");
    }

    @Test
    void removeDeletesTheIptablesNftTablesAndChainsTheInstallCreated() throws Exception {
        FakeFirewall fw = new FakeFirewall();
        // iptables-nft: "ip filter" exists with an operator's INPUT chain; the other tables appear on first use
        java.util.Map<String, String> nft = new java.util.HashMap<>();
        nft.put("ip filter", "table ip filter {\n\tchain INPUT {\n\t\ttype filter hook input priority filter;"
                + " policy accept;\n\t\tiifname \"lo\" accept\n\t}\n}\n");
        List<Command> deletes = new java.util.ArrayList<>();
        CommandRunner runner = c -> {
            List<String> a = c.argv();
            if (a.get(0).equals("nft") && a.size() == 5 && a.get(2).equals("table")) {
                String key = a.get(3) + " " + a.get(4);
                if (a.get(1).equals("delete")) {
                    deletes.add(c);
                    nft.remove(key);
                    return CommandRunner.Result.ok("");
                }
                String listing = nft.get(key);
                return listing == null ? CommandRunner.Result.failed(1, "No such file or directory")
                        : CommandRunner.Result.ok(listing);
            }
            if (a.get(0).equals("nft") && a.get(1).equals("delete") && a.get(2).equals("chain")) {
                deletes.add(c);
                return CommandRunner.Result.ok("");
            }
            if (a.get(0).endsWith("tables") && (a.contains("-A") || a.contains("-I"))) {
                String table = (a.get(0).equals("iptables") ? "ip " : "ip6 ") + a.get(a.indexOf("-t") + 1);
                String chain = a.get(a.indexOf(a.contains("-A") ? "-A" : "-I") + 1);
                if (chain.equals("FORWARD")) {
                    nft.merge(table, "table " + table + " {\n\tchain FORWARD {\n\t\ttype filter hook forward"
                            + " priority 0; policy accept;\n\t}\n}\n", (old, add) -> old.contains("FORWARD") ? old
                            : old.substring(0, old.lastIndexOf('}')) + add.substring(add.indexOf("\tchain")));
                }
            }
            return fw.run(c);
        };
        FirewallManager manager = new FirewallManager(runner);
        manager.install(PLAN);
        manager.remove(PLAN);
        assertThat(deletes).extracting(Command::toString).containsExactlyInAnyOrder(
                "nft delete table ip mangle", "nft delete chain ip filter FORWARD", "nft delete table ip6 mangle",
                "nft delete table ip6 filter");

        // a manager that did not install knows nothing of the state before, so it deletes no table
        deletes.clear();
        new FirewallManager(runner).remove(PLAN);
        assertThat(deletes).isEmpty();
    }
}
