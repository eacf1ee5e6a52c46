package org.btblocker.app.control;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.btblocker.app.bans.BanWorker;
import org.btblocker.app.daemon.DaemonStats;
import org.btblocker.engine.EngineStats;
import org.btblocker.netfilter.nfqueue.QueueStats;

/**
 * {@code btblocker status}: the daemon's published {@link DaemonStats} as one JSON object (sent over the control
 * socket, printed by {@code status --json}), and that object as the lines {@code status} prints.
 */
public final class StatusReport {

    private StatusReport() {
    }

    /** The snapshot as JSON-ready maps and lists (what {@link #render} reads back). */
    public static Map<String, Object> json(DaemonStats d, long pid) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", d.version());
        m.put("pid", pid);
        m.put("startedAt", d.startedAt().toString());
        m.put("taken", d.taken().toString());
        List<Object> queues = new ArrayList<>();
        for (DaemonStats.Queue q : d.queues()) {
            Map<String, Object> qm = new LinkedHashMap<>();
            QueueStats s = q.queue();
            qm.put("queue", (long) q.queueNum());
            qm.put("alive", q.alive());
            qm.put("restarts", (long) q.restarts());
            qm.put("received", s.received());
            qm.put("accepted", s.accepted());
            qm.put("dropped", s.dropped());
            qm.put("overruns", s.overruns());
            qm.put("lostIds", s.gaps());
            EngineStats.Snapshot e = q.engine();
            if (e != null) {
                qm.put("flows", (long) e.activeFlows());
                qm.put("flowsBlocked", e.flowsBlocked());
                qm.put("allowedWhitelistPorts", e.allowedWhitelist());
                qm.put("allowedAllowlist", e.allowedAllowlist());
                qm.put("allowedNoDetector", e.allowedNoDetector());
                qm.put("allowedMaxPackets", e.allowedMaxPackets());
                qm.put("evicted", e.evicted());
                qm.put("detectorErrors", e.detectorErrors());
                qm.put("detections", new TreeMap<String, Object>(e.detections()));
            }
            queues.add(qm);
        }
        m.put("queues", queues);
        m.put("detectors", List.copyOf(d.detectors()));
        BanWorker.Stats b = d.bans();
        Map<String, Object> bans = new LinkedHashMap<>();
        bans.put("active", (long) b.active());
        bans.put("made", b.bans());
        bans.put("fleet", b.fleetBans());
        bans.put("operator", b.operatorChanges());
        bans.put("expired", b.expired());
        bans.put("notBanned", b.notBanned());
        bans.put("dropped", b.dropped());
        m.put("bans", bans);
        List<Object> sinks = new ArrayList<>();
        for (BanWorker.SinkStats s : b.sinks()) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("name", s.name());
            sm.put("added", s.added());
            sm.put("failed", s.failed());
            sm.put("retries", s.retries());
            sm.put("restored", s.restored());
            sm.put("queued", (long) s.queued());
            sm.put("requests", s.requests());
            sm.put("requestNanos", s.requestNanos());
            sm.put("lastError", s.lastError());
            sinks.add(sm);
        }
        m.put("sinks", sinks);
        Map<String, Object> endpoints = new LinkedHashMap<>();
        endpoints.put("proven", (long) d.endpoints().proven());
        endpoints.put("corroborated", (long) d.endpoints().corroborated());
        endpoints.put("claimed", (long) d.endpoints().claimed());
        endpoints.put("capacity", (long) d.endpoints().capacity());
        m.put("endpoints", endpoints);
        Map<String, Object> reloads = new LinkedHashMap<>();
        reloads.put("ok", d.reloadsOk());
        reloads.put("failed", d.reloadsFailed());
        reloads.put("last", d.lastReload() == null ? null : d.lastReload().toString());
        reloads.put("lastResult", d.lastReloadResult());
        m.put("reloads", reloads);
        m.put("bypassedPackets", d.bypassedPackets());
        return m;
    }

    /** The lines {@code btblocker status} prints, from {@link #json}'s object (as parsed back from the socket). */
    @SuppressWarnings("unchecked")
    public static List<String> render(Map<String, Object> s, Instant now) {
        List<String> out = new ArrayList<>();
        Instant started = Instant.parse((String) s.get("startedAt")).truncatedTo(ChronoUnit.SECONDS);
        Instant taken = Instant.parse((String) s.get("taken"));
        out.add("btblocker " + s.get("version") + ", pid " + s.get("pid") + ", up " + human(Duration.between(
                started, now)) + " (since " + started + "), numbers " + Math.max(0, Duration.between(taken, now)
                .toMillis()) / 100 / 10.0 + " s old");
        long flows = 0;
        long blocked = 0;
        long allowed = 0;
        Map<String, Long> detections = new TreeMap<>();
        for (Object o : (List<Object>) s.get("queues")) {
            Map<String, Object> q = (Map<String, Object>) o;
            out.add(String.format("queue %-4s %s, %d restarts: %d packets (%d accepted, %d dropped), %d overruns, "
                    + "%d lost ids", q.get("queue"), Boolean.TRUE.equals(q.get("alive")) ? "up" : "DOWN",
                    n(q, "restarts"), n(q, "received"), n(q, "accepted"), n(q, "dropped"), n(q, "overruns"),
                    n(q, "lostIds")));
            flows += n(q, "flows");
            blocked += n(q, "flowsBlocked");
            allowed += n(q, "allowedWhitelistPorts") + n(q, "allowedAllowlist") + n(q, "allowedNoDetector")
                    + n(q, "allowedMaxPackets");
            if (q.get("detections") instanceof Map<?, ?> dm) {
                dm.forEach((k, v) -> detections.merge((String) k, (Long) v, Long::sum));
            }
        }
        long evicted = sum(s, "evicted");
        out.add("flows      " + flows + " in the table; " + blocked + " blocked, " + allowed
                + " allowed (whitelistPorts " + sum(s, "allowedWhitelistPorts") + ", allowlist " + sum(s, "allowedAllowlist") + ", no detector "
                + sum(s, "allowedNoDetector") + ", maxPacketsPerFlow " + sum(s, "allowedMaxPackets") + "); "
                + evicted + " evicted");
        StringBuilder det = new StringBuilder();
        for (Object name : (List<Object>) s.get("detectors")) {
            det.append(det.length() == 0 ? "" : ", ").append(name).append(' ')
                    .append(detections.getOrDefault((String) name, 0L));
        }
        detections.keySet().stream().filter(k -> !((List<Object>) s.get("detectors")).contains(k))
                .forEach(k -> det.append(", ").append(k).append(" (disabled) ").append(detections.get(k)));
        out.add("detectors  " + det + " (flows blocked by each)");
        Map<String, Object> b = (Map<String, Object>) s.get("bans");
        out.add("bans       " + n(b, "active") + " active; " + n(b, "made") + " made for detections, " + n(b, "fleet")
                + " from a fleet, " + n(b, "operator") + " changes by hand, " + n(b, "expired") + " expired; "
                + n(b, "notBanned") + " detections banned nobody (anti-spoofing, allowlist), " + n(b, "dropped")
                + " dropped (ban queue full)");
        for (Object o : (List<Object>) s.get("sinks")) {
            Map<String, Object> k = (Map<String, Object>) o;
            long requests = n(k, "requests");
            String avg = requests == 0 ? "-" : String.format("%.2f ms", n(k, "requestNanos") / 1e6 / requests);
            Object err = k.get("lastError");
            out.add(String.format("sink %-6s %s: %d added, %d failed, %d retries, %d restored, %d queued, %d calls "
                    + "(avg %s)", k.get("name"), err instanceof String e ? "FAILING (" + e + ")" : "ok",
                    n(k, "added"), n(k, "failed"), n(k, "retries"), n(k, "restored"), n(k, "queued"), requests,
                    avg));
        }
        Map<String, Object> e = (Map<String, Object>) s.get("endpoints");
        out.add("endpoints  " + n(e, "proven") + " proven, " + n(e, "corroborated") + " corroborated, "
                + n(e, "claimed") + " claimed (room for " + n(e, "capacity") + ")");
        Map<String, Object> r = (Map<String, Object>) s.get("reloads");
        out.add("reloads    " + n(r, "ok") + " ok, " + n(r, "failed") + " refused; last: " + (r.get("last")
                instanceof String last ? last + " " + r.get("lastResult") : "none since the start"));
        long bypassed = n(s, "bypassedPackets");
        if (bypassed > 0) {
            out.add("WARNING    " + bypassed + " packets bypassed the queue (full): consider btblocker.queue.count");
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static long sum(Map<String, Object> s, String key) {
        long total = 0;
        for (Object o : (List<Object>) s.get("queues")) {
            total += n((Map<String, Object>) o, key);
        }
        return total;
    }

    private static long n(Map<String, Object> m, String key) {
        return m.get(key) instanceof Long v ? v : 0;
    }

    /** "2d 3h", "3h 12m", "12m 5s", "5s". */
    static String human(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s >= 86400) {
            return s / 86400 + "d " + s % 86400 / 3600 + "h";
        }
        if (s >= 3600) {
            return s / 3600 + "h " + s % 3600 / 60 + "m";
        }
        if (s >= 60) {
            return s / 60 + "m " + s % 60 + "s";
        }
        return s + "s";
    }
}
