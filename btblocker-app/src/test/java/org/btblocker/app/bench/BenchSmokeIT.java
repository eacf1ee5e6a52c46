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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The smoke run of the benchmark harness in {@code examples/bench}: every script, with {@code --quick} (tiny sizes),
 * builds its C tools, runs each of its consumers on a real namespace gateway and prints its ratio lines. Benchmarks
 * are not timed tests: only that each one runs to its end, measures every consumer it names and reports a ratio is
 * checked, never a figure.
 *
 * <p>The scripts run two at a time (each in namespaces of its own, with its own build directory), all started before
 * the first test, so the smoke run takes about half the sum of the scripts' quick runs (about 75 s in all on a busy
 * 2-core machine, so well under a minute of wall time on a quiet one). Skips, with the reason, without Linux, root,
 * working {@code ip netns}, or a tool a script needs (gcc and the libnetfilter-queue/libmnl headers, iptables,
 * conntrack, ethtool, iperf3, ...; {@code .ci/run} installs them), and the nDPI comparison without ndpiReader or the
 * corpus.
 */
class BenchSmokeIT {

    /** A script's whole quick run; the scripts' own waits are bounded, this only guards against a hang. */
    private static final Duration BUDGET = Duration.ofMinutes(3);
    private static final Pattern RATIO = Pattern.compile("(?m)^ratio (.+): (-?\\d+\\.\\d\\d)$");
    private static final List<String> GATEWAY_TOOLS = List.of("gcc", "ip", "iptables", "nft", "conntrack", "taskset",
            "java");
    /** Each script and the tools it needs, longest run first (they run two at a time). */
    private static final List<Map.Entry<String, List<String>>> SCRIPTS = List.of(
            Map.entry("udp-gateway.sh", GATEWAY_TOOLS),
            Map.entry("tcp-bulk.sh", concat(GATEWAY_TOOLS, "ethtool", "iperf3", "/usr/bin/python3")),
            Map.entry("flood.sh", concat(GATEWAY_TOOLS, "ipset", "curl", "sha256sum", "/usr/bin/python3")),
            Map.entry("drain.sh", GATEWAY_TOOLS),
            Map.entry("queues.sh", GATEWAY_TOOLS),
            Map.entry("latency.sh", GATEWAY_TOOLS),
            Map.entry("ndpi-compare.sh", List.of("ndpiReader", "mergecap", "capinfos", "java")));
    /** Two at a time (one per core): each run is in its own namespaces, so they cannot see each other. */
    private static final ExecutorService RUNNER = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "bench-smoke");
        t.setDaemon(true);
        return t;
    });
    private static final Map<String, Future<String>> RUNS = new ConcurrentHashMap<>();
    private static final Map<String, String> MISSING = new ConcurrentHashMap<>();

    /** Starts every script whose prerequisites are there, so the smoke run takes about half the sum of its parts. */
    @BeforeAll
    static void startAll() throws IOException, InterruptedException {
        Path repo = repoRoot();
        for (Map.Entry<String, List<String>> e : SCRIPTS) {
            String why = repo == null ? "examples/bench not found above " + Paths.get("").toAbsolutePath()
                    : missing(repo, e.getKey(), e.getValue());
            if (why != null) {
                MISSING.put(e.getKey(), why);
            } else {
                RUNS.put(e.getKey(), RUNNER.submit(() -> runQuick(repo, e.getKey())));
            }
        }
        RUNNER.shutdown();
    }

    @AfterAll
    static void stopAll() throws InterruptedException {
        RUNNER.shutdownNow();
        RUNNER.awaitTermination(1, TimeUnit.MINUTES);
    }

    @Test
    void drainMeasuresBothConsumersOnBothKindsOfFlow() throws Exception {
        String out = result("drain.sh");
        assertThat(ratioNames(out)).contains("drain fixed btblocker/C-batch", "drain new btblocker/C-batch",
                "drain fixed C-packet/C-batch", "drain new C-packet/C-batch");
        assertThat(out).contains("drain new 5-tuple, btblocker", "drain fixed 5-tuple, C packet");
    }

    @Test
    void queuesCompareOneQueueWithTwo() throws Exception {
        String out = result("queues.sh");
        assertThat(ratioNames(out)).contains("queues btblocker 2/1", "queues C 2/1");
    }

    @Test
    void udpThroughTheGatewayIsDeliveredForEveryConsumer() throws Exception {
        String out = result("udp-gateway.sh");
        assertThat(ratioNames(out)).contains("udp fixed btblocker/C-batch", "udp new btblocker/C-batch",
                "udp fixed btblocker/no-rule");
        // every consumer let traffic through: no line reports 0 delivered
        assertThat(out).doesNotContainPattern("(?m)^udp .* {2,}0 packets/s delivered");
    }

    @Test
    void bulkTcpRunsWithOffloadsOnAndOff() throws Exception {
        String out = result("tcp-bulk.sh");
        assertThat(ratioNames(out)).contains("tcp offloads on btblocker/no-rule", "tcp offloads off btblocker/no-rule",
                "tcp offloads off C-batch/no-rule");
    }

    @Test
    void firstPacketLatencyIsMeasuredWithoutLoss() throws Exception {
        String out = result("latency.sh");
        assertThat(ratioNames(out)).contains("latency added first-packet p50 btblocker/C-batch");
        assertThat(out).contains("latency first packet, btblocker").contains("lost 0");
    }

    @Test
    void floodBansNobodyAndDownloadsStayByteExact() throws Exception {
        String out = result("flood.sh");
        assertThat(ratioNames(out)).contains("flood RSS max/full-table", "memory RSS full-table/256MiB");
        assertThat(out).containsPattern("(?m)^bans after the flood +0 addresses +\\(0 BLOCK lines\\)")
                .containsPattern("(?m)^HTTP downloads during the flood +[1-9]\\d* byte-exact, 0 failed");
    }

    @Test
    void scanIsComparedWithNdpiReader() throws Exception {
        String out = result("ndpi-compare.sh");
        assertThat(ratioNames(out)).containsExactly("scan corpus btblocker/ndpiReader packets/s");
    }

    /** The stdout of SCRIPT's quick run, or the test is skipped with the reason it could not run. */
    private static String result(String script) throws Exception {
        Assumptions.assumeTrue(!MISSING.containsKey(script), MISSING.get(script));
        try {
            return RUNS.get(script).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError a) {
                throw a;
            }
            throw e;
        }
    }

    /** Why SCRIPT cannot run here, or null. */
    private static String missing(Path repo, String script, List<String> tools) throws IOException,
            InterruptedException {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return "the benchmarks need Linux network namespaces";
        }
        if (script.equals("ndpi-compare.sh")) {
            Path corpus = corpus();
            if (!Files.isDirectory(corpus.resolve("pcap"))) {
                return "no corpus at " + corpus;
            }
        } else {
            if (!"0".equals(run(repo, Duration.ofSeconds(10), "id", "-u").output.strip())) {
                return "the benchmark needs root (network namespaces, NFQUEUE, raw sockets)";
            }
            if (run(repo, Duration.ofSeconds(10), "ip", "netns", "list").exit != 0) {
                return "`ip netns` does not work here";
            }
            if (!Files.exists(Paths.get("/usr/include/libnetfilter_queue/libnetfilter_queue.h"))
                    || !Files.exists(Paths.get("/usr/include/libmnl/libmnl.h"))) {
                return "libnetfilter-queue-dev and libmnl-dev are not installed (see .ci/run)";
            }
        }
        for (String tool : tools) {
            if (!onPath(repo, tool)) {
                return tool + " is not installed (see .ci/run)";
            }
        }
        return null;
    }

    /** Runs {@code examples/bench/SCRIPT --quick}; returns its stdout, asserting exit 0. */
    private static String runQuick(Path repo, String script) throws IOException, InterruptedException {
        Path out = Paths.get("target", "bench-smoke").toAbsolutePath();
        Files.createDirectories(out);
        Path stdout = out.resolve(script + ".out");
        Path stderr = out.resolve(script + ".err");
        ProcessBuilder pb = new ProcessBuilder("bash", repo.resolve("examples/bench").resolve(script).toString(),
                "--quick").directory(repo.toFile()).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        pb.environment().put("BTBLOCKER_MVN_OPTS", "-o");  // the launcher may build; never from the network
        pb.environment().put("BENCH_SKIP_BUILD", "1");     // the reactor has just packaged the daemon
        // figures do not matter here: a JVM that starts quickly and compiles little
        pb.environment().put("JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        // its own build directory: two scripts compiling the same tools at once would race
        pb.environment().put("BENCH_BUILD", out.resolve("bin-" + script.replace(".sh", "")).toString());
        pb.environment().put("BTBLOCKER_CORPUS", corpus().toString());
        Process p = pb.start();
        if (!p.waitFor(BUDGET.toSeconds(), TimeUnit.SECONDS)) {
            p.destroy();  // SIGTERM: the script's trap deletes its namespaces and stops its processes
            p.waitFor(30, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
        String text = Files.readString(stdout, StandardCharsets.UTF_8);
        assertThat(p.isAlive() ? -1 : p.exitValue()).as("%s --quick exit status (stderr in %s)", script, stderr)
                .isZero();
        return text;
    }

    private static Path corpus() {
        return Paths.get(System.getProperty("btblocker.corpus", "../shared/corpus")).toAbsolutePath();
    }

    private static List<String> concat(List<String> a, String... more) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(more));
        return List.copyOf(all);
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
