package org.btblocker.app.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class LabResultTest {

    /** A line as lab.sh's finish_scenario prints it (python json.dumps, nested fields after the flat ones). */
    private static String line(String scenario, boolean negative, boolean completed, long bytes, Integer banMillis,
                               List<String> banned, boolean pass) {
        String bannedJson = banned.stream().map(b -> "\"" + b + "\"").collect(Collectors.joining(", "));
        return "{\"scenario\": \"" + scenario + "\", \"kind\": \"" + (negative ? "negative" : "bittorrent")
                + "\", \"completed\": " + completed + ", \"bytes\": " + bytes + ", \"total\": 4194304, \"elapsed_s\": 1.5, "
                + "\"first_ban_s\": " + (banMillis == null ? "null" : banMillis / 1000.0) + ", \"banned\": ["
                + bannedJson + "], \"ban_sets\": [], \"blocked_flows\": " + banned.size() + ", \"detectors\": [\"dht\"], "
                + "\"block_lines\": [\"BLOCK udp 10.0.0.2:6881 -> 10.0.0.3:51413 detector=dht reason=\\\"x\\\"\"], "
                + "\"gw_packets\": {\"tcp\": 3, \"udp\": 4}, \"gateway\": true, \"error\": \"\", \"leecher\": \"libtorrent\", "
                + "\"leecher_report\": {\"completed\": " + !completed + ", \"bytes\": 7, \"errors\": []}, \"pass\": " + pass
                + ", \"expect\": \"blocked\"}";
    }

    private static Gen<String> scenarios() {
        return strings().betweenCodePoints('a', 'z').ofLengthBetween(1, 20).map(s -> "bt-" + s);
    }

    private static Gen<List<String>> addresses() {
        return lists().of(integers().between(1, 254).map(i -> "10.77.1." + i)).ofSizeBetween(0, 4);
    }

    @Test
    void readsTheFieldsOfAGeneratedLine() {
        qt().forAll(scenarios(), integers().between(0, 3), integers().between(0, 1 << 22), addresses())
                .checkAssert((scenario, flags, bytes, banned) -> {
                    boolean completed = (flags & 1) != 0;
                    boolean pass = (flags & 2) != 0;
                    Integer banMillis = banned.isEmpty() ? null : bytes % 60_000;
                    LabResult r = LabResult.parse(line(scenario, false, completed, bytes, banMillis, banned, pass));
                    assertThat(r).isNotNull();
                    assertThat(r.scenario()).isEqualTo(scenario);
                    assertThat(r.isNegative()).isFalse();
                    assertThat(r.completed()).isEqualTo(completed);
                    assertThat(r.bytes()).isEqualTo((long) bytes);
                    assertThat(r.total()).isEqualTo(4194304L);
                    assertThat(r.banned()).isEqualTo(banned);
                    assertThat(r.blockedFlows()).isEqualTo(banned.size());
                    assertThat(r.detectors()).containsExactly("dht");
                    assertThat(r.pass()).isEqualTo(pass);
                    assertThat(r.error()).isEmpty();
                    assertThat(r.firstBanS()).isEqualTo(banMillis == null ? -1 : banMillis / 1000.0);
                });
    }

    @Test
    void readsARealLine() {
        String real = "{\"scenario\": \"neg-dns\", \"kind\": \"negative\", \"completed\": true, \"bytes\": 23, \"total\": 23, "
                + "\"elapsed_s\": 0.479, \"first_ban_s\": null, \"banned\": [], \"ban_sets\": [], \"blocked_flows\": 0, "
                + "\"detectors\": [], \"block_lines\": [], \"gw_packets\": {\"tcp\": 3, \"udp\": 44}, \"gateway\": false, "
                + "\"error\": \"seeder \\\"x\\\" not ready\", \"pass\": true, \"expect\": \"complete\"}";
        LabResult r = LabResult.parse(real);
        assertThat(r).isNotNull();
        assertThat(r.isNegative()).isTrue();
        assertThat(r.banned()).isEmpty();
        assertThat(r.error()).isEqualTo("seeder \"x\" not ready");
        assertThat(r.firstBanS()).isEqualTo(-1);
    }

    @Test
    void ignoresLinesThatAreNotScenarioLines() {
        assertThat(LabResult.parse("[lab 05:18:14] neg-https-443: start")).isNull();
        assertThat(LabResult.parse("| scenario | expect |")).isNull();
        assertThat(LabResult.parse(null)).isNull();
        assertThat(LabResult.parse("{\"scenario\": \"x\"}")).isNull();
    }

    @Test
    void truncatedLinesNeverThrowAndAreNotTakenForComplete() {
        String full = line("bt-tcp-http", true, false, 12, 1500, List.of("10.77.1.2"), true);
        qt().forAll(integers().between(0, full.length() - 1))
                .checkAssert(cut -> assertThat(LabResult.parse(full.substring(0, cut))).isNull());
    }

    @Test
    void randomAndMutatedInputNeverThrows() {
        String full = line("bt-utp", false, true, 4194304, null, List.of(), true);
        qt().forAll(strings().allPossible().ofLengthBetween(0, 300))
                .checkAssert(s -> LabResult.parse("{\"scenario\": \"" + s));
        qt().forAll(integers().between(0, full.length() - 1), strings().allPossible().ofLengthBetween(0, 5))
                .checkAssert((at, junk) -> {
                    LabResult r = LabResult.parse(full.substring(0, at) + junk + full.substring(at));
                    if (r != null) {
                        assertThat(r.bytes()).isBetween(-1L, Long.MAX_VALUE);
                        assertThat(r.blockedFlows()).isNotNegative();
                    }
                });
    }
}
