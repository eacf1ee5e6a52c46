package org.btblocker.crowdsec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

import org.btblocker.api.ban.BanException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machine login to the Local API ({@code POST /v1/watchers/login}) and its JWT, used by one delivery thread.
 * The token is renewed {@link #REFRESH_MARGIN} before the expiry the LAPI announces (one hour on 1.4.6) and once
 * when a request is answered 401. The password is read from {@code passwordFile} at each login, held only for the
 * request, and never logged or put in a message. After a refused login the refusal is repeated for
 * {@link #REFUSAL_HOLD} without asking the LAPI again, so a burst of bans does not hammer it with bad passwords.
 */
final class MachineSession {

    private static final Logger log = LoggerFactory.getLogger(MachineSession.class);

    /** Renew the token this long before it expires. */
    static final Duration REFRESH_MARGIN = Duration.ofSeconds(60);
    /** When the LAPI announces no expiry, assume this lifetime (renewing early is harmless). */
    static final Duration UNKNOWN_LIFETIME = Duration.ofMinutes(5);
    /** How long a refused login is repeated without a new attempt. */
    static final Duration REFUSAL_HOLD = Duration.ofSeconds(30);

    private final CrowdsecSettings settings;
    private final LapiClient client;
    private final Clock clock;

    private String token;
    private Instant expiresAt = Instant.MIN;
    private BanException refusal;
    private Instant refusedAt = Instant.MIN;
    private boolean everLoggedIn;
    private int logins;

    MachineSession(CrowdsecSettings settings, LapiClient client, Clock clock) {
        this.settings = settings;
        this.client = client;
        this.clock = clock;
    }

    /**
     * Sends a request with the machine's token, logging in first when there is no valid one, and once more when
     * the LAPI answers 401 (a token it no longer accepts: LAPI restarted with a new secret, expiry).
     *
     * @throws BanException no answer (retryable), or the login was refused (permanent)
     */
    LapiResponse send(String method, String pathAndQuery, String body, String what) throws BanException {
        LapiResponse r = client.send(method, pathAndQuery, body, LapiClient.Credential.bearer(token()), what);
        if (r.status() == 401) {
            log.debug("crowdsec: {} {} answered 401; logging in again", method, pathAndQuery);
            token = null;
            r = client.send(method, pathAndQuery, body, LapiClient.Credential.bearer(token()), what);
        }
        return r;
    }

    /** A token valid for at least {@link #REFRESH_MARGIN}, logging in when needed. */
    String token() throws BanException {
        Instant now = clock.instant();
        if (token != null && now.isBefore(expiresAt.minus(REFRESH_MARGIN))) {
            return token;
        }
        if (refusal != null && now.isBefore(refusedAt.plus(REFUSAL_HOLD))) {
            throw refusal;
        }
        login(now);
        return token;
    }

    /** Logins made so far (for tests and logs). */
    int logins() {
        return logins;
    }

    private void login(Instant now) throws BanException {
        String password = readPassword();
        String body = JsonWriter.write(JsonValue.object()
                .put("machine_id", settings.machineId())
                .put("password", password)
                .put("scenarios", new JsonValue.JsonArray(List.of(JsonValue.of(settings.scenario()))))
                .build());
        String what = "login as machine " + settings.machineId();
        LapiResponse r = client.send("POST", "/v1/watchers/login", body, null, what);
        logins++;
        BanException failure = LapiClient.failure(what, r, r.status() == 403
                ? "validate it with `cscli machines validate " + settings.machineId() + "` on the LAPI host"
                : "check btblocker.crowdsec.passwordFile / cscli machines list");
        if (failure != null) {
            token = null;
            if (!failure.isRetryable()) {
                if (refusal == null || !refusal.getMessage().equals(failure.getMessage())) {
                    log.error("{}", failure.getMessage());
                }
                refusal = failure;
                refusedAt = now;
            }
            throw failure;
        }
        String newToken;
        Instant expiry;
        try {
            JsonValue.JsonObject o = JsonReader.parse(r.body()).asObject("login answer");
            newToken = o.string("token");
            expiry = expiry(o.get("expire"), now);
        } catch (JsonException e) {
            throw new BanException("crowdsec: " + what + ": unexpected answer (" + e.getMessage() + ")", e, true);
        }
        if (newToken.isEmpty() || newToken.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
            throw new BanException("crowdsec: " + what + ": the LAPI returned no usable token", null, true);
        }
        if (refusal != null) {
            log.info("crowdsec: login as machine {} accepted again", settings.machineId());
        } else if (!everLoggedIn) {
            log.info("crowdsec: logged in to {} as machine {}", settings.url(), settings.machineId());
        }
        everLoggedIn = true;
        refusal = null;
        token = newToken;
        expiresAt = expiry;
    }

    /** The announced expiry ({@code "2026-12-02T06:58:12Z"}), or now + {@link #UNKNOWN_LIFETIME}. */
    private static Instant expiry(JsonValue expire, Instant now) {
        if (expire instanceof JsonValue.JsonString s) {
            try {
                return OffsetDateTime.parse(s.value()).toInstant();
            } catch (DateTimeParseException e) {
                // fall through: renew early rather than fail
            }
        }
        return now.plus(UNKNOWN_LIFETIME);
    }

    private String readPassword() throws BanException {
        String text;
        try {
            text = Files.readString(settings.passwordFile(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            // the exception names the file and the errno, never the content
            throw new BanException("crowdsec: cannot read btblocker.crowdsec.passwordFile " + settings.passwordFile()
                    + " (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + ")", null, false);
        }
        String password = text.strip();
        if (password.isEmpty()) {
            throw new BanException("crowdsec: btblocker.crowdsec.passwordFile " + settings.passwordFile()
                    + " is empty: put the password of `cscli machines add " + settings.machineId() + "` in it", null,
                    false);
        }
        return password;
    }
}
