package org.btblocker.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.btblocker.app.control.BanLine;
import org.btblocker.app.errors.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** {@code btblocker bans ...} with no daemon running: on a ban journal in a temporary directory. */
class BansCommandTest {

    record Run(int exitCode, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    @TempDir
    Path dir;

    private Run bans(String... args) {
        List<String> argv = new ArrayList<>(List.of("bans"));
        argv.addAll(List.of(args));
        // the log sink: a `del` opens the configured sinks, and this host's real ipsets are not the test's
        argv.addAll(List.of("--set", "btblocker.stateDirectory=\"" + dir.resolve("state") + "\"", "--set",
            "btblocker.runtimeDirectory=\"" + dir.resolve("run") + "\"", "--set", "btblocker.banSinks=[log]",
            "--set", "btblocker.allowlist=[\"192.0.2.0/24\"]", "--set", "btblocker.pluginsDir=\"" + dir.resolve("none")
                + "\""));
        CommandLine cl = BtblockerCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(argv.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void addThenListShowsTheBanWithTheTimeLeftAndSaysTheSinksWereNotConsulted() {
        Run add = bans("add", "10.0.0.2", "--duration", "1h");
        assertThat(add.exitCode()).isZero();
        assertThat(add.out()).isEqualTo("banned 10.0.0.2 for 3600 s\n");
        assertThat(add.err()).contains("no daemon runs").contains("bans.journal")
            .contains("reaches the sinks when btblocker run starts");
        assertThat(bans("add", "fd00:0:0::7").exitCode()).isZero();

        Run list = bans("list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.lines()).hasSize(3);
        Matcher m = Pattern.compile("^10\\.0\\.0\\.2\\s+(\\d+) s left  operator: added by hand$")
            .matcher(list.lines().get(0));
        assertThat(m.find()).as(list.lines().get(0)).isTrue();
        assertThat(Long.parseLong(m.group(1))).isBetween(3590L, 3600L);
        assertThat(list.lines().get(1)).matches("^fd00::7\\s+(1799\\d|18000) s left  operator: added by hand$");
        assertThat(list.lines().get(2)).isEqualTo("2 bans");
        assertThat(list.err()).contains("no daemon runs (nothing answers on " + dir.resolve("run")
            .resolve("control.sock")).contains("the sinks were not consulted");

        assertThat(bans().out()).as("`bans` alone lists").isEqualTo(list.out());
    }

    @Test
    void delLiftsABanAndSaysSoWhenThereWasNone() {
        bans("add", "10.0.0.2");
        Run del = bans("del", "10.0.0.2");
        assertThat(del.exitCode()).isZero();
        assertThat(del.out()).isEqualTo("unbanned 10.0.0.2\n");
        assertThat(bans("list").lines()).containsExactly("0 bans");
        Run again = bans("del", "10.0.0.2");
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).isEqualTo("10.0.0.2 was not banned\n");
    }

    @Test
    void exportIsIpsetSaveFormatAndImportReadsItBack() throws IOException {
        bans("add", "10.0.0.9", "--duration", "600");
        bans("add", "10.0.0.10", "--duration", "7200");
        bans("add", "2001:db8::1", "--duration", "300");
        Run export = bans("export");
        assertThat(export.exitCode()).isZero();
        List<String> lines = export.lines();
        assertThat(lines.get(0)).isEqualTo("create torrent_block hash:ip family inet hashsize 1024 maxelem 65536 "
            + "timeout 0");
        assertThat(lines.get(1)).matches("add torrent_block 10\\.0\\.0\\.9 timeout (59\\d|600)");
        assertThat(lines.get(2)).matches("add torrent_block 10\\.0\\.0\\.10 timeout (719\\d|7200)");
        assertThat(lines.get(3)).isEqualTo("create torrent_block6 hash:ip family inet6 hashsize 1024 maxelem 65536 "
            + "timeout 0");
        assertThat(lines.get(4)).matches("add torrent_block6 2001:db8::1 timeout (29\\d|300)");
        assertThat(lines).hasSize(5);

        Path file = dir.resolve("backup.txt");
        Files.writeString(file, export.out());
        for (String a : List.of("10.0.0.9", "10.0.0.10", "2001:db8::1")) {
            bans("del", a);
        }
        Run imported = bans("import", file.toString());
        assertThat(imported.exitCode()).isZero();
        assertThat(imported.out()).isEqualTo("imported 3 bans from " + file + "; 2 other lines skipped\n");
        List<String> after = bans("list").lines();
        assertThat(after).hasSize(4);
        assertThat(after.get(0)).matches("10\\.0\\.0\\.9 +(59\\d|600) s left  import: imported");
        assertThat(after.get(1)).matches("10\\.0\\.0\\.10 +(719\\d|7200) s left  import: imported");
        assertThat(after.get(2)).matches("2001:db8::1 +(29\\d|300) s left  import: imported");
    }

    @Test
    void importReadsRealIpsetSaveOutputAndGivesTimeoutZeroTheBanDuration() throws IOException {
        Path file = dir.resolve("ipset-backup.txt");
        Files.writeString(file, String.join("\n",
            "create torrent_block hash:ip family inet hashsize 1024 maxelem 65536 timeout 18000 bucketsize 12 "
                + "initval 0x5c3bd7d1",
            "add torrent_block 10.94.1.2 timeout 594",
            "add torrent_block 10.94.1.3 timeout 0",
            "add torrent_block 192.0.2.5 timeout 100",
            "add torrent_block 10.94.0.0/16 timeout 100",
            "# a comment", "", "add torrent_block 10.94.1.4") + "\n");
        Run r = bans("import", file.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).contains(file + ": line 5: \"10.94.0.0/16\" is not an IP address (skipped)");
        assertThat(r.out()).startsWith("imported 3 bans from " + file + " (1 allowlisted, not banned); 3 other "
            + "lines skipped");
        List<BanLine> listed = new ArrayList<>();
        for (String line : bans("list").lines()) {
            String[] w = line.split("\\s+");
            if (w.length > 2) {
                listed.add(new BanLine(w[0], Long.parseLong(w[1]), "", "", ""));
            }
        }
        assertThat(listed).extracting(BanLine::address).containsExactly("10.94.1.2", "10.94.1.3", "10.94.1.4");
        assertThat(listed.get(0).secondsLeft()).isBetween(590L, 594L);
        assertThat(listed.get(1).secondsLeft()).as("timeout 0: banDuration").isBetween(17990L, 18000L);
        assertThat(listed.get(2).secondsLeft()).as("no timeout: banDuration").isBetween(17990L, 18000L);
    }

    @Test
    void badInputIsOneLineAndExit2() {
        Run host = bans("add", "example.org");
        assertThat(host.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(host.err()).isEqualTo("btblocker: \"example.org\" is not an IP address (IPv4 or IPv6, no host "
            + "names)\n");
        Run duration = bans("add", "10.0.0.2", "--duration", "soon");
        assertThat(duration.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(duration.err()).startsWith("btblocker: --duration: expected seconds (18000) or a duration");
        Run allow = bans("add", "192.0.2.1");
        assertThat(allow.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(allow.err()).isEqualTo("btblocker: 192.0.2.1 is in btblocker.allowlist: it is never banned\n");
        Run missing = bans("import", dir.resolve("nope.txt").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(missing.err()).isEqualTo("btblocker: " + dir.resolve("nope.txt") + ": no such file\n");
        assertThat(bans("list").lines()).containsExactly("0 bans");
    }

    @Test
    void theListingSortsIpv4BeforeIpv6AndAlignsColumns() {
        assertThat(BansCommand.format(List.of(new BanLine("2001:db8::1", 600, "dht", "KRPC", "detection"),
            new BanLine("10.0.0.10", 12, "operator", "", "operator"),
            new BanLine("10.0.0.2", 17995, "handshake", "BEP 3 handshake", "detection")))).containsExactly(
                "10.0.0.2     17995 s left  handshake: BEP 3 handshake",
                "10.0.0.10       12 s left  operator",
                "2001:db8::1    600 s left  dht: KRPC",
                "3 bans");
        assertThat(BansCommand.format(List.of())).containsExactly("0 bans");
    }

    @Test
    void statusWithoutADaemonIsOneLineNamingTheSocketAndExit1() {
        CommandLine cl = BtblockerCommand.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        int code = cl.execute("status", "--set", "btblocker.runtimeDirectory=\"" + dir + "\"");
        assertThat(code).isEqualTo(ExitCodes.RUNTIME);
        assertThat(err.toString()).isEqualTo("btblocker: no btblocker daemon runs here (nothing answers on "
            + dir.resolve("control.sock") + "); start it with `btblocker run`, or pass the --config it runs with\n");
    }
}
