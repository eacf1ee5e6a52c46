package org.btblocker.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * {@code btblocker check-config}: what it refuses, in one line with exit 2, before anything is touched (issue 8,
 * item 5). On e1b8c66 the typos and {@code detectors = []} were accepted ("configuration OK", exit 0).
 */
class CheckConfigCommandTest {

    record Run(int code, String out, String err) { }

    static Run checkConfig(String... args) {
        CommandLine cl = BtblockerCommand.commandLine(ScanEngines.DEFAULT);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "check-config";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = cl.execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aTypoInTheConfigFileIsRefusedNamingTheKeyItsLineAndTheNearestKey(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("btblocker.conf");
        Files.writeString(conf, "btblocker {\n  queueNum = 3\n  entropy.treshold = 7.9\n}\n");
        Run r = checkConfig("--config", conf.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n")
                .startsWith("btblocker: btblocker.entropy.treshold: unknown key (set in " + conf + ": 3)")
                .endsWith("did you mean btblocker.entropy.threshold?");
        assertThat(r.out()).doesNotContain("configuration OK");
    }

    @Test
    void aTypoInASetIsRefusedToo() {
        Run r = checkConfig("--set", "btblocker.queuNum=5");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("btblocker.queuNum: unknown key").contains("did you mean btblocker.queueNum?");
    }

    @Test
    void noDetectorsAtAllIsRefused() {
        Run r = checkConfig("--set", "btblocker.detectors=[]");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("btblocker: ").contains("btblocker.detectors")
                .contains("at least one detector").doesNotContain("\n");
    }

    @Test
    void theDefaultsAreOk() {
        Run r = checkConfig();
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("configuration OK: detectors [handshake,");
    }
}
