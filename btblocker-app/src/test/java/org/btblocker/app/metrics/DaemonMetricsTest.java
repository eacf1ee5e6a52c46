package org.btblocker.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import org.btblocker.app.daemon.DaemonStats;
import org.btblocker.app.errors.UserException;
import org.junit.jupiter.api.Test;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;

class DaemonMetricsTest {

    static String exposition(DaemonStats stats) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, new DaemonMetrics(() -> stats).collect(),
                EscapingScheme.ALLOW_UTF8);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyFieldOfTheSnapshotIsASeriesWithItsValue() throws IOException {
        String text = exposition(SampleStats.of(1));
        assertThat(text.lines()).contains(
                "btblocker_build_info{version=\"0.1.0-test\"} 1",
                "btblocker_queue_packets_received_total{queue=\"0\"} 1000.0",
                "btblocker_queue_packets_accepted_total{queue=\"0\"} 990.0",
                "btblocker_queue_packets_dropped_total{queue=\"0\"} 10.0",
                "btblocker_queue_verdict_batches_total{queue=\"0\"} 500.0",
                "btblocker_queue_overruns_total{queue=\"0\"} 3.0",
                "btblocker_queue_lost_ids_total{queue=\"0\"} 4.0",
                "btblocker_queue_restarts_total{queue=\"0\"} 2.0",
                "btblocker_queue_up{queue=\"0\"} 1.0",
                "btblocker_queue_up{queue=\"1\"} 0.0",
                "btblocker_queue_bypassed_packets_total 77.0",
                "btblocker_flows_decided_total{decision=\"blocked\",queue=\"0\",reason=\"detection\"} 7.0",
                "btblocker_flows_decided_total{decision=\"allowed\",queue=\"0\",reason=\"whitelistPorts\"} 20.0",
                "btblocker_flows_decided_total{decision=\"allowed\",queue=\"0\",reason=\"no_detector\"} 30.0",
                "btblocker_flow_table_flows{queue=\"0\"} 42.0",
                "btblocker_flow_table_evictions_total{queue=\"0\"} 11.0",
                "btblocker_detections_total{detector=\"dht\",queue=\"0\"} 3.0",
                "btblocker_detections_total{detector=\"handshake\",queue=\"0\"} 4.0",
                "btblocker_endpoint_claims_refused_total{queue=\"0\"} 13.0",
                "btblocker_packets_unverified_total{queue=\"0\"} 14.0",
                "btblocker_flows_mid_stream_total{queue=\"0\"} 15.0",
                "btblocker_bans_added_total{origin=\"detection\"} 6.0",
                "btblocker_bans_active 8.0",
                "btblocker_bans_expired_total 5.0",
                "btblocker_ban_sink_added_total{sink=\"ipset\"} 9.0",
                "btblocker_ban_sink_failed_total{sink=\"crowdsec\"} 5.0",
                "btblocker_ban_sink_retries_total{sink=\"crowdsec\"} 7.0",
                "btblocker_ban_sink_restored_total{sink=\"ipset\"} 3.0",
                "btblocker_ban_sink_queued{sink=\"crowdsec\"} 3.0",
                "btblocker_ban_sink_up{sink=\"crowdsec\"} 0.0",
                "btblocker_ban_sink_request_seconds_count{sink=\"ipset\"} 20",
                "btblocker_ban_sink_request_seconds_sum{sink=\"ipset\"} 0.04",
                "btblocker_endpoint_memory_entries{standing=\"proven\"} 25.0",
                "btblocker_endpoint_memory_entries{standing=\"corroborated\"} 6.0",
                "btblocker_endpoint_memory_entries{standing=\"claimed\"} 17.0",
                "btblocker_config_reloads_total{result=\"ok\"} 3.0",
                "btblocker_config_reloads_total{result=\"failed\"} 1.0",
                "btblocker_config_last_reload_ok 0.0",
                "btblocker_detector_enabled{detector=\"tracker\"} 1.0",
                "# TYPE btblocker_verdict_latency_seconds histogram",
                "btblocker_verdict_latency_seconds_bucket{queue=\"0\",le=\"1.0E-5\"} 5",
                "btblocker_verdict_latency_seconds_bucket{queue=\"0\",le=\"1.0E-4\"} 8",
                "btblocker_verdict_latency_seconds_bucket{queue=\"0\",le=\"1.0\"} 8",
                "btblocker_verdict_latency_seconds_bucket{queue=\"0\",le=\"+Inf\"} 9",
                "btblocker_verdict_latency_seconds_count{queue=\"0\"} 9",
                "btblocker_verdict_latency_seconds_sum{queue=\"0\"} 2.5");
        // a queue without an engine (its binding failed) has queue series only
        assertThat(text).doesNotContain("btblocker_engine_packets_total{queue=\"1\"}");
        assertThat(text).doesNotContain("exemplar").doesNotContain(" # {");
        for (String line : text.lines().filter(l -> !l.startsWith("#")).toList()) {
            assertThat(line).startsWith("btblocker_");
        }
    }

    @Test
    void countersAreTypedCountersWithTotalAndHelp() throws IOException {
        String text = exposition(SampleStats.of(1));
        assertThat(text).contains("# TYPE btblocker_queue_packets_received_total counter")
                .contains("# HELP btblocker_queue_packets_received_total Packets the queue handed to btblocker.")
                .contains("# TYPE btblocker_bans_active gauge")
                .contains("# TYPE btblocker_ban_sink_request_seconds summary");
    }

    @Test
    void beforeTheFirstSnapshotThereIsNothingToScrape() throws IOException {
        assertThat(exposition(null)).isEmpty();
    }

    @Test
    void aScrapeReadsTheLatestPublishedSnapshot() throws Exception {
        AtomicReference<DaemonStats> published = new AtomicReference<>(SampleStats.of(1));
        MetricsSettings settings = new MetricsSettings(true, InetAddress.getLoopbackAddress(), freePort());
        try (MetricsServer server = MetricsServer.start(settings, published::get)) {
            assertThat(get(server.port())).contains("btblocker_queue_packets_received_total{queue=\"0\"} 1000.0");
            published.set(SampleStats.of(2));
            assertThat(get(server.port())).contains("btblocker_queue_packets_received_total{queue=\"0\"} 2000.0");
        }
    }

    @Test
    void aPortInUseIsOneLineNamingTheAddressAndTheKey() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            MetricsSettings settings = new MetricsSettings(true, InetAddress.getLoopbackAddress(), busy.getLocalPort());
            assertThatThrownBy(() -> MetricsServer.start(settings, () -> null))
                    .isInstanceOf(UserException.class)
                    .satisfies(e -> assertThat(((UserException) e).exitCode()).isEqualTo(1))
                    .hasMessageStartingWith("btblocker.metrics: cannot listen on 127.0.0.1:" + busy.getLocalPort())
                    .hasMessageContaining("set btblocker.metrics.port")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void settingsAreCheckedNamingTheKey() {
        assertThat(MetricsSettings.from(ConfigFactory.defaultReference().getConfig("btblocker")))
                .isEqualTo(new MetricsSettings(true, InetAddress.getLoopbackAddress(), 9842));
        assertThatThrownBy(() -> settings("address = \"localhost\""))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("btblocker.metrics.address")
                .hasMessageContaining("\"localhost\"");
        assertThatThrownBy(() -> settings("address = \"10.0.0.300\""))
                .hasMessageContaining("btblocker.metrics.address");
        assertThatThrownBy(() -> settings("port = 0")).hasMessageContaining("btblocker.metrics.port")
                .hasMessageContaining("from 1 to 65535, got 0");
        assertThatThrownBy(() -> settings("port = 70000")).hasMessageContaining("btblocker.metrics.port");
        assertThat(settings("address = \"::1\"").endpoint()).isEqualTo("[0:0:0:0:0:0:0:1]:9842");
    }

    private static MetricsSettings settings(String line) {
        return MetricsSettings.from(ConfigFactory.parseString("btblocker.metrics." + line)
                .withFallback(ConfigFactory.defaultReference()).getConfig("btblocker"));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String get(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
