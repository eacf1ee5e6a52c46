package org.btblocker.crowdsec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanFeed;
import org.btblocker.api.ban.BanRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ch.qos.logback.classic.Level;

/**
 * The push side against a scripted LAPI ({@link FakeLapi}) and a hand-moved clock: the exact requests, the JWT's
 * renewal before expiry and after a 401, which failures are retryable, and that the password never shows.
 */
class CrowdsecBanSinkTest {

    private static final String PASSWORD = "S3cret-Machine-Password";
    private static final Instant T0 = Instant.parse("2026-12-02T06:00:00Z");

    @TempDir
    Path dir;
    private FakeLapi lapi;
    private MutableClock clock;
    private Path passwordFile;
    private final AtomicInteger tokens = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        lapi = new FakeLapi();
        clock = new MutableClock(T0);
        passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, PASSWORD + "\n");
        // like LAPI 1.4.6: a token valid for one hour from the (test's) now
        lapi.always("POST /v1/watchers/login", () -> new FakeLapi.Answer(200, "{\"code\":200,\"expire\":\""
                + clock.instant().plus(Duration.ofHours(1)) + "\",\"token\":\"tok-" + tokens.incrementAndGet()
                + "\"}"));
        lapi.always("POST /v1/alerts", 201, "[\"1\"]");
    }

    @AfterEach
    void stop() {
        lapi.close();
    }

    private CrowdsecBanSink open(Map<String, Object> overrides) throws BanException {
        Map<String, Object> s = new HashMap<>(Map.of("url", lapi.url(), "machineId", "gw1", "passwordFile",
                passwordFile.toString()));
        s.putAll(overrides);
        return (CrowdsecBanSink) SinkConfigs.setup(s, BanFeed.NONE, clock).open();
    }

    private static BanRequest ban(String ip) throws Exception {
        return new BanRequest(InetAddress.getByName(ip), Duration.ofSeconds(18000), "handshake", "BEP 3 handshake");
    }

    @Test
    void logsInAndPushesByteExactRequests() throws Exception {
        try (CrowdsecBanSink sink = open(Map.of())) {
            clock.advance(Duration.ofMillis(1500));
            sink.banAll(List.of(ban("192.0.2.1"), new BanRequest(InetAddress.getByName("2001:db8:0:0:0:0:0:6"),
                    Duration.ofMinutes(90), "dht", "KRPC \"get_peers\"", BanRequest.Origin.OPERATOR)));
        }
        FakeLapi.Request login = lapi.requests("POST /v1/watchers/login").get(0);
        assertThat(login.body()).isEqualTo("{\"machine_id\":\"gw1\",\"password\":\"" + PASSWORD + "\",\"scenarios\":"
                + "[\"btblocker/bittorrent\"]}");
        assertThat(login.header("Content-Type")).isEqualTo("application/json");
        assertThat(login.header("User-Agent")).isEqualTo("btblocker/dev");
        assertThat(login.header("Authorization")).isNull();

        FakeLapi.Request alerts = lapi.requests("POST /v1/alerts").get(0);
        assertThat(alerts.header("Authorization")).isEqualTo("Bearer tok-1");
        assertThat(alerts.body()).isEqualTo("["
                + "{\"scenario\":\"btblocker/bittorrent\",\"scenario_hash\":\"\",\"scenario_version\":\"\","
                + "\"message\":\"btblocker detector=handshake: BEP 3 handshake\",\"events_count\":1,\"events\":[],"
                + "\"capacity\":0,\"leakspeed\":\"0\",\"simulated\":false,\"remediation\":true,"
                + "\"start_at\":\"2026-12-02T06:00:01Z\",\"stop_at\":\"2026-12-02T06:00:01Z\","
                + "\"source\":{\"scope\":\"Ip\",\"value\":\"192.0.2.1\",\"ip\":\"192.0.2.1\"},"
                + "\"decisions\":[{\"origin\":\"btblocker\",\"type\":\"ban\",\"scope\":\"Ip\",\"value\":\"192.0.2.1\","
                + "\"duration\":\"18000s\",\"scenario\":\"btblocker/bittorrent\"}]},"
                + "{\"scenario\":\"btblocker/bittorrent\",\"scenario_hash\":\"\",\"scenario_version\":\"\","
                + "\"message\":\"btblocker detector=dht: KRPC \\\"get_peers\\\" (operator)\",\"events_count\":1,"
                + "\"events\":[],\"capacity\":0,\"leakspeed\":\"0\",\"simulated\":false,\"remediation\":true,"
                + "\"start_at\":\"2026-12-02T06:00:01Z\",\"stop_at\":\"2026-12-02T06:00:01Z\","
                + "\"source\":{\"scope\":\"Ip\",\"value\":\"2001:db8::6\",\"ip\":\"2001:db8::6\"},"
                + "\"decisions\":[{\"origin\":\"btblocker\",\"type\":\"ban\",\"scope\":\"Ip\","
                + "\"value\":\"2001:db8::6\","
                + "\"duration\":\"5400s\",\"scenario\":\"btblocker/bittorrent\"}]}"
                + "]");
    }

    @Test
    void unbanAndLookupRequests() throws Exception {
        lapi.always("DELETE /v1/decisions", 200, "{\"nbDeleted\":\"1\"}");
        lapi.always("GET /v1/alerts", 200, "[{\"id\":1,\"decisions\":["
                + "{\"duration\":\"-3s\",\"id\":1,\"origin\":\"btblocker\",\"scope\":\"Ip\",\"type\":\"ban\","
                + "\"value\":\"2001:db8::6\"},"
                + "{\"duration\":\"4h59m1.5s\",\"id\":2,\"origin\":\"cscli\",\"scope\":\"Ip\",\"type\":\"ban\","
                + "\"value\":\"2001:db8::6\"}]}]");
        try (CrowdsecBanSink sink = open(Map.of())) {
            sink.unban(InetAddress.getByName("2001:db8::6"));
            assertThat(sink.isBanned(InetAddress.getByName("2001:db8::6"))).isTrue();
            lapi.always("GET /v1/alerts", 200, "null");
            assertThat(sink.isBanned(InetAddress.getByName("2001:db8::6"))).isFalse();
        }
        FakeLapi.Request delete = lapi.requests("DELETE /v1/decisions").get(0);
        assertThat(delete.pathAndQuery()).isEqualTo("/v1/decisions?ip=2001%3Adb8%3A%3A6&origin=btblocker");
        assertThat(delete.header("Authorization")).isEqualTo("Bearer tok-1");
        assertThat(lapi.requests("GET /v1/alerts").get(0).pathAndQuery())
                .isEqualTo("/v1/alerts?ip=2001%3Adb8%3A%3A6&has_active_decision=true");
    }

    @Test
    void renewsTheTokenBeforeItExpires() throws Exception {
        try (CrowdsecBanSink sink = open(Map.of())) {
            assertThat(sink.logins()).isEqualTo(1);
            clock.advance(Duration.ofMinutes(58));
            sink.ban(ban("192.0.2.1"));
            assertThat(sink.logins()).as("58 min into a 60 min token").isEqualTo(1);
            clock.advance(Duration.ofSeconds(61)); // 59:01: less than a minute left
            sink.ban(ban("192.0.2.2"));
            assertThat(sink.logins()).isEqualTo(2);
        }
        assertThat(lapi.requests("POST /v1/alerts")).extracting(r -> r.header("Authorization"))
                .containsExactly("Bearer tok-1", "Bearer tok-2");
    }

    @Test
    void logsInAgainOnceWhenTheLapiAnswers401() throws Exception {
        lapi.next("POST /v1/alerts", 401, "{\"code\":401,\"message\":\"Token is expired\"}");
        try (CrowdsecBanSink sink = open(Map.of())) {
            sink.ban(ban("192.0.2.1"));
            assertThat(sink.logins()).isEqualTo(2);
        }
        assertThat(lapi.requests("POST /v1/alerts")).extracting(r -> r.header("Authorization"))
                .containsExactly("Bearer tok-1", "Bearer tok-2");
    }

    @Test
    void a401AfterAFreshLoginIsPermanent() throws Exception {
        lapi.always("POST /v1/alerts", 401, "{\"code\":401,\"message\":\"cookie token is empty\"}");
        try (CrowdsecBanSink sink = open(Map.of())) {
            assertThatThrownBy(() -> sink.ban(ban("192.0.2.1"))).isInstanceOf(BanException.class)
                    .hasMessage("crowdsec: pushing the ban of 192.0.2.1 refused (401 cookie token is empty): check "
                            + "btblocker.crowdsec.passwordFile / cscli machines list")
                    .matches(e -> !((BanException) e).isRetryable(), "permanent");
            assertThat(lapi.requests("POST /v1/alerts")).hasSize(2);
        }
    }

    @Test
    void aRefusedLoginIsOneLinePermanentAndNotRetriedForAWhile() throws Exception {
        lapi.always("POST /v1/watchers/login", 401, "{\"code\":401,\"message\":\"incorrect Username or Password\"}");
        String line = "crowdsec: login as machine gw1 refused (401 incorrect Username or Password): check "
                + "btblocker.crowdsec.passwordFile / cscli machines list";
        try (LogCapture logs = new LogCapture(); CrowdsecBanSink sink = open(Map.of())) {
            assertThat(logs.lines(Level.ERROR)).containsExactly(line);
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> sink.ban(ban("192.0.2.1"))).hasMessage(line)
                        .matches(e -> !((BanException) e).isRetryable(), "permanent");
            }
            assertThat(lapi.requests("POST /v1/watchers/login")).as("held for 30 s").hasSize(1);
            clock.advance(MachineSession.REFUSAL_HOLD);
            assertThatThrownBy(() -> sink.ban(ban("192.0.2.1"))).hasMessage(line);
            assertThat(lapi.requests("POST /v1/watchers/login")).hasSize(2);
            assertThat(logs.lines(Level.ERROR)).as("the same refusal is logged once").hasSize(1);
            assertThat(lapi.requests("POST /v1/alerts")).isEmpty();
        }
    }

    @Test
    void aMachineNotValidatedIsNamed() throws Exception {
        lapi.always("POST /v1/watchers/login", 403, "{\"code\":403,\"message\":\"machine gw1 not validated\"}");
        try (CrowdsecBanSink sink = open(Map.of())) {
            assertThatThrownBy(() -> sink.ban(ban("192.0.2.1"))).hasMessage("crowdsec: login as machine gw1 refused "
                    + "(403 machine gw1 not validated): validate it with `cscli machines validate gw1` on the LAPI "
                    + "host");
        }
    }

    @Test
    void serverErrorsAndRateLimitsAreRetryableRefusalsAreNot() throws Exception {
        record Case(int status, String body, boolean retryable) {
        }
        List<Case> cases = List.of(
                new Case(500, "{\"message\":\"unable to create alerts: database is locked\"}", true),
                new Case(502, "<html>bad gateway</html>", true),
                new Case(503, "", true),
                new Case(429, "{\"message\":\"slow down\"}", true),
                new Case(500, "{\"message\":\"validation failure list:\\n0.decisions.0.origin in body is required\"}",
                        false),
                new Case(500, "{\"message\":\"unable to create alerts: decision duration '18000' : time: missing unit "
                        + "in duration \\\"18000\\\": unable to parse duration\"}", false),
                new Case(400, "{\"message\":\"invalid character 'o' in literal null (expecting 'u')\"}", false),
                new Case(403, "{\"message\":\"access forbidden\"}", false),
                new Case(404, "404 page not found", false));
        try (CrowdsecBanSink sink = open(Map.of())) {
            for (Case c : cases) {
                lapi.next("POST /v1/alerts", c.status(), c.body());
                assertThatThrownBy(() -> sink.ban(ban("192.0.2.1"))).as(c.toString())
                        .isInstanceOf(BanException.class)
                        .hasMessageStartingWith("crowdsec: pushing the ban of 192.0.2.1 refused (" + c.status())
                        .matches(e -> ((BanException) e).isRetryable() == c.retryable(), "retryable " + c.retryable());
            }
        }
    }

    @Test
    void noAnswerIsRetryable() throws Exception {
        try (CrowdsecBanSink sink = open(Map.of("requestTimeout", "1s"))) {
            lapi.hangNext("POST /v1/alerts");
            assertThatThrownBy(() -> sink.ban(ban("192.0.2.1"))).isInstanceOf(BanException.class)
                    .hasMessageContaining("no answer from the Local API at " + lapi.url() + " within 1 s")
                    .matches(e -> ((BanException) e).isRetryable(), "retryable");
            lapi.close();
            assertThatThrownBy(() -> sink.ban(ban("192.0.2.1"))).isInstanceOf(BanException.class)
                    .hasMessageContaining("cannot connect to the Local API at " + lapi.url())
                    .matches(e -> ((BanException) e).isRetryable(), "retryable");
        }
    }

    @Test
    void opensWhileTheLapiIsDownAndSaysSoOnce() throws Exception {
        lapi.close();
        try (LogCapture logs = new LogCapture(); CrowdsecBanSink sink = open(Map.of())) {
            assertThat(logs.lines(Level.WARN)).singleElement().asString().startsWith("crowdsec: login as machine "
                    + "gw1: cannot connect to the Local API at " + lapi.url()).endsWith("; bans are pushed when it "
                    + "answers");
            assertThat(sink.logins()).isZero();
        }
    }

    @Test
    void splitsLargeBatchesAndNeverPushesFleetBans() throws Exception {
        List<BanRequest> batch = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            batch.add(ban("198.51.100." + i));
            batch.add(new BanRequest(InetAddress.getByName("203.0.113." + i), Duration.ofHours(1), "crowdsec",
                    "fleet", BanRequest.Origin.FLEET));
        }
        try (CrowdsecBanSink sink = open(Map.of("alertsPerRequest", 100))) {
            sink.banAll(batch);
            sink.banAll(batch.stream().filter(r -> r.origin() == BanRequest.Origin.FLEET).toList());
        }
        List<FakeLapi.Request> posts = lapi.requests("POST /v1/alerts");
        assertThat(posts).extracting(r -> r.body().split("\"decisions\"", -1).length - 1)
                .containsExactly(100, 100, 50);
        assertThat(posts).allMatch(r -> !r.body().contains("203.0.113."));
    }

    @Test
    void aFailedChunkStopsTheBatchAndSaysWhichRequest() throws Exception {
        List<BanRequest> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(ban("198.51.100." + i));
        }
        lapi.next("POST /v1/alerts", 201, "[\"1\",\"2\"]").next("POST /v1/alerts", 503, "");
        try (CrowdsecBanSink sink = open(Map.of("alertsPerRequest", 2))) {
            assertThatThrownBy(() -> sink.banAll(batch)).hasMessageStartingWith("crowdsec: pushing 2 bans refused "
                    + "(503)").matches(e -> ((BanException) e).isRetryable(), "retryable");
        }
        assertThat(lapi.requests("POST /v1/alerts")).hasSize(2);
    }

    @Test
    void thePasswordNeverShowsInLogsMessagesOrSettings() throws Exception {
        lapi.next("POST /v1/alerts", 401, "{\"code\":401,\"message\":\"Token is expired\"}");
        try (LogCapture logs = new LogCapture()) {
            CrowdsecBanSinkProvider.Setup setup;
            try (CrowdsecBanSink sink = open(Map.of())) {
                sink.ban(ban("192.0.2.1"));
                setup = SinkConfigs.setup(Map.of("url", lapi.url(), "machineId", "gw1", "passwordFile",
                        passwordFile.toString()), BanFeed.NONE, clock);
            }
            lapi.always("POST /v1/watchers/login", 401, "{\"code\":401,\"message\":\"incorrect Username or "
                    + "Password\"}");
            String refused = "";
            try (CrowdsecBanSink sink = open(Map.of())) {
                sink.ban(ban("192.0.2.1"));
            } catch (BanException e) {
                refused = e.getMessage();
            }
            assertThat(logs.lines()).isNotEmpty();
            assertThat(logs.everything() + refused + setup + setup.describe()).doesNotContain(PASSWORD)
                    .doesNotContain("tok-");
        }
    }

    @Test
    void pullWithoutADaemonFeedSaysSoAndDoesNotPoll() throws Exception {
        Path key = dir.resolve("key");
        Files.writeString(key, "k");
        try (LogCapture logs = new LogCapture();
             CrowdsecBanSink sink = open(Map.of("pull", true, "bouncerKeyFile", key.toString()))) {
            assertThat(logs.lines(Level.WARN)).containsExactly("crowdsec: btblocker.crowdsec.pull = true, but this "
                    + "daemon takes no fleet bans (no ban feed); not following the decision stream");
            assertThat(sink.logins()).isEqualTo(1);
        }
        assertThat(lapi.requests("GET /v1/decisions/stream")).isEmpty();
    }

    @Test
    void aPullOnlyGatewayPushesNothingAndNeverLogsIn() throws Exception {
        Path key = dir.resolve("key");
        Files.writeString(key, "k");
        lapi.always("GET /v1/decisions/stream", 200, "{\"deleted\":null,\"new\":null}");
        RecordingFeed feed = new RecordingFeed();
        try (CrowdsecBanSink sink = (CrowdsecBanSink) SinkConfigs.setup(Map.of("url", lapi.url(), "pull", true,
                "bouncerKeyFile", key.toString(), "pollInterval", "1h"), feed, clock).open()) {
            sink.banAll(List.of(ban("192.0.2.1")));
            sink.unban(InetAddress.getByName("192.0.2.1"));
            assertThatThrownBy(() -> sink.isBanned(InetAddress.getByName("192.0.2.1")))
                    .hasMessageContaining("this gateway only pulls");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (lapi.requests("GET /v1/decisions/stream").isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        assertThat(lapi.requests()).extracting(r -> r.method() + " " + r.pathAndQuery().replaceAll("\\?.*", ""))
                .containsExactly("GET /v1/decisions/stream");
    }

    @Test
    void missingOrEmptyPasswordFileIsNamedAtOpen() throws Exception {
        assertThatThrownBy(() -> open(Map.of("passwordFile", dir.resolve("absent").toString())))
                .isInstanceOf(BanException.class).hasMessage("crowdsec: cannot read btblocker.crowdsec.passwordFile "
                        + dir.resolve("absent") + " (NoSuchFileException)");
        Files.writeString(passwordFile, "\n");
        assertThatThrownBy(() -> open(Map.of())).hasMessage("crowdsec: btblocker.crowdsec.passwordFile "
                + passwordFile + " is empty");
        assertThat(lapi.requests()).isEmpty();
    }
}
