package org.btblocker.app.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.btblocker.app.bans.BanWorker;
import org.btblocker.app.daemon.DaemonStats;
import org.btblocker.engine.EndpointMemory;
import org.btblocker.engine.EngineStats;
import org.btblocker.netfilter.nfqueue.LatencyHistogram;
import org.btblocker.netfilter.nfqueue.QueueStats;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * The Prometheus series of the daemon, made at each scrape from the one published {@link DaemonStats} (at most a
 * second old). A scrape never touches a queue thread, a sink or the firewall: it reads an immutable record.
 *
 * <p>Every name starts with {@code btblocker_}; counters end in {@code _total}, units are in the names
 * ({@code _seconds}). Per-queue series carry {@code queue}, per-sink ones {@code sink}. The list, with PromQL for
 * each panel, is in {@code docs/metrics.md}.
 */
public final class DaemonMetrics implements MultiCollector {

    private static final double[] LATENCY_BOUNDS = bounds();

    private final Supplier<DaemonStats> stats;

    /** Series read from {@code stats} (the daemon's {@code stats()}) at each scrape. */
    public DaemonMetrics(Supplier<DaemonStats> stats) {
        this.stats = stats;
    }

    private static double[] bounds() {
        double[] b = new double[LatencyHistogram.BOUNDS_SECONDS.length + 1];
        System.arraycopy(LatencyHistogram.BOUNDS_SECONDS, 0, b, 0, LatencyHistogram.BOUNDS_SECONDS.length);
        b[b.length - 1] = Double.POSITIVE_INFINITY;
        return b;
    }

    @Override
    public MetricSnapshots collect() {
        DaemonStats d = stats.get();
        if (d == null) {
            return new MetricSnapshots();       // still starting: nothing published yet
        }
        Families f = new Families();
        f.info("btblocker_build", "The running build.", Labels.of("version", d.version()));
        f.gauge("btblocker_start_time_seconds", "When the daemon started, in seconds since the epoch.", Unit.SECONDS,
                Labels.EMPTY, d.startedAt().toEpochMilli() / 1000.0);
        f.gauge("btblocker_stats_time_seconds", "When the numbers of this scrape were taken (once a second).",
                Unit.SECONDS, Labels.EMPTY, d.taken().toEpochMilli() / 1000.0);
        queues(f, d);
        bans(f, d.bans());
        endpoints(f, d.endpoints());
        f.counter("btblocker_config_reloads_total", "Configuration reloads (SIGHUP) by result.",
                Labels.of("result", "ok"), d.reloadsOk());
        f.counter("btblocker_config_reloads_total", null, Labels.of("result", "failed"), d.reloadsFailed());
        if (d.lastReload() != null) {
            f.gauge("btblocker_config_last_reload_time_seconds", "When the last reload was tried.", Unit.SECONDS,
                    Labels.EMPTY, d.lastReload().toEpochMilli() / 1000.0);
        }
        f.gauge("btblocker_config_last_reload_ok", "1 when the last reload was applied, 0 when it was refused.",
                null, Labels.EMPTY, d.lastReloadResult() == null || d.lastReloadResult().equals("ok") ? 1 : 0);
        for (String name : d.detectors()) {
            f.gauge("btblocker_detector_enabled", "The detectors in force (1 each).", null,
                    Labels.of("detector", name), 1);
        }
        if (d.bypassedPackets() >= 0) {
            f.counter("btblocker_queue_bypassed_packets_total", "Packets our NFQUEUE rules let through uninspected "
                    + "because the queue was full (sampled once per statsInterval).", Labels.EMPTY,
                    d.bypassedPackets());
        }
        return f.build();
    }

    private static void queues(Families f, DaemonStats d) {
        for (DaemonStats.Queue q : d.queues()) {
            Labels l = Labels.of("queue", String.valueOf(q.queueNum()));
            QueueStats s = q.queue();
            f.gauge("btblocker_queue_up", "1 while the queue's thread runs and advances.", null, l, q.alive() ? 1 : 0);
            f.counter("btblocker_queue_restarts_total", "Times the supervisor bound a dead queue again.", l,
                    q.restarts());
            f.counter("btblocker_queue_packets_received_total", "Packets the queue handed to btblocker.", l,
                    s.received());
            f.counter("btblocker_queue_packets_accepted_total", "Packets given the verdict ACCEPT (blocked flows "
                    + "too: the filter rule drops them by their mark).", l, s.accepted());
            f.counter("btblocker_queue_packets_dropped_total", "Packets given the verdict DROP.", l, s.dropped());
            f.counter("btblocker_queue_verdict_batches_total", "Verdict messages sent (one per batch).", l,
                    s.verdictMessages());
            f.counter("btblocker_queue_verdict_errors_total", "Error answers of the kernel to verdicts.", l,
                    s.verdictErrors());
            f.counter("btblocker_queue_overruns_total", "Receive-buffer overflows (ENOBUFS): packets the kernel "
                    + "could not hand over (accepted unseen with fail-open).", l, s.overruns());
            f.counter("btblocker_queue_lost_ids_total", "Packet ids skipped in the kernel's sequence (their "
                    + "messages were lost).", l, s.gaps());
            f.counter("btblocker_queue_handler_errors_total", "Packets whose handling threw (accepted).", l,
                    s.handlerErrors());
            f.counter("btblocker_queue_malformed_total", "Queue messages that could not be parsed.", l,
                    s.malformed() + s.truncated());
            EngineStats.Snapshot e = q.engine();
            if (e != null) {
                engine(f, l, e);
            }
            LatencyHistogram.Snapshot h = q.latency();
            if (h != null) {
                f.histogram("btblocker_verdict_latency_seconds", "From reading a batch off the queue socket to "
                        + "sending its verdict.", l, h);
            }
        }
    }

    private static void engine(Families f, Labels l, EngineStats.Snapshot e) {
        f.counter("btblocker_engine_packets_total", "Packets inspected (parseable TCP/UDP).", l, e.packets());
        f.gauge("btblocker_flow_table_flows", "Flows in the flow table.", null, l, e.activeFlows());
        f.counter("btblocker_flows_created_total", "Flows added to the flow table.", l, e.flowsCreated());
        String help = "Flows decided, by decision and reason (blocked: detection; allowed: whitelistPorts, "
                + "allowlist, no_detector, maxPacketsPerFlow).";
        f.counter("btblocker_flows_decided_total", help, l.add("decision", "blocked").add("reason", "detection"),
                e.flowsBlocked());
        f.counter("btblocker_flows_decided_total", null,
                l.add("decision", "allowed").add("reason", "whitelistPorts"), e.allowedWhitelist());
        f.counter("btblocker_flows_decided_total", null, l.add("decision", "allowed").add("reason", "allowlist"),
                e.allowedAllowlist());
        f.counter("btblocker_flows_decided_total", null, l.add("decision", "allowed").add("reason", "no_detector"),
                e.allowedNoDetector());
        f.counter("btblocker_flows_decided_total", null,
                l.add("decision", "allowed").add("reason", "maxPacketsPerFlow"), e.allowedMaxPackets());
        f.counter("btblocker_flows_idle_retired_total", "Undecided flows forgotten after their idle timeout.", l,
                e.retiredIdle());
        f.counter("btblocker_flow_table_evictions_total", "Flows pushed out of a full flow table.", l, e.evicted());
        f.counter("btblocker_detector_errors_total", "Detector calls that threw (that detector left the flow).", l,
                e.detectorErrors());
        f.counter("btblocker_endpoint_claims_refused_total", "Endpoint claims refused (one-way flow, per-packet or "
                + "per-source budget).", l, e.claimsRefused());
        f.counter("btblocker_engine_reconfigurations_total", "Reloads applied by this queue's engine.", l,
                e.reconfigured());
        f.counter("btblocker_flows_mid_stream_total", "TCP flows first seen without their SYN (joined mid-stream: "
                + "the daemon started late, or the opening bypassed a full queue).", l, e.midStreamFlows());
        f.counter("btblocker_packets_unverified_total", "Packets whose source failed the reverse-path check "
                + "(firewall.sourceCheck): they never make a flow two-way, claim an endpoint or get anyone banned.", l,
                e.unverifiedPackets());
        for (Map.Entry<String, Long> det : new TreeMap<>(e.detections()).entrySet()) {
            f.counter("btblocker_detections_total", "Flows blocked, by the detector that matched.",
                    l.add("detector", det.getKey()), det.getValue());
        }
    }

    private static void bans(Families f, BanWorker.Stats b) {
        f.counter("btblocker_ban_decisions_total", "BLOCK decisions the ban worker handled.", Labels.EMPTY,
                b.decisions());
        f.counter("btblocker_ban_decisions_dropped_total", "BLOCK decisions dropped because the ban queue was full "
                + "(their flows were still blocked).", Labels.EMPTY, b.dropped());
        f.counter("btblocker_ban_decisions_not_banned_total", "Decisions that banned nobody (anti-spoofing, "
                + "allowlist, monitorOnly, ban.target).", Labels.EMPTY, b.notBanned());
        f.counter("btblocker_bans_added_total", "Bans made, by origin.", Labels.of("origin", "detection"), b.bans());
        f.counter("btblocker_bans_added_total", null, Labels.of("origin", "fleet"), b.fleetBans());
        f.counter("btblocker_bans_lifted_total", "Bans lifted before they expired, by origin.",
                Labels.of("origin", "fleet"), b.fleetUnbans());
        f.counter("btblocker_bans_operator_changes_total", "Bans added or lifted by hand (btblocker bans add/del/"
                + "import).", Labels.EMPTY, b.operatorChanges());
        f.gauge("btblocker_bans_active", "Bans running now (the ban journal's).", null, Labels.EMPTY, b.active());
        f.counter("btblocker_bans_expired_total", "Bans that ran out.", Labels.EMPTY, b.expired());
        f.gauge("btblocker_ban_queue_length", "Work waiting in the ban worker's queue.", null, Labels.EMPTY,
                b.queued());
        for (BanWorker.SinkStats s : b.sinks()) {
            Labels l = Labels.of("sink", s.name());
            f.gauge("btblocker_ban_sink_up", "0 while the sink's last call failed.", null, l,
                    s.lastError() == null ? 1 : 0);
            f.counter("btblocker_ban_sink_added_total", "Bans the sink accepted.", l, s.added());
            f.counter("btblocker_ban_sink_failed_total", "Bans the sink refused for good.", l, s.failed());
            f.counter("btblocker_ban_sink_retries_total", "Deliveries retried after a retryable failure.", l,
                    s.retries());
            f.counter("btblocker_ban_sink_restored_total", "Bans re-added because the sink had lost them.", l,
                    s.restored());
            f.counter("btblocker_ban_sink_unbans_total", "Unbans the sink carried out.", l, s.unbans());
            f.gauge("btblocker_ban_sink_queued", "Bans waiting for the sink.", null, l, s.queued());
            f.summary("btblocker_ban_sink_request_seconds", "Calls made to the sink and the time they took.", l,
                    s.requests(), s.requestNanos() / 1e9);
        }
    }

    private static void endpoints(Families f, EndpointMemory.Snapshot e) {
        String help = "Endpoints remembered, by standing.";
        f.gauge("btblocker_endpoint_memory_entries", help, null, Labels.of("standing", "proven"), e.proven());
        f.gauge("btblocker_endpoint_memory_entries", null, null, Labels.of("standing", "corroborated"),
                e.corroborated());
        f.gauge("btblocker_endpoint_memory_entries", null, null, Labels.of("standing", "claimed"), e.claimed());
        f.gauge("btblocker_endpoint_memory_capacity", "Endpoints the memory holds at most.", null, Labels.EMPTY,
                e.capacity());
        f.counter("btblocker_endpoint_proofs_total", "Endpoints proven by a matched two-way flow.", Labels.EMPTY,
                e.proofs());
        f.counter("btblocker_endpoint_claims_total", "Endpoint claims accepted (peers listed in DHT, tracker and "
                + "PEX replies).", Labels.EMPTY, e.claims());
    }

    /** Data points gathered per family name, in first-seen order, then built into snapshots. */
    private static final class Families {
        private final Map<String, Family> byName = new LinkedHashMap<>();

        private Family family(String name, String help, Unit unit, char type) {
            return byName.computeIfAbsent(name, n -> new Family(n, help, unit, type));
        }

        void counter(String name, String help, Labels labels, double value) {
            // the model takes counter names without _total; the text format adds it
            String base = name.substring(0, name.length() - "_total".length());
            Family fam = family(base, help, name.endsWith("_seconds_total") ? Unit.SECONDS : null, 'c');
            fam.counters.add(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(value).build());
        }

        void gauge(String name, String help, Unit unit, Labels labels, double value) {
            Family fam = family(name, help, unit, 'g');
            fam.gauges.add(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
        }

        void info(String name, String help, Labels labels) {
            family(name, help, null, 'i').infos.add(InfoSnapshot.InfoDataPointSnapshot.builder().labels(labels)
                    .build());
        }

        void histogram(String name, String help, Labels labels, LatencyHistogram.Snapshot h) {
            long[] counts = h.counts();
            long[] padded = new long[LATENCY_BOUNDS.length];
            System.arraycopy(counts, 0, padded, 0, Math.min(counts.length, padded.length));
            family(name, help, Unit.SECONDS, 'h').histograms.add(HistogramSnapshot.HistogramDataPointSnapshot
                    .builder().labels(labels).classicHistogramBuckets(ClassicHistogramBuckets.of(LATENCY_BOUNDS,
                            padded)).sum(h.sumNanos() / 1e9).build());
        }

        void summary(String name, String help, Labels labels, long count, double sum) {
            family(name, help, Unit.SECONDS, 's').summaries.add(SummarySnapshot.SummaryDataPointSnapshot.builder()
                    .labels(labels).count(count).sum(sum).build());
        }

        MetricSnapshots build() {
            List<MetricSnapshot> out = new ArrayList<>();
            for (Family fam : byName.values()) {
                out.add(fam.build());
            }
            return new MetricSnapshots(out);
        }
    }

    private static final class Family {
        final String name;
        final String help;
        final Unit unit;
        final char type;
        final List<CounterSnapshot.CounterDataPointSnapshot> counters = new ArrayList<>();
        final List<GaugeSnapshot.GaugeDataPointSnapshot> gauges = new ArrayList<>();
        final List<InfoSnapshot.InfoDataPointSnapshot> infos = new ArrayList<>();
        final List<HistogramSnapshot.HistogramDataPointSnapshot> histograms = new ArrayList<>();
        final List<SummarySnapshot.SummaryDataPointSnapshot> summaries = new ArrayList<>();

        Family(String name, String help, Unit unit, char type) {
            this.name = name;
            this.help = help;
            this.unit = unit;
            this.type = type;
        }

        MetricSnapshot build() {
            switch (type) {
                case 'c' -> {
                    CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
                    if (unit != null) {
                        b.unit(unit);
                    }
                    counters.forEach(b::dataPoint);
                    return b.build();
                }
                case 'g' -> {
                    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
                    if (unit != null) {
                        b.unit(unit);
                    }
                    gauges.forEach(b::dataPoint);
                    return b.build();
                }
                case 'i' -> {
                    InfoSnapshot.Builder b = InfoSnapshot.builder().name(name).help(help);
                    infos.forEach(b::dataPoint);
                    return b.build();
                }
                case 'h' -> {
                    HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(name).help(help).unit(unit);
                    histograms.forEach(b::dataPoint);
                    return b.build();
                }
                default -> {
                    SummarySnapshot.Builder b = SummarySnapshot.builder().name(name).help(help).unit(unit);
                    summaries.forEach(b::dataPoint);
                    return b.build();
                }
            }
        }
    }
}
