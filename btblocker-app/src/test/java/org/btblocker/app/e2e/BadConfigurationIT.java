package org.btblocker.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 8, item 5: a bad configuration is refused before anything is touched. {@code btblocker run} builds and
 * checks its whole runtime snapshot (engine, detectors, sinks, firewall, queues, every key known) before it takes
 * the lock, creates a ban set or installs a rule; so each of these exits 2 with one line naming the key and leaves
 * the gateway exactly as it was: no {@code torrent_block}/{@code torrent_block6} ipset, no rule.
 *
 * <p>On e1b8c66: {@code entropyThreshold = 99}, the unknown detector and {@code flowTable.maxFlows = 0} exited 2 but
 * left both ipsets created; {@code detectors = []} and the typo {@code queuNum} were accepted and the daemon ran
 * (no exit within 30 s).
 */
class BadConfigurationIT extends GatewayLabTest {

    @BeforeEach
    void noBanSets() {
        for (String set : List.of("torrent_block", "torrent_block6")) {
            lab.in(lab.gateway, "ipset", "destroy", set);
        }
    }

    private String firewall() {
        return Arrays.stream((lab.in(lab.gateway, "iptables-save").ok() + lab.in(lab.gateway, "ip6tables-save").ok())
            .split("\n")).filter(l -> !l.startsWith("#")).map(l -> l.replaceAll("\\[\\d+:\\d+\\]", "[]"))
            .collect(Collectors.joining("\n"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "entropyThreshold = 99         | btblocker.entropy.threshold",
        "detectors = [handshake, nosuch] | unknown detector \"nosuch\"",
        "flowTable.maxFlows = 0        | btblocker.flowTable.maxFlows",
        "detectors = []                | at least one detector",
        "queuNum = 5                   | btblocker.queuNum: unknown key",
    })
    void isRefusedInOneLineWithExit2AndLeavesNothing(String setting, String named) {
        String before = firewall();
        Proc failed = lab.startDaemonProcess(setting);
        assertThat(failed.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
        List<String> messages = failed.err().stream().filter(l -> !l.matches("^\\d{4}-\\d\\d-\\d\\d .*")).toList();
        assertThat(messages).singleElement().asString().startsWith("btblocker: ").contains(named);
        assertThat(failed.err()).noneMatch(l -> l.contains("\tat ") || l.contains("ban sink"));
        assertThat(lab.in(lab.gateway, "ipset", "list", "-n").out()).doesNotContain("torrent_block");
        assertThat(firewall()).isEqualTo(before);
    }
}
