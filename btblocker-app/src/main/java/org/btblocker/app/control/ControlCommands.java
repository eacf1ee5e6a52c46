package org.btblocker.app.control;

import java.net.InetAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.btblocker.app.bans.BanJournal;
import org.btblocker.app.bans.BanWorker;
import org.btblocker.app.daemon.DaemonStats;
import org.btblocker.app.json.Json;

/**
 * What the control socket answers, on a control thread:
 * <ul>
 *   <li>{@code {"cmd":"status"}}: {@code {"ok":true,"status":{...}}} from the published stats snapshot;</li>
 *   <li>{@code {"cmd":"bans.list"}}: one line per active ban, then {@code {"ok":true,"count":N}};</li>
 *   <li>{@code {"cmd":"bans.add","addr":"10.0.0.2","seconds":3600}} (seconds optional: banDuration), or with
 *   {@code "bans":[{"addr":..,"seconds":..},...]} many at once (import);</li>
 *   <li>{@code {"cmd":"bans.del","addr":"10.0.0.2"}}: {@code {"ok":true,"removed":true|false}}.</li>
 * </ul>
 * Ban commands go through the ban worker's queue (the one owner of the ban list) and wait for it at most 10 s.
 */
public final class ControlCommands implements ControlServer.Handler {

    /** Most bans one {@code bans.add} request may carry (the CLI sends an import in parts of this size). */
    public static final int MAX_BANS_PER_REQUEST = 2000;

    private final Supplier<DaemonStats> stats;
    private final BanWorker bans;
    private final InstantSource clock;

    /** Answers from {@code stats} (the daemon's published snapshot) and through {@code bans}. */
    public ControlCommands(Supplier<DaemonStats> stats, BanWorker bans, InstantSource clock) {
        this.stats = stats;
        this.bans = bans;
        this.clock = clock;
    }

    @Override
    public List<String> handle(Map<String, Object> request) {
        Object cmd = request.get("cmd");
        if (!(cmd instanceof String c)) {
            return List.of(ControlServer.error("the request has no \"cmd\""));
        }
        switch (c) {
            case "status" -> {
                DaemonStats d = stats.get();
                if (d == null) {
                    return List.of(ControlServer.error("the daemon is still starting; try again in a second"));
                }
                return List.of(Json.object("ok", true, "status", StatusReport.json(d, ProcessHandle.current()
                        .pid())));
            }
            case "bans.list" -> {
                List<BanJournal.Entry> entries = await(bans.list());
                var now = clock.instant();
                List<String> out = new ArrayList<>(entries.size() + 1);
                for (BanJournal.Entry e : entries) {
                    out.add(Json.value(new StringBuilder(), BanLine.of(e, now).toJson()).toString());
                }
                out.add(Json.object("ok", true, "count", (long) entries.size()));
                return out;
            }
            case "bans.add" -> {
                return add(request);
            }
            case "bans.del" -> {
                InetAddress a = address(request.get("addr"));
                boolean removed = await(bans.remove(a));
                return List.of(Json.object("ok", true, "removed", removed));
            }
            default -> {
                return List.of(ControlServer.error("unknown command \"" + c + "\" (status, bans.list, bans.add, "
                        + "bans.del)"));
            }
        }
    }

    private List<String> add(Map<String, Object> request) {
        String reason = request.get("reason") instanceof String r ? r : "added by hand";
        if (request.get("bans") instanceof List<?> list) {
            if (list.size() > MAX_BANS_PER_REQUEST) {
                throw new IllegalArgumentException("at most " + MAX_BANS_PER_REQUEST + " bans per request");
            }
            List<InetAddress> addresses = new ArrayList<>();
            List<Duration> durations = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof Map<?, ?> m)) {
                    throw new IllegalArgumentException("\"bans\" holds something that is not an object");
                }
                addresses.add(address(m.get("addr")));
                durations.add(duration(m.get("seconds")));
            }
            String detector = request.get("detector") instanceof String d ? d : "import";
            int n = await(bans.addAll(addresses, durations, detector, reason));
            return List.of(Json.object("ok", true, "added", (long) n, "skipped", (long) (addresses.size() - n)));
        }
        InetAddress a = address(request.get("addr"));
        BanJournal.Entry e = await(bans.add(a, duration(request.get("seconds")), reason));
        return List.of(Json.object("ok", true, "ban", BanLine.of(e, clock.instant()).toJson()));
    }

    private static InetAddress address(Object value) {
        InetAddress a = value instanceof String s ? BanJournal.parseAddress(s) : null;
        if (a == null) {
            throw new IllegalArgumentException("\"" + value + "\" is not an IP address");
        }
        return a;
    }

    private static Duration duration(Object seconds) {
        if (seconds == null || seconds == Json.NULL) {
            return null;
        }
        if (!(seconds instanceof Long s) || s < 1 || s > 10L * 365 * 86400) {
            throw new IllegalArgumentException("\"seconds\" must be a whole number from 1 to 315360000, got "
                    + seconds);
        }
        return Duration.ofSeconds(s);
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof RuntimeException r ? r : new IllegalStateException(c);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the ban worker did not answer within 10 s; try again");
        }
    }
}
