package org.btblocker.crowdsec;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.btblocker.api.ban.BanDurations;
import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanFeed;
import org.btblocker.api.ban.BanRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pull: follows the Local API's decision stream as a bouncer and hands the fleet's bans to the daemon through its
 * {@link BanFeed}. {@link #pollOnce()} is one step (tests drive it with their clock); {@link #start()} runs it on a
 * thread of its own every {@code pollInterval}, waiting longer after errors.
 *
 * <p>What it applies: decisions of type {@code ban}, scope {@code Ip}, whose origin is in {@code pullOrigins} (all
 * when empty), each as a {@link BanRequest.Origin#FLEET} ban for the time the decision has left (the sinks never
 * push a fleet ban back). A decision deleted before its expiry (by {@code cscli decisions delete} or another
 * gateway's unban) lifts the ban, unless another active decision still bans the address; one that merely expired
 * needs nothing, as the local ban expires at the same time. A ban the daemon's full queue refused is kept and
 * offered again before the next poll.
 *
 * <p>The first poll, the first after an error, and one every {@link #FULL_RESYNC} ask for the whole list
 * ({@code startup=true}) and reconcile: a poll whose answer was lost would otherwise lose its changes, since the
 * LAPI counts them as delivered, and some changes the incremental stream never reports (see FULL_RESYNC). Logs one
 * line per change of state (failing, answering again, daemon queue full), never one per poll.
 */
final class DecisionPuller implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DecisionPuller.class);

    /** Longest wait between polls after repeated errors. */
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    /**
     * A decision reported deleted this long before its expiry was deleted, not expired (the stream reports both
     * the same way; clocks and polling make an expiry look a little early).
     */
    static final Duration EXPIRY_TOLERANCE = Duration.ofSeconds(5);
    /**
     * How often the whole list is asked for again. LAPI 1.4.6's stream sends one decision per address (the longest)
     * and reports neither the deletion of that one nor the shorter one that then applies, so only a full list
     * shows that change.
     */
    static final Duration FULL_RESYNC = Duration.ofMinutes(10);
    static final String DETECTOR = "crowdsec";

    private final CrowdsecSettings settings;
    private final LapiClient client;
    private final BanFeed feed;
    private final Clock clock;
    private final Object wakeUp = new Object();

    /** Decisions applied: id -> address and expiry. */
    private final Map<Long, Tracked> tracked = new HashMap<>();
    /** The ids applied per address (several decisions may ban one address). */
    private final Map<InetAddress, Set<Long>> byAddress = new HashMap<>();
    /** What the daemon's full queue refused, latest per address. */
    private final Map<InetAddress, Pending> pending = new LinkedHashMap<>();

    private String apiKey;
    private boolean synced;
    private Instant lastFullSync = Instant.MIN;
    private int failures;
    private String failingWith;
    private boolean feedFull;
    private long bansFed;
    private long unbansFed;
    private long skipped;
    private long polls;

    private volatile boolean closed;
    private Thread thread;

    private record Tracked(InetAddress address, Instant expiresAt, String origin, String scenario) {
    }

    /** A refused hand-over: a ban until {@code expiresAt}, or an unban when {@code expiresAt} is null. */
    private record Pending(long id, Instant expiresAt, String reason) {
    }

    DecisionPuller(CrowdsecSettings settings, LapiClient client, BanFeed feed, Clock clock) {
        this.settings = settings;
        this.client = client;
        this.feed = feed;
        this.clock = clock;
    }

    /** Starts the polling thread ({@code btblocker-crowdsec-pull}). */
    void start() {
        thread = new Thread(this::run, "btblocker-crowdsec-pull");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (!closed) {
            Duration delay;
            try {
                delay = pollOnce();
            } catch (RuntimeException e) {
                // a bug here or in the daemon's feed must not end pull for good: say so, wait, go on
                log.error("crowdsec: decision stream poll failed unexpectedly; trying again in {} s",
                        MAX_BACKOFF.toSeconds(), e);
                synced = false;
                delay = MAX_BACKOFF;
            }
            synchronized (wakeUp) {
                long until = System.nanoTime() + delay.toNanos();
                long left;
                while (!closed && (left = until - System.nanoTime()) > 0) {
                    try {
                        wakeUp.wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    /**
     * One poll: offers what the daemon refused before, asks the stream, applies the answer.
     *
     * @return how long to wait before the next poll ({@code pollInterval}, longer after errors)
     */
    Duration pollOnce() {
        Instant now = clock.instant();
        retryPending(now);
        boolean startup = !synced || !now.isBefore(lastFullSync.plus(FULL_RESYNC));
        DecisionStream stream;
        try {
            stream = fetch(startup);
        } catch (BanException e) {
            failed(e);
            return backoff();
        }
        polls++;
        now = clock.instant();
        if (failures > 0) {
            log.info("crowdsec: decision stream answering again after {} failed poll{}", failures,
                    failures == 1 ? "" : "s");
        }
        failures = 0;
        failingWith = null;
        int before = tracked.size();
        apply(stream, startup, now);
        if (startup && !synced) {
            log.info("crowdsec: following the decision stream of {} ({}): {} fleet ban{} active", settings.url(),
                    settings.pullOrigins().isEmpty() ? "all origins" : "origins " + settings.pullOrigins(),
                    tracked.size(), tracked.size() == 1 ? "" : "s");
        } else if (log.isDebugEnabled()) {
            log.debug("crowdsec: stream poll: {} new, {} deleted, tracking {} (was {})", stream.added().size(),
                    stream.deleted().size(), tracked.size(), before);
        }
        if (stream.malformed() > 0) {
            log.debug("crowdsec: {} malformed decisions skipped", stream.malformed());
        }
        synced = true;
        if (startup) {
            lastFullSync = now;
        }
        return settings.pollInterval();
    }

    private DecisionStream fetch(boolean startup) throws BanException {
        String key = apiKey();
        StringBuilder query = new StringBuilder("/v1/decisions/stream?startup=").append(startup);
        if (!settings.pullOrigins().isEmpty()) {
            query.append("&origins=").append(URLEncoder.encode(String.join(",", settings.pullOrigins()),
                    StandardCharsets.UTF_8));
        }
        String what = "decision stream";
        LapiResponse r = client.send("GET", query.toString(), null, LapiClient.Credential.apiKey(key), what);
        BanException failure = LapiClient.failure(what, r,
                "check btblocker.crowdsec.bouncerKeyFile / cscli bouncers list");
        if (failure != null) {
            apiKey = null; // read the file again: the operator may have put a new key in it
            throw failure;
        }
        try {
            return DecisionStream.parse(r.body());
        } catch (JsonException e) {
            throw new BanException("crowdsec: decision stream: unexpected answer (" + e.getMessage() + ")", e, true);
        }
    }

    private String apiKey() throws BanException {
        if (apiKey == null) {
            String text;
            try {
                text = Files.readString(settings.bouncerKeyFile(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new BanException("crowdsec: cannot read btblocker.crowdsec.bouncerKeyFile "
                        + settings.bouncerKeyFile() + " (" + e.getClass().getSimpleName() + ")", e, false);
            }
            String key = text.strip();
            if (key.isEmpty() || key.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
                throw new BanException("crowdsec: btblocker.crowdsec.bouncerKeyFile " + settings.bouncerKeyFile()
                        + " holds no API key: put the key `cscli bouncers add NAME` printed in it", null, false);
            }
            apiKey = key;
        }
        return apiKey;
    }

    private void apply(DecisionStream stream, boolean startup, Instant now) {
        // additions first: an address whose decision is replaced in one answer is never unbanned in between
        for (DecisionStream.Decision d : stream.added()) {
            added(d, now);
        }
        if (startup) {
            // the answer lists every active decision: what we track and it lacks was deleted meanwhile
            Set<Long> active = new HashSet<>();
            for (DecisionStream.Decision d : stream.added()) {
                active.add(d.id());
            }
            for (Long id : Set.copyOf(tracked.keySet())) {
                if (!active.contains(id)) {
                    removed(id, now, now);
                }
            }
        }
        for (DecisionStream.Decision d : stream.deleted()) {
            removed(d.id(), now.plus(d.remaining()), now);
        }
        sweepExpired(now);
    }

    private void added(DecisionStream.Decision d, Instant now) {
        InetAddress address = applicable(d);
        if (address == null) {
            skipped++;
            return;
        }
        if (tracked.containsKey(d.id()) || d.remaining().compareTo(Duration.ofSeconds(1)) < 0) {
            return;
        }
        Tracked t = new Tracked(address, now.plus(d.remaining()), d.origin(), d.scenario());
        Set<Long> ids = byAddress.computeIfAbsent(address, a -> new HashSet<>());
        // the local ban already lasts as long as the address's longest decision: only a longer one changes it
        boolean longer = ids.stream().allMatch(id -> t.expiresAt().isAfter(tracked.get(id).expiresAt()));
        tracked.put(d.id(), t);
        ids.add(d.id());
        if (longer) {
            banLongest(address, now);
        }
    }

    /** The address of a decision pull applies, or null (another type, scope or origin, or not an IP). */
    private InetAddress applicable(DecisionStream.Decision d) {
        if (!d.type().equals("ban") || !d.scope().equalsIgnoreCase(AlertBody.SCOPE_IP)) {
            return null;
        }
        if (!settings.pullOrigins().isEmpty() && !settings.pullOrigins().contains(d.origin())) {
            return null;
        }
        return IpLiteral.parse(d.value());
    }

    /**
     * Decision {@code id} is gone: deleted or expired at {@code endedAt}. Only an early end lifts the ban (or
     * shortens it to what the address's other decisions have left).
     */
    private void removed(long id, Instant endedAt, Instant now) {
        Tracked t = tracked.remove(id);
        if (t == null) {
            return; // never applied, or reported twice
        }
        Set<Long> ids = byAddress.get(t.address());
        ids.remove(id);
        if (ids.isEmpty()) {
            byAddress.remove(t.address());
        }
        if (!endedAt.isBefore(t.expiresAt().minus(EXPIRY_TOLERANCE))) {
            return; // expired: the local ban expires with it
        }
        if (byAddress.containsKey(t.address())) {
            banLongest(t.address(), now);
        } else {
            unban(t.address(), id, now);
        }
    }

    /** Bans {@code address} for the longest time any of its decisions has left. */
    private void banLongest(InetAddress address, Instant now) {
        long bestId = -1;
        Tracked best = null;
        for (long id : byAddress.get(address)) {
            Tracked t = tracked.get(id);
            if (best == null || t.expiresAt().isAfter(best.expiresAt())) {
                best = t;
                bestId = id;
            }
        }
        String reason = "crowdsec decision " + bestId + " (origin " + best.origin() + ", " + best.scenario() + ")";
        offer(address, new Pending(bestId, best.expiresAt(), reason), now);
    }

    private void unban(InetAddress address, long id, Instant now) {
        offer(address, new Pending(id, null, "crowdsec decision " + id + " deleted"), now);
    }

    /** Hands one ban or unban to the daemon; keeps it for the next poll when the daemon's queue is full. */
    private boolean offer(InetAddress address, Pending p, Instant now) {
        boolean accepted;
        if (p.expiresAt() == null) {
            accepted = feed.unban(address, p.reason());
            if (accepted) {
                unbansFed++;
            }
        } else {
            Duration left = Duration.between(now, p.expiresAt());
            long seconds = Math.min(BanDurations.MAX_SECONDS, (left.toMillis() + 999) / 1000);
            if (seconds <= 0) {
                pending.remove(address);
                return true;
            }
            accepted = feed.ban(new BanRequest(address, Duration.ofSeconds(seconds), DETECTOR, p.reason(),
                    BanRequest.Origin.FLEET));
            if (accepted) {
                bansFed++;
            }
        }
        if (accepted) {
            pending.remove(address);
        } else {
            pending.put(address, p);
            if (!feedFull) {
                feedFull = true;
                log.warn("crowdsec: the daemon's ban queue is full; fleet decisions are kept and offered again at "
                        + "the next poll");
            }
        }
        return accepted;
    }

    private void retryPending(Instant now) {
        for (Map.Entry<InetAddress, Pending> e : new LinkedHashMap<>(pending).entrySet()) {
            if (!offer(e.getKey(), e.getValue(), now)) {
                return; // still full: keep the rest in order
            }
        }
        if (feedFull && pending.isEmpty()) {
            feedFull = false;
            log.info("crowdsec: the daemon took the fleet decisions it had refused");
        }
    }

    /** Forgets decisions past their expiry whose deletion the stream never reported. */
    private void sweepExpired(Instant now) {
        Instant limit = now.minus(EXPIRY_TOLERANCE);
        for (Long id : Set.copyOf(tracked.keySet())) {
            Tracked t = tracked.get(id);
            if (t.expiresAt().isBefore(limit)) {
                removed(id, t.expiresAt(), now);
            }
        }
    }

    private void failed(BanException e) {
        failures++;
        synced = false;
        if (!e.getMessage().equals(failingWith)) {
            failingWith = e.getMessage();
            if (e.isRetryable()) {
                log.warn("{}; polling again with backoff (fleet bans already applied stay in place)", e.getMessage());
            } else {
                log.error("{}; polling again every {} s until it is fixed", e.getMessage(), MAX_BACKOFF.toSeconds());
            }
        }
    }

    /** pollInterval doubled per consecutive failure, at most {@link #MAX_BACKOFF}. */
    Duration backoff() {
        return backoff(settings.pollInterval(), failures);
    }

    static Duration backoff(Duration interval, int failures) {
        if (failures <= 0) {
            return interval;
        }
        Duration d = interval;
        for (int i = 0; i < failures && d.compareTo(MAX_BACKOFF) < 0; i++) {
            d = d.multipliedBy(2);
        }
        Duration cap = interval.compareTo(MAX_BACKOFF) > 0 ? interval : MAX_BACKOFF;
        return d.compareTo(cap) > 0 ? cap : d;
    }

    /** Bans handed to the daemon. */
    long bansFed() {
        return bansFed;
    }

    /** Unbans handed to the daemon. */
    long unbansFed() {
        return unbansFed;
    }

    /** Decisions of another type, scope or origin. */
    long skipped() {
        return skipped;
    }

    /** Decisions applied now. */
    int tracking() {
        return tracked.size();
    }

    /** Hand-overs waiting for room in the daemon's queue. */
    int pendingCount() {
        return pending.size();
    }

    /** Polls answered. */
    long polls() {
        return polls;
    }

    /** Consecutive failed polls. */
    int failures() {
        return failures;
    }

    /** Stops the thread (within the request timeout: an HTTP request in flight is interrupted). */
    @Override
    public void close() {
        closed = true;
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
            try {
                t.join(settings.requestTimeout().toMillis() + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
