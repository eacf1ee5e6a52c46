package org.btblocker.crowdsec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.btblocker.api.ban.BanRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ch.qos.logback.classic.Level;

/**
 * Pull, one {@link DecisionPuller#pollOnce()} at a time against a scripted stream and a hand-moved clock: what is
 * fed to the daemon, deletion versus expiry, several decisions for one address, a full daemon queue, errors with
 * backoff and the resync after them, and one log line per change of state.
 */
class DecisionPullerTest {

    private static final Instant T0 = Instant.parse("2026-12-02T06:00:00Z");
    private static final String STREAM = "GET /v1/decisions/stream";

    @TempDir
    Path dir;
    private FakeLapi lapi;
    private MutableClock clock;
    private RecordingFeed feed;
    private Path keyFile;

    @BeforeEach
    void start() throws Exception {
        lapi = new FakeLapi();
        clock = new MutableClock(T0);
        feed = new RecordingFeed();
        keyFile = dir.resolve("bouncer.key");
        Files.writeString(keyFile, "key-one\n");
    }

    @AfterEach
    void stop() {
        lapi.close();
    }

    private DecisionPuller puller(Map<String, Object> overrides) throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "unused");
        Map<String, Object> s = new HashMap<>(Map.of("url", lapi.url(), "machineId", "gw1", "passwordFile",
                pw.toString(), "pull", true, "bouncerKeyFile", keyFile.toString()));
        s.putAll(overrides);
        CrowdsecSettings settings = SinkConfigs.settings(s);
        return new DecisionPuller(settings, new LapiClient(settings, LapiClient.httpClient(settings)), feed, clock);
    }

    private static String decision(long id, String value, String duration) {
        return decision(id, value, duration, "btblocker", "ban", "Ip");
    }

    private static String decision(long id, String value, String duration, String origin, String type,
            String scope) {
        return "{\"duration\":\"" + duration + "\",\"id\":" + id + ",\"origin\":\"" + origin + "\",\"scenario\":"
                + "\"btblocker/bittorrent\",\"scope\":\"" + scope + "\",\"type\":\"" + type + "\",\"value\":\""
                + value + "\"}";
    }

    private static String stream(String deleted, String added) {
        return "{\"deleted\":" + (deleted == null ? "null" : "[" + deleted + "]") + ",\"new\":"
                + (added == null ? "null" : "[" + added + "]") + "}";
    }

    @Test
    void startupThenChangesFeedTheFleetsIpBansOnly() throws Exception {
        lapi.next(STREAM, 200, stream(null, String.join(",",
                decision(1, "192.0.2.1", "4h59m30.720373345s"),
                decision(2, "2001:db8::6", "59.3s"),
                decision(3, "192.0.2.3", "1h", "btblocker", "captcha", "Ip"),
                decision(4, "192.0.2.0/24", "1h", "btblocker", "ban", "Range"),
                decision(5, "192.0.2.5", "1h", "cscli", "ban", "Ip"),
                decision(6, "not-an-ip.example", "1h"))));
        lapi.next(STREAM, 200, stream(null, decision(7, "192.0.2.7", "10m")));
        lapi.always(STREAM, 200, stream(null, null));
        DecisionPuller p = puller(Map.of());
        assertThat(p.pollOnce()).isEqualTo(Duration.ofSeconds(10));
        assertThat(feed.bans()).extracting(e -> e.address().getHostAddress() + " " + e.request().duration()
                .toSeconds() + " " + e.request().origin() + " " + e.request().detector()).containsExactly(
                "192.0.2.1 17971 FLEET crowdsec", "2001:db8:0:0:0:0:0:6 60 FLEET crowdsec");
        assertThat(feed.bans().get(0).request().reason()).isEqualTo("crowdsec decision 1 (origin btblocker, "
                + "btblocker/bittorrent)");
        assertThat(p.skipped()).isEqualTo(4);
        p.pollOnce();
        assertThat(feed.bans()).hasSize(3);
        assertThat(lapi.requests(STREAM)).extracting(FakeLapi.Request::pathAndQuery).containsExactly(
                "/v1/decisions/stream?startup=true&origins=btblocker",
                "/v1/decisions/stream?startup=false&origins=btblocker");
        assertThat(lapi.requests(STREAM)).allMatch(r -> "key-one".equals(r.header("X-Api-Key")));
    }

    @Test
    void allOriginsAsksForEveryOrigin() throws Exception {
        lapi.always(STREAM, 200, stream(null, decision(5, "192.0.2.5", "1h", "cscli", "ban", "Ip")));
        DecisionPuller p = puller(Map.of("pullOrigins", java.util.List.of()));
        p.pollOnce();
        assertThat(lapi.requests(STREAM).get(0).pathAndQuery()).isEqualTo("/v1/decisions/stream?startup=true");
        assertThat(feed.bans()).singleElement().matches(e -> e.request().reason().contains("origin cscli"));
    }

    @Test
    void aDeletionLiftsTheBanAnExpiryDoesNot() throws Exception {
        lapi.next(STREAM, 200, stream(null, decision(1, "192.0.2.1", "1h") + "," + decision(2, "192.0.2.2", "60s")));
        DecisionPuller p = puller(Map.of());
        p.pollOnce();
        clock.advance(Duration.ofSeconds(70));
        // 2 expired 10 s ago; 1 was deleted (cscli decisions delete) a second ago, 59 minutes early
        lapi.next(STREAM, 200, stream(decision(2, "192.0.2.2", "-10s") + "," + decision(1, "192.0.2.1", "-1s"),
                null));
        p.pollOnce();
        assertThat(feed.unbans()).singleElement().satisfies(e -> {
            assertThat(e.address().getHostAddress()).isEqualTo("192.0.2.1");
            assertThat(e.why()).isEqualTo("crowdsec decision 1 deleted");
        });
        // LAPI 1.4.6 may report a deletion twice: nothing more happens
        lapi.next(STREAM, 200, stream(decision(1, "192.0.2.1", "-11s"), null));
        p.pollOnce();
        assertThat(feed.unbans()).hasSize(1);
        assertThat(p.tracking()).isZero();
    }

    @Test
    void anAddressStaysBannedWhileAnyOfItsDecisionsIs() throws Exception {
        lapi.next(STREAM, 200, stream(null, decision(1, "192.0.2.1", "1h") + "," + decision(2, "192.0.2.1", "4h")));
        DecisionPuller p = puller(Map.of());
        p.pollOnce();
        assertThat(feed.bans()).extracting(e -> e.request().duration().toSeconds()).containsExactly(3600L, 14400L);
        lapi.next(STREAM, 200, stream(decision(2, "192.0.2.1", "-1s"), null));
        p.pollOnce();
        assertThat(feed.unbans()).isEmpty();
        assertThat(feed.bans()).last().matches(e -> e.request().duration().toSeconds() == 3600,
                "banned for what decision 1 has left");
        lapi.next(STREAM, 200, stream(decision(1, "192.0.2.1", "-1s"), null));
        p.pollOnce();
        assertThat(feed.unbans()).hasSize(1);
    }

    @Test
    void aFullListEveryTenMinutesShowsWhatTheIncrementalStreamHides() throws Exception {
        // LAPI 1.4.6 streams one decision per address, the longest; deleting it while a shorter one remains is
        // reported neither as deleted nor as new, only the next full list has the shorter one
        lapi.next(STREAM, 200, stream(null, decision(1111, "192.0.2.78", "20m")));
        lapi.always(STREAM, 200, stream(null, null));
        DecisionPuller p = puller(Map.of());
        p.pollOnce();
        clock.advance(Duration.ofMinutes(5));
        p.pollOnce();
        clock.advance(Duration.ofMinutes(5));
        lapi.next(STREAM, 200, stream(null, decision(1110, "192.0.2.78", "5m")));
        p.pollOnce();
        assertThat(lapi.requests(STREAM)).extracting(r -> r.pathAndQuery().contains("startup=true"))
                .containsExactly(true, false, true);
        assertThat(feed.unbans()).as("never unbanned in between").isEmpty();
        assertThat(feed.bans()).extracting(e -> e.request().duration().toSeconds() + " " + e.request().reason())
                .containsExactly("1200 crowdsec decision 1111 (origin btblocker, btblocker/bittorrent)",
                        "300 crowdsec decision 1110 (origin btblocker, btblocker/bittorrent)");
        assertThat(p.tracking()).isEqualTo(1);
    }

    @Test
    void whatAFullDaemonQueueRefusedIsOfferedAgain() throws Exception {
        lapi.next(STREAM, 200, stream(null, decision(1, "192.0.2.1", "1h") + "," + decision(2, "192.0.2.2", "1h")));
        lapi.always(STREAM, 200, stream(null, null));
        DecisionPuller p = puller(Map.of());
        try (LogCapture logs = new LogCapture()) {
            feed.setFull(true);
            p.pollOnce();
            clock.advance(Duration.ofSeconds(10));
            p.pollOnce();
            assertThat(feed.events()).isEmpty();
            assertThat(p.pendingCount()).isEqualTo(2);
            feed.setFull(false);
            clock.advance(Duration.ofSeconds(10));
            p.pollOnce();
            assertThat(feed.bans()).extracting(e -> e.address().getHostAddress() + " " + e.request().duration()
                    .toSeconds()).containsExactly("192.0.2.1 3580", "192.0.2.2 3580");
            assertThat(p.pendingCount()).isZero();
            assertThat(logs.lines(Level.WARN)).containsExactly("crowdsec: the daemon's ban queue is full; fleet "
                    + "decisions are kept and offered again at the next poll");
            assertThat(logs.lines(Level.INFO)).contains("crowdsec: the daemon took the fleet decisions it had "
                    + "refused");
        }
    }

    @Test
    void errorsBackOffLogOnceAndTheNextAnswerResyncs() throws Exception {
        lapi.next(STREAM, 200, stream(null, decision(1, "192.0.2.1", "1h") + "," + decision(2, "192.0.2.2", "1h")));
        DecisionPuller p = puller(Map.of());
        try (LogCapture logs = new LogCapture()) {
            p.pollOnce();
            lapi.always(STREAM, 503, "");
            assertThat(p.pollOnce()).isEqualTo(Duration.ofSeconds(20));
            assertThat(p.pollOnce()).isEqualTo(Duration.ofSeconds(40));
            assertThat(p.pollOnce()).isEqualTo(Duration.ofSeconds(80));
            clock.advance(Duration.ofMinutes(2));
            // meanwhile decision 2 was deleted and 3 added; the poll after the errors asks for the whole list
            lapi.always(STREAM, 200, stream(null, decision(1, "192.0.2.1", "58m") + "," + decision(3, "192.0.2.3",
                    "2h")));
            assertThat(p.pollOnce()).isEqualTo(Duration.ofSeconds(10));
            assertThat(lapi.requests(STREAM)).last().matches(r -> r.pathAndQuery().contains("startup=true"));
            assertThat(feed.unbans()).extracting(e -> e.address().getHostAddress()).containsExactly("192.0.2.2");
            assertThat(feed.bans()).extracting(e -> e.address().getHostAddress())
                    .containsExactly("192.0.2.1", "192.0.2.2", "192.0.2.3");
            assertThat(logs.lines(Level.WARN)).containsExactly("crowdsec: decision stream refused (503): the Local "
                    + "API is overloaded or failing; retrying; polling again with backoff (fleet bans already applied "
                    + "stay in place)");
            assertThat(logs.lines(Level.INFO)).contains("crowdsec: decision stream answering again after 3 failed "
                    + "polls");
        }
    }

    @Test
    void aRefusedKeyIsLoggedOnceAndTheKeyFileIsReadAgain() throws Exception {
        lapi.next(STREAM, 403, "{\"message\":\"access forbidden\"}").next(STREAM, 403,
                "{\"message\":\"access forbidden\"}");
        lapi.always(STREAM, 200, stream(null, null));
        DecisionPuller p = puller(Map.of());
        try (LogCapture logs = new LogCapture()) {
            p.pollOnce();
            p.pollOnce();
            Files.writeString(keyFile, "key-two");
            p.pollOnce();
            assertThat(logs.lines(Level.ERROR)).containsExactly("crowdsec: decision stream refused (403 access "
                    + "forbidden): check btblocker.crowdsec.bouncerKeyFile / cscli bouncers list; polling again "
                    + "every 300 s until it is fixed");
        }
        assertThat(lapi.requests(STREAM)).extracting(r -> r.header("X-Api-Key"))
                .containsExactly("key-one", "key-one", "key-two");
        assertThat(p.failures()).isZero();
    }

    @Test
    void malformedAnswersAndDecisionsAreSkipped() throws Exception {
        lapi.next(STREAM, 200, "{\"deleted\":null,\"new\":[{\"id\":1}," + decision(2, "192.0.2.2", "1h") + ","
                + decision(3, "192.0.2.3", "soon") + "]}");
        lapi.next(STREAM, 200, "<html>");
        DecisionPuller p = puller(Map.of());
        p.pollOnce();
        assertThat(feed.bans()).extracting(e -> e.address().getHostAddress()).containsExactly("192.0.2.2");
        assertThat(p.pollOnce()).as("an unreadable answer is an error").isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void backoffDoublesUpToFiveMinutes() {
        Duration ten = Duration.ofSeconds(10);
        assertThat(DecisionPuller.backoff(ten, 0)).isEqualTo(ten);
        assertThat(DecisionPuller.backoff(ten, 1)).isEqualTo(Duration.ofSeconds(20));
        assertThat(DecisionPuller.backoff(ten, 5)).isEqualTo(Duration.ofSeconds(300));
        assertThat(DecisionPuller.backoff(ten, 60)).isEqualTo(Duration.ofMinutes(5));
        assertThat(DecisionPuller.backoff(Duration.ofMinutes(30), 3)).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void openStartsPullAndCloseStopsIt() throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "pw");
        lapi.always("POST /v1/watchers/login", 200, "{\"code\":200,\"expire\":\"2099-01-01T00:00:00Z\",\"token\":"
                + "\"t\"}");
        lapi.always(STREAM, 200, stream(null, decision(1, "192.0.2.1", "1h")));
        Map<String, Object> s = Map.of("url", lapi.url(), "machineId", "gw1", "passwordFile", pw.toString(), "pull",
                true, "bouncerKeyFile", keyFile.toString(), "pollInterval", "1h");
        try (var sink = SinkConfigs.setup(s, feed, java.time.Clock.systemUTC()).open()) {
            feed.await(e -> e.isBan() && e.request().origin() == BanRequest.Origin.FLEET, Duration.ofSeconds(20));
        }
        Thread pull = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("btblocker-crowdsec-pull") && t.isAlive()).findFirst().orElse(null);
        assertThat(pull).as("the pull thread stopped with close()").isNull();
        assertThat(lapi.requests(STREAM)).as("waiting an hour, not polling").hasSize(1);
    }
}
