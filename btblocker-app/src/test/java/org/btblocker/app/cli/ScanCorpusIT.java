package org.btblocker.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Runs {@code btblocker scan --format jsonl} over the corpus and checks that its flows are the labelled ones: every
 * labelled flow shows up in the output, except the few that exist only inside tunnels (GTP-U, VXLAN, GRE, CAPWAP,
 * IP-in-IP, which scan does not decapsulate) or in fuzzed captures. Skipped when the corpus is absent.
 */
class ScanCorpusIT {

    private static final Pattern FIELD = Pattern.compile("\"(pcap|proto|a|b|src|dst)\": \"([^\"]*)\"");

    @Test
    void scanReportsTheLabelledFlowsOfTheCorpus() throws IOException {
        Path corpus = corpus();
        Path labels = corpus.resolve("labels.jsonl");
        Assumptions.assumeTrue(Files.isRegularFile(labels),
            "corpus not found at " + corpus.toAbsolutePath().normalize() + " (set -Dbtblocker.corpus=DIR)");

        CommandLine cl = BtblockerCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("scan", "--format", "jsonl", corpus.resolve("pcap").toString());

        List<String> verdicts = List.of(out.toString().split("\n"));
        Set<String> seen = new HashSet<>();
        verdicts.forEach(l -> seen.add(key(l, "src", "dst")));
        List<String> missing = new ArrayList<>();
        for (String line : Files.readAllLines(labels, StandardCharsets.UTF_8)) {
            String k = key(line, "a", "b");
            if (!seen.contains(k)) {
                missing.add(k);
            }
        }
        System.out.printf("scan: %d verdict lines, %d labelled flows not reported%n", verdicts.size(), missing.size());
        missing.forEach(m -> System.out.println("  not reported: " + m));

        assertThat(code).as("exit code (one capture is deliberately broken)").isEqualTo(1);
        assertThat(err.toString().strip().split("\n")).hasSize(1);
        assertThat(err.toString()).contains("fuzz-2021-10-13.pcap");
        assertThat(verdicts.size()).isGreaterThan(8_500);
        assertThat(missing.size()).isLessThanOrEqualTo(40);
    }

    /** {@code -Dbtblocker.corpus=DIR}, else ../shared/corpus from the repository root (run from root or module). */
    static Path corpus() {
        String configured = System.getProperty("btblocker.corpus");
        if (configured != null) {
            return Path.of(configured);
        }
        Path fromRoot = Path.of("..", "shared", "corpus");
        return Files.isDirectory(fromRoot) ? fromRoot : Path.of("..", "..", "shared", "corpus");
    }

    /** "pcap proto lowerEndpoint higherEndpoint" from a labels or verdicts line. */
    private static String key(String line, String first, String second) {
        String pcap = null, proto = null, a = null, b = null;
        Matcher m = FIELD.matcher(line);
        while (m.find()) {
            String name = m.group(1);
            if (name.equals("pcap")) {
                pcap = m.group(2);
            } else if (name.equals("proto")) {
                proto = m.group(2);
            } else if (name.equals(first)) {
                a = m.group(2);
            } else if (name.equals(second)) {
                b = m.group(2);
            }
        }
        return a != null && b != null && a.compareTo(b) > 0 ? pcap + " " + proto + " " + b + " " + a
            : pcap + " " + proto + " " + a + " " + b;
    }
}
