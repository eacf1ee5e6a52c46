package org.btblocker.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The smoke run of the benchmark harness in {@code examples/bench}: every script, with {@code --quick} (tiny sizes),
 * builds its C tools, runs each of its consumers on a real namespace gateway and prints its ratio lines. Benchmarks
 * are not timed tests: only that each one runs to its end, measures every consumer it names and reports a ratio is
 * checked, never a figure.
 *
 * <p>Skips, with the reason, without Linux, root, working {@code ip netns}, or a tool a script needs (gcc and the
 * libnetfilter-queue/libmnl headers, iptables, conntrack, ethtool, iperf3, ...; {@code .ci/run} installs them), and
 * the nDPI comparison without ndpiReader or the corpus.
 */
class BenchSmokeIT {

    /** A script's whole quick run; the scripts' own waits are bounded, this only guards against a hang. */
    private static final Duration BUDGET = Duration.ofMinutes(3);
    private static final Pattern RATIO = Pattern.compile("(?m)^ratio (.+): (-?\\d+\\.\\d\\d)$");
    private static final List<String> GATEWAY_TOOLS = List.of("gcc", "ip", "iptables", "conntrack", "taskset", "java");

    @Test
    void drainMeasuresBothConsumersOnBothKindsOfFlow() throws Exception {
        String out = runQuick("drain.sh", GATEWAY_TOOLS);
        assertThat(ratioNames(out)).contains("drain fixed btblocker/C-batch", "drain new btblocker/C-batch",
                "drain fixed C-packet/C-batch", "drain new C-packet/C-batch");
        assertThat(out).contains("drain new 5-tuple, btblocker", "drain fixed 5-tuple, C packet");
    }

    @Test
    void queuesCompareOneQueueWithTwo() throws Exception {
        String out = runQuick("queues.sh", GATEWAY_TOOLS);
        assertThat(ratioNames(out)).contains("queues btblocker 2/1", "queues C 2/1");
    }

    @Test
    void udpThroughTheGatewayIsDeliveredForEveryConsumer() throws Exception {
        String out = runQuick("udp-gateway.sh", GATEWAY_TOOLS);
        assertThat(ratioNames(out)).contains("udp fixed btblocker/C-batch", "udp new btblocker/C-batch",
                "udp fixed btblocker/no-rule");
        // every consumer let traffic through: no line reports 0 delivered
        assertThat(out).doesNotContainPattern("(?m)^udp .* {2,}0 packets/s delivered");
    }

    @Test
    void bulkTcpRunsWithOffloadsOnAndOff() throws Exception {
        List<String> tools = new ArrayList<>(GATEWAY_TOOLS);
        tools.addAll(List.of("ethtool", "iperf3", "/usr/bin/python3"));
        String out = runQuick("tcp-bulk.sh", tools);
        assertThat(ratioNames(out)).contains("tcp offloads on btblocker/no-rule", "tcp offloads off btblocker/no-rule",
                "tcp offloads off C-batch/no-rule");
    }

    @Test
    void firstPacketLatencyIsMeasuredWithoutLoss() throws Exception {
        String out = runQuick("latency.sh", GATEWAY_TOOLS);
        assertThat(ratioNames(out)).contains("latency added first-packet p50 btblocker/C-batch");
        assertThat(out).contains("latency first packet, btblocker").contains("lost 0");
    }

    @Test
    void floodBansNobodyAndDownloadsStayByteExact() throws Exception {
        List<String> tools = new ArrayList<>(GATEWAY_TOOLS);
        tools.addAll(List.of("ipset", "curl", "sha256sum", "/usr/bin/python3"));
        String out = runQuick("flood.sh", tools);
        assertThat(ratioNames(out)).contains("flood RSS max/full-table", "memory RSS full-table/256MiB");
        assertThat(out).containsPattern("(?m)^bans after the flood +0 addresses +\\(0 BLOCK lines\\)")
                .containsPattern("(?m)^HTTP downloads during the flood +[1-9]\\d* byte-exact, 0 failed");
    }

    @Test
    void scanIsComparedWithNdpiReader() throws Exception {
        Path corpus = Paths.get(System.getProperty("btblocker.corpus", "../shared/corpus"));
        Assumptions.assumeTrue(Files.isDirectory(corpus.resolve("pcap")), "no corpus at " + corpus.toAbsolutePath());
        String out = runQuick("ndpi-compare.sh", List.of("ndpiReader", "mergecap", "capinfos", "java"));
        assertThat(ratioNames(out)).containsExactly("scan corpus btblocker/ndpiReader packets/s");
    }

    /** Runs {@code examples/bench/SCRIPT --quick} after the assumptions; returns its stdout, asserting exit 0. */
    private static String runQuick(String script, List<String> tools) throws IOException, InterruptedException {
        Assumptions.assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"),
                "the benchmarks need Linux network namespaces");
        Path repo = repoRoot();
        Assumptions.assumeTrue(repo != null, "examples/bench not found above " + Paths.get("").toAbsolutePath());
        boolean needsRoot = !script.equals("ndpi-compare.sh");
        if (needsRoot) {
            Assumptions.assumeTrue("0".equals(run(repo, Duration.ofSeconds(10), "id", "-u").output.strip()),
                    "the benchmark needs root (network namespaces, NFQUEUE, raw sockets)");
            Assumptions.assumeTrue(run(repo, Duration.ofSeconds(10), "ip", "netns", "list").exit == 0,
                    "`ip netns` does not work here");
            Assumptions.assumeTrue(Files.exists(Paths.get("/usr/include/libnetfilter_queue/libnetfilter_queue.h"))
                    && Files.exists(Paths.get("/usr/include/libmnl/libmnl.h")),
                    "libnetfilter-queue-dev and libmnl-dev are not installed (see .ci/run)");
        }
        for (String tool : tools) {
            Assumptions.assumeTrue(onPath(repo, tool), tool + " is not installed (see .ci/run)");
        }
        Path out = Paths.get("target", "bench-smoke").toAbsolutePath();
        Files.createDirectories(out);
        Path stdout = out.resolve(script + ".out");
        ProcessBuilder pb = new ProcessBuilder("bash", repo.resolve("examples/bench").resolve(script).toString(),
                "--quick").directory(repo.toFile()).redirectOutput(stdout.toFile())
                .redirectError(out.resolve(script + ".err").toFile());
        pb.environment().put("BTBLOCKER_MVN_OPTS", "-o");  // the launcher may build; never from the network
        pb.environment().put("BENCH_BUILD", out.resolve("bin").toString());
        pb.environment().put("BTBLOCKER_CORPUS",
                Paths.get(System.getProperty("btblocker.corpus", "../shared/corpus")).toAbsolutePath().toString());
        Process p = pb.start();
        if (!p.waitFor(BUDGET.toSeconds(), TimeUnit.SECONDS)) {
            p.destroy();  // SIGTERM: the script's trap deletes its namespaces and stops its processes
            p.waitFor(30, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
        String text = Files.readString(stdout, StandardCharsets.UTF_8);
        assertThat(p.isAlive() ? -1 : p.exitValue()).as("%s --quick exit status (stderr in %s)", script,
                out.resolve(script + ".err")).isZero();
        return text;
    }

    private static List<String> ratioNames(String out) {
        List<String> names = new ArrayList<>();
        Matcher m = RATIO.matcher(out);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static boolean onPath(Path repo, String tool) throws IOException, InterruptedException {
        return tool.startsWith("/") ? Files.isExecutable(Paths.get(tool))
                : run(repo, Duration.ofSeconds(10), "sh", "-c", "command -v " + tool).exit == 0;
    }

    private static Path repoRoot() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("examples/bench/lib.sh"))) {
                return p;
            }
        }
        return null;
    }

    private record Result(int exit, String output) { }

    private static Result run(Path dir, Duration timeout, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, output);
        }
        return new Result(p.exitValue(), output);
    }
}
