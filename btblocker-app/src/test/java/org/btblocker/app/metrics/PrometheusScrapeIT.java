package org.btblocker.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.btblocker.app.daemon.DaemonStats;
import org.btblocker.app.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's 2.42) scrapes the metrics server on 127.0.0.1 and answers PromQL over what it
 * stored; {@code promtool check metrics} lints the exposition. Both listen on free loopback ports and keep their
 * data in a temporary directory.
 */
class PrometheusScrapeIT {

    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    @TempDir
    Path dir;

    private Process prometheus;

    @BeforeAll
    static void needsPrometheus() {
        assumeTrue(Files.isExecutable(PROMETHEUS) && Files.isExecutable(PROMTOOL),
                "skipped: Debian's prometheus package is not installed (/usr/bin/prometheus, /usr/bin/promtool)");
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
    }

    @Test
    void promtoolFindsNoProblemInTheExposition() throws Exception {
        Path file = dir.resolve("metrics.txt");
        Files.writeString(file, DaemonMetricsTest.exposition(SampleStats.of(1)));
        Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectInput(file.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("promtool check metrics").isEmpty();
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void aRealScrapeStoresTheSeriesAndPromqlReadsThem() throws Exception {
        AtomicReference<DaemonStats> published = new AtomicReference<>(SampleStats.of(1));
        int metricsPort = DaemonMetricsTest.freePort();
        try (MetricsServer server = MetricsServer.start(new MetricsSettings(true, InetAddress.getLoopbackAddress(),
                metricsPort), published::get)) {
            int port = DaemonMetricsTest.freePort();
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, String.join("\n",
                    "global:",
                    "  scrape_interval: 1s",
                    "  evaluation_interval: 1s",
                    "scrape_configs:",
                    "  - job_name: btblocker",
                    "    static_configs:",
                    "      - targets: ['127.0.0.1:" + server.port() + "']", ""));
            prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();

            assertThat(await(port, "up{job=\"btblocker\"}", "1")).isNotEmpty();
            assertThat(await(port, "btblocker_queue_packets_received_total{queue=\"0\"}", "1000")).isNotEmpty();
            published.set(SampleStats.of(3));          // the next scrape sees the next snapshot
            assertThat(await(port, "btblocker_queue_packets_received_total{queue=\"0\"}", "3000")).isNotEmpty();

            List<Map<String, Object>> detections = await(port, "sum by (detector) "
                    + "(btblocker_detections_total)", null);
            assertThat(detections).extracting(r -> metric(r).get("detector")).containsExactlyInAnyOrder("dht",
                    "handshake");
            assertThat(await(port, "btblocker_verdict_latency_seconds_bucket{queue=\"0\",le=\"+Inf\"}", "25"))
                    .isNotEmpty();
            assertThat(await(port, "btblocker_build_info", "1")).singleElement()
                    .satisfies(r -> assertThat(metric(r)).containsEntry("version", "0.1.0-test"));
            assertThat(await(port, "btblocker_ban_sink_up == 0", null)).singleElement()
                    .satisfies(r -> assertThat(metric(r)).containsEntry("sink", "crowdsec"));
            // queries of docs/metrics.md: the verdict latency's p99 (over both snapshots: it rose), flows blocked
            assertThat(await(port, "histogram_quantile(0.99, sum by (le) (rate("
                    + "btblocker_verdict_latency_seconds_bucket[1m])))", null)).singleElement()
                    .satisfies(r -> assertThat(Double.parseDouble(value(r))).isBetween(0.00005, 1.0));
            assertThat(await(port, "sum by (detector) (rate(btblocker_detections_total[1m]))", null)).hasSize(2);
            assertThat(await(port, "sum(btblocker_flows_decided_total{decision=\"blocked\"}) / "
                    + "sum(btblocker_flows_decided_total)", null)).singleElement()
                    .satisfies(r -> assertThat(Double.parseDouble(value(r))).isBetween(0.0, 1.0));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metric(Map<String, Object> result) {
        return (Map<String, Object>) result.get("metric");
    }

    @SuppressWarnings("unchecked")
    private static String value(Map<String, Object> result) {
        return (String) ((List<Object>) result.get("value")).get(1);
    }

    /** Queries until the result is non-empty (and, with {@code expected}, every value equals it), 60 s at most. */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> await(int port, String query, String expected) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                last = r.body();
                Map<String, Object> body = Json.parseObject(r.body());
                if (body != null && "success".equals(body.get("status"))) {
                    List<Map<String, Object>> result = (List<Map<String, Object>>) ((Map<String, Object>) body
                            .get("data")).get("result");
                    if (!result.isEmpty() && (expected == null
                            || result.stream().allMatch(x -> value(x).equals(expected)))) {
                        return result;
                    }
                }
            } catch (IOException e) {
                last = e.toString();         // not listening yet
            }
            Thread.sleep(250);               // polling a real server, with a deadline
        }
        throw new AssertionError("no answer " + (expected == null ? "" : "= " + expected + " ") + "to " + query
                + " within 60 s; last: " + last + "; log: " + Files.readString(dir.resolve("prometheus.log")));
    }
}
