package org.btblocker.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/**
 * The accuracy bar on the labelled corpus, measured the way the README says: {@code btblocker scan --format jsonl}
 * scored by the corpus's own {@code score.py}. Skipped (with the reason) when the corpus or python3 is absent.
 *
 * <ul>
 *   <li>{@code --set btblocker.whitelistPorts=[]}, payload-backed labels: recall >= 0.98, false-positive rate
 *       <= 0.001.</li>
 *   <li>Default configuration: no capture has a false positive.</li>
 * </ul>
 * The flow counts score.py reports must be the label file's own counts (read from it, never written here), so a
 * relabelled corpus changes the figures, not the test.
 */
class CorpusAccuracyIT {

    private static final Pattern SCORE = Pattern.compile(
        "recall=([0-9.]+) fpr=([0-9.]+) fp_pcaps=([0-9]+) bt_flows=([0-9]+) other_flows=([0-9]+)");
    private static final Pattern LABEL = Pattern.compile("\"label\"\\s*:\\s*\"([a-z]+)\"");

    private static Path corpus;

    @BeforeAll
    static void findCorpus() throws Exception {
        corpus = Path.of(System.getProperty("btblocker.corpus", "../../shared/corpus"));
        Assumptions.assumeTrue(Files.isRegularFile(corpus.resolve("score.py")),
            "corpus not found at " + corpus.toAbsolutePath().normalize() + ": accuracy not measured (CI has it)");
        Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
        Assumptions.assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "python3 not found");
    }

    private static Path scan(String name, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("scan", "--format", "jsonl"));
        args.addAll(List.of(extra));
        args.add(corpus.resolve("pcap").toString());
        CommandLine cl = BtblockerCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args.toArray(String[]::new));
        // One capture of nDPI's suite is deliberately truncated; everything else must read.
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("fuzz-2021-10-13.pcap");
        Path verdicts = Files.createTempFile("btblocker-" + name, ".jsonl");
        Files.writeString(verdicts, out.toString(), StandardCharsets.UTF_8);
        return verdicts;
    }

    private static String score(String labels, Path verdicts) throws Exception {
        Process p = new ProcessBuilder("python3", corpus.resolve("score.py").toString(), "-v",
            corpus.resolve(labels).toString(), verdicts.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return output;
    }

    private static Matcher last(String output) {
        Matcher m = SCORE.matcher(output);
        Matcher found = null;
        while (m.find()) {
            found = SCORE.matcher(m.group());
            found.find();
        }
        assertThat(found).as(output).isNotNull();
        return found;
    }

    /** How many flows of {@code labels} carry {@code label}, counted from the file itself. */
    private static long flowsLabelled(String labels, String label) throws IOException {
        try (var lines = Files.lines(corpus.resolve(labels), StandardCharsets.UTF_8)) {
            return lines.map(LABEL::matcher).filter(Matcher::find).filter(m -> m.group(1).equals(label)).count();
        }
    }

    /** The scored flow counts are the label file's: nothing was lost between the labels and the score. */
    private static void assertCountsFollowTheLabels(String labels, Matcher score) throws IOException {
        assertThat(Long.parseLong(score.group(4))).as("bittorrent flows of " + labels)
            .isEqualTo(flowsLabelled(labels, "bittorrent")).isPositive();
        assertThat(Long.parseLong(score.group(5))).as("other flows of " + labels)
            .isEqualTo(flowsLabelled(labels, "other")).isPositive();
    }

    /** Captures that have a blocked "other" flow, from score.py -v. */
    private static Set<String> capturesWithFalsePositives(String output) {
        Set<String> captures = new TreeSet<>();
        String capture = null;
        for (String line : output.split("\n")) {
            if (!line.startsWith(" ") && line.contains(".")) {
                capture = line.split("\\s+")[0];
            } else if (line.strip().startsWith("blocked ") && capture != null) {
                captures.add(capture);
            }
        }
        return captures;
    }

    @Test
    void withoutWhitelistedPortsRecallIsAtLeast98PercentAndFalsePositivesAtMostOnePerMille() throws Exception {
        Path verdicts = scan("nowhitelist", "--set", "btblocker.whitelistPorts=[]");
        String dpi = score("labels-dpi.jsonl", verdicts);
        String all = score("labels.jsonl", verdicts);
        System.out.println("labels-dpi.jsonl, whitelistPorts=[]:\n" + dpi);
        System.out.println("labels.jsonl, whitelistPorts=[]: " + last(all).group());

        Matcher m = last(dpi);
        assertCountsFollowTheLabels("labels-dpi.jsonl", m);
        assertCountsFollowTheLabels("labels.jsonl", last(all));
        assertThat(Double.parseDouble(m.group(1))).as("recall").isGreaterThanOrEqualTo(0.98);
        assertThat(Double.parseDouble(m.group(2))).as("false-positive rate").isLessThanOrEqualTo(0.001);
    }

    @Test
    void theDefaultConfigurationBlocksNoOtherFlow() throws Exception {
        Path verdicts = scan("default");
        String dpi = score("labels-dpi.jsonl", verdicts);
        System.out.println("labels-dpi.jsonl, default configuration: " + last(dpi).group());
        System.out.println("labels.jsonl, default configuration: " + last(score("labels.jsonl", verdicts)).group());
        assertCountsFollowTheLabels("labels-dpi.jsonl", last(dpi));
        assertThat(capturesWithFalsePositives(dpi)).isEmpty();
        assertThat(Double.parseDouble(last(dpi).group(1))).as("recall").isGreaterThanOrEqualTo(0.97);
    }
}
