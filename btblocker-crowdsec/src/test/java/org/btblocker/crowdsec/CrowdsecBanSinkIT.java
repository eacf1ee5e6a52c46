package org.btblocker.crowdsec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanFeed;
import org.btblocker.api.ban.BanRequest;
import org.btblocker.api.ban.BanSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ch.qos.logback.classic.Level;

/**
 * The crowdsec sink against a real CrowdSec Local API (Debian 12's crowdsec 1.4.6, see {@link LocalApi}): what it
 * pushes is what {@code cscli} and a bouncer's decision stream see, batches, unban, pull, a LAPI that stops and
 * starts again, and a wrong password. Addresses are from the documentation ranges (RFC 5737, RFC 3849): they are only
 * data in the LAPI's database; no traffic goes anywhere but 127.0.0.1.
 */
class CrowdsecBanSinkIT {

    private static final String PASSWORD = "gw1-Secret-Pass-0123456789";
    @TempDir
    static Path dir;
    private static LocalApi lapi;
    private static Path passwordFile;
    private static String bouncerKey;

    @BeforeAll
    static void startLapi() throws Exception {
        String reason = LocalApi.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        lapi = LocalApi.start(dir.resolve("lapi"));
        lapi.addMachine("gw1", PASSWORD);
        lapi.addMachine("gw2", "gw2-Other-Pass-9876543210");
        passwordFile = lapi.secretFile("gw1.password", PASSWORD);
        bouncerKey = lapi.addBouncer("test-bouncer");
    }

    @AfterAll
    static void stopLapi() throws Exception {
        if (lapi != null) {
            lapi.close();
        }
    }

    @Test
    void runsTheExpectedCrowdsecVersion() throws Exception {
        assertThat(LocalApi.version()).startsWith(LocalApi.EXPECTED_VERSION);
    }

    @Test
    void aPushedBanIsADecisionForCscliAndForTheBouncerStream() throws Exception {
        InetAddress a = InetAddress.getByName("192.0.2.10");
        try (BanSink sink = open(Map.of())) {
            sink.ban(new BanRequest(a, Duration.ofSeconds(18000), "handshake", "BEP 3 handshake"));
            assertThat(sink.isBanned(a)).isTrue();
            assertThat(sink.isBanned(InetAddress.getByName("192.0.2.11"))).isFalse();
        }
        Map<String, Object> decision = cscliDecision("192.0.2.10");
        assertThat(decision).containsEntry("origin", "btblocker").containsEntry("scope", "Ip")
                .containsEntry("type", "ban").containsEntry("scenario", "btblocker/bittorrent");
        Duration left = GoDuration.parse((String) decision.get("duration")).orElseThrow();
        assertThat(left).isBetween(Duration.ofSeconds(17000), Duration.ofSeconds(18000));

        String alerts = lapi.cscli("alerts", "list", "-a", "-o", "json");
        assertThat(alerts).contains("\"message\": \"btblocker detector=handshake: BEP 3 handshake\"")
                .contains("\"machine_id\": \"gw1\"");

        // LAPI 1.4.6 fact: plain `cscli decisions list` shows only origins crowdsec/cscli, so the docs say --origin
        assertThat(lapi.cscli("decisions", "list", "-o", "json")).doesNotContain("192.0.2.10");

        JsonValue.JsonObject stream = bouncerStream(true);
        assertThat(values(stream.get("new"))).contains("192.0.2.10");
    }

    @Test
    void aBatchArrivesInSeveralRequestsAndIpv6IsKeptExact() throws Exception {
        List<BanRequest> batch = new ArrayList<>();
        for (int i = 0; i < 230; i++) {
            batch.add(new BanRequest(InetAddress.getByName("198.51.100." + i), Duration.ofSeconds(600 + i), "dht",
                    "KRPC get_peers"));
        }
        batch.add(new BanRequest(InetAddress.getByName("2001:db8::b:1"), Duration.ofSeconds(900), "utp", "uTP"));
        batch.add(new BanRequest(InetAddress.getByName("203.0.113.99"), Duration.ofSeconds(900), "crowdsec",
                "from the fleet", BanRequest.Origin.FLEET));
        try (BanSink sink = open(Map.of("alertsPerRequest", 100))) {
            sink.banAll(batch);
        }
        Set<String> active = Set.copyOf(values(bouncerStream(true).get("new")));
        for (int i = 0; i < 230; i++) {
            assertThat(active).contains("198.51.100." + i);
        }
        assertThat(active).contains("2001:db8::b:1");
        assertThat(active).as("a fleet ban is never pushed back").doesNotContain("203.0.113.99");
    }

    @Test
    void unbanDeletesOnlyTheDecisionsBtblockerPushed() throws Exception {
        InetAddress a = InetAddress.getByName("192.0.2.20");
        InetAddress b = InetAddress.getByName("2001:db8::20");
        try (BanSink sink = open(Map.of())) {
            sink.banAll(List.of(new BanRequest(a, Duration.ofHours(1), "tracker", "announce"),
                    new BanRequest(b, Duration.ofHours(1), "tracker", "announce")));
            lapi.cscli("decisions", "add", "-i", "192.0.2.20", "-d", "2h", "-R", "operator's own ban");
            assertThat(sink.isBanned(a)).isTrue();
            assertThat(sink.isBanned(b)).isTrue();
            sink.unban(a);
            sink.unban(b);
            sink.unban(InetAddress.getByName("192.0.2.21")); // not banned: no error
            assertThat(sink.isBanned(b)).isFalse();
        }
        assertThat(cscliDecisions("192.0.2.20")).extracting(d -> d.get("origin")).containsExactly("cscli");
        assertThat(cscliDecisions("2001:db8::20")).isEmpty();
        assertThat(values(bouncerStream(true).get("new"))).doesNotContain("2001:db8::20");
    }

    @Test
    void pullFeedsTheFleetsBansAndTheirDeletion() throws Exception {
        RecordingFeed feed = new RecordingFeed();
        Path keyFile = lapi.secretFile("gw1.bouncer", lapi.addBouncer("gw1-pull"));
        Map<String, Object> pull = Map.of("pull", true, "bouncerKeyFile", keyFile.toString(), "pollInterval", "1s");
        Path gw2Password = lapi.secretFile("gw2.password", "gw2-Other-Pass-9876543210");
        try (BanSink gw1 = open(pull, feed);
             BanSink gw2 = open(Map.of("machineId", "gw2", "passwordFile", gw2Password.toString()))) {
            // another gateway's detection reaches gw1 as a fleet ban, for the time it has left
            gw2.ban(new BanRequest(InetAddress.getByName("192.0.2.30"), Duration.ofSeconds(7200), "utp", "uTP"));
            RecordingFeed.Event e = feed.await(x -> x.isBan() && x.address().getHostAddress().equals("192.0.2.30"),
                    Duration.ofSeconds(30));
            assertThat(e.request().origin()).isEqualTo(BanRequest.Origin.FLEET);
            assertThat(e.request().duration()).isBetween(Duration.ofSeconds(7100), Duration.ofSeconds(7200));
            assertThat(e.request().reason()).contains("origin btblocker").contains("btblocker/bittorrent");

            // an operator's cscli decision has origin cscli: not taken with the default pullOrigins [btblocker]
            lapi.cscli("decisions", "add", "-i", "192.0.2.31", "-d", "1h", "-R", "manual");
            // deleting the fleet ban lifts it on gw1
            gw2.unban(InetAddress.getByName("192.0.2.30"));
            feed.await(x -> !x.isBan() && x.address().getHostAddress().equals("192.0.2.30"), Duration.ofSeconds(30));
        }
        assertThat(feed.events()).noneMatch(x -> x.address().getHostAddress().equals("192.0.2.31"));
    }

    @Test
    void pullOfAllOriginsFeedsACscliDecision() throws Exception {
        RecordingFeed feed = new RecordingFeed();
        Path keyFile = lapi.secretFile("all.bouncer", lapi.addBouncer("all-origins"));
        Map<String, Object> pull = Map.of("pull", true, "bouncerKeyFile", keyFile.toString(), "pollInterval", "1s",
                "pullOrigins", List.of());
        try (BanSink sink = open(pull, feed)) {
            lapi.cscli("decisions", "add", "-i", "192.0.2.40", "-d", "1h", "-R", "manual");
            lapi.cscli("decisions", "add", "-i", "192.0.2.41", "-d", "1h", "-t", "captcha");
            RecordingFeed.Event e = feed.await(x -> x.isBan() && x.address().getHostAddress().equals("192.0.2.40"),
                    Duration.ofSeconds(30));
            assertThat(e.request().duration()).isBetween(Duration.ofSeconds(3500), Duration.ofSeconds(3600));
            assertThat(e.request().reason()).contains("origin cscli");
            lapi.cscli("decisions", "delete", "-i", "192.0.2.40");
            feed.await(x -> !x.isBan() && x.address().getHostAddress().equals("192.0.2.40"), Duration.ofSeconds(30));
        }
        assertThat(feed.events()).as("a captcha decision is no ban")
                .noneMatch(x -> x.address().getHostAddress().equals("192.0.2.41"));
    }

    @Test
    void whileTheLapiIsDownCallsFailRetryableAndNothingIsHalfApplied() throws Exception {
        List<BanRequest> batch = List.of(
                new BanRequest(InetAddress.getByName("192.0.2.50"), Duration.ofHours(1), "dht", "KRPC"),
                new BanRequest(InetAddress.getByName("192.0.2.51"), Duration.ofHours(1), "dht", "KRPC"),
                new BanRequest(InetAddress.getByName("2001:db8::51"), Duration.ofHours(1), "dht", "KRPC"));
        try (BanSink sink = open(Map.of("requestTimeout", "2s"))) {
            sink.ban(new BanRequest(InetAddress.getByName("192.0.2.52"), Duration.ofHours(1), "dht", "KRPC"));
            lapi.stop();
            try {
                assertThatThrownBy(() -> sink.banAll(batch)).isInstanceOf(BanException.class)
                        .matches(e -> ((BanException) e).isRetryable(), "retryable")
                        .hasMessageContaining("connection refused");
                assertThatThrownBy(() -> sink.unban(InetAddress.getByName("192.0.2.52")))
                        .matches(e -> ((BanException) e).isRetryable(), "retryable");
                assertThatThrownBy(() -> sink.isBanned(InetAddress.getByName("192.0.2.52")))
                        .matches(e -> ((BanException) e).isRetryable(), "retryable");
            } finally {
                lapi.startAgain();
            }
            assertThat(values(bouncerStream(true).get("new"))).as("nothing of the failed batch arrived")
                    .doesNotContain("192.0.2.50", "192.0.2.51", "2001:db8::51").contains("192.0.2.52");
            // what the daemon's journal does: the same batch again. The LAPI restarted with a new JWT secret, so the
            // old token is answered 401 and the sink logs in again.
            int logins = ((CrowdsecBanSink) sink).logins();
            sink.banAll(batch);
            assertThat(((CrowdsecBanSink) sink).logins()).as("logged in again after a 401").isEqualTo(logins + 1);
            sink.unban(InetAddress.getByName("192.0.2.52"));
        }
        List<String> active = values(bouncerStream(true).get("new"));
        assertThat(active).contains("192.0.2.50", "192.0.2.51", "2001:db8::51").doesNotContain("192.0.2.52");
        assertThat(active.stream().filter(v -> v.equals("192.0.2.50")).count()).isEqualTo(1);
    }

    @Test
    void aWrongPasswordIsOneClearLineAndNeverLogged() throws Exception {
        Path wrong = lapi.secretFile("wrong.password", "not-the-password-4711");
        try (LogCapture logs = new LogCapture();
             BanSink sink = open(Map.of("passwordFile", wrong.toString()))) {
            String line = "crowdsec: login as machine gw1 refused (401 incorrect Username or Password): check "
                    + "btblocker.crowdsec.passwordFile / cscli machines list";
            assertThat(logs.lines(Level.ERROR)).containsExactly(line);
            assertThatThrownBy(() -> sink.ban(new BanRequest(InetAddress.getByName("192.0.2.60"), Duration.ofHours(1),
                    "dht", "KRPC"))).isInstanceOf(BanException.class).hasMessage(line)
                    .matches(e -> !((BanException) e).isRetryable(), "permanent");
            assertThat(logs.lines(Level.ERROR)).as("logged once, not per ban").hasSize(1);
            assertThat(logs.everything()).doesNotContain("not-the-password-4711").doesNotContain(PASSWORD);
        }
        assertThat(cscliDecisions("192.0.2.60")).isEmpty();
    }

    @Test
    void aWrongBouncerKeyIsOneClearLine() throws Exception {
        Path badKey = lapi.secretFile("bad.bouncer", "0123456789abcdef0123456789abcdef");
        Map<String, Object> pull = Map.of("pull", true, "bouncerKeyFile", badKey.toString(), "pollInterval", "1s");
        try (LogCapture logs = new LogCapture()) {
            try (BanSink sink = open(pull, new RecordingFeed())) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (logs.lines(Level.ERROR).isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
            }
            assertThat(logs.lines(Level.ERROR)).containsExactly("crowdsec: decision stream refused (403 access "
                    + "forbidden): check btblocker.crowdsec.bouncerKeyFile / cscli bouncers list; polling again every "
                    + "300 s until it is fixed");
        }
    }

    // ---- helpers

    private static BanSink open(Map<String, Object> overrides) throws BanException {
        return open(overrides, BanFeed.NONE);
    }

    private static BanSink open(Map<String, Object> overrides, BanFeed feed) throws BanException {
        Map<String, Object> s = new HashMap<>(Map.of("url", lapi.url(), "machineId", "gw1", "passwordFile",
                passwordFile.toString()));
        s.putAll(overrides);
        return SinkConfigs.setup(s, feed, Clock.systemUTC()).open();
    }

    /** The bouncer's view: {@code GET /v1/decisions/stream}, with a key of its own. */
    private static JsonValue.JsonObject bouncerStream(boolean startup) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(lapi.url()
                + "/v1/decisions/stream?startup=" + startup)).header("X-Api-Key", bouncerKey).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JsonReader.parse(r.body()).asObject("stream");
    }

    private static List<String> values(JsonValue decisions) throws JsonException {
        List<String> out = new ArrayList<>();
        for (JsonValue d : decisions.asArrayOrEmpty("decisions")) {
            out.add(d.asObject("decision").string("value"));
        }
        return out;
    }

    /** The active decisions for {@code ip} as {@code cscli decisions list -a -o json} shows them. */
    private static List<Map<String, Object>> cscliDecisions(String ip) throws IOException, InterruptedException,
            JsonException {
        String json = lapi.cscli("decisions", "list", "-a", "-i", ip, "-o", "json").strip();
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonValue alert : JsonReader.parse(json).asArrayOrEmpty("alerts")) {
            for (JsonValue d : alert.asObject("alert").get("decisions").asArrayOrEmpty("decisions")) {
                out.add(d.asObject("decision").members().entrySet().stream().collect(Collectors.toMap(
                        Map.Entry::getKey, e -> e.getValue() instanceof JsonValue.JsonString s ? s.value()
                                : (Object) e.getValue())));
            }
        }
        return out;
    }

    private static Map<String, Object> cscliDecision(String ip) throws Exception {
        List<Map<String, Object>> all = cscliDecisions(ip);
        assertThat(all).as("decisions of " + ip).hasSize(1);
        return all.get(0);
    }
}
