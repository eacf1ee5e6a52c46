package org.btblocker.crowdsec;

import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanRequest;
import org.btblocker.api.ban.BanSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes this gateway's bans to the CrowdSec Local API as a machine, and (with pull) runs the
 * {@link DecisionPuller} that brings the fleet's bans back. Called by the daemon's delivery thread for this sink;
 * every failure is a {@link BanException} that says whether the daemon should retry (LAPI down, overloaded) or
 * not (refused login, refused request).
 *
 * <ul>
 *   <li>{@link #banAll}: {@code POST /v1/alerts}, one alert per ban ({@link AlertBody}), at most
 *       {@code alertsPerRequest} per request. {@link BanRequest.Origin#FLEET} bans are skipped: they came from the
 *       LAPI. A request the LAPI refuses or never answers is not applied by it; when a batch needs several requests
 *       and a later one fails, a retry sends the earlier ones again, which only adds a duplicate decision (the same
 *       address and duration; an unban deletes both).</li>
 *   <li>{@link #unban}: {@code DELETE /v1/decisions?ip=ADDR&origin=ORIGIN} with the machine's token (a bouncer key is
 *       refused with 401 by LAPI 1.4.6), so only the decisions btblocker pushed are deleted, never those of other
 *       tools (cscli, crowdsec scenarios) for the same address.</li>
 *   <li>{@link #isBanned}: {@code GET /v1/alerts?ip=ADDR&has_active_decision=true} with the machine's token (the
 *       bouncer endpoint {@code /v1/decisions} answers a machine with 403).</li>
 * </ul>
 */
final class CrowdsecBanSink implements BanSink {

    private static final Logger log = LoggerFactory.getLogger(CrowdsecBanSink.class);

    private final CrowdsecSettings settings;
    private final MachineSession session;
    private final Clock clock;
    private final DecisionPuller puller;

    /**
     * @param session the machine login, or null for a gateway that only pulls (then bans are not pushed)
     * @param puller  the stream follower to stop on {@link #close()}, or null without pull
     */
    CrowdsecBanSink(CrowdsecSettings settings, MachineSession session, Clock clock, DecisionPuller puller) {
        this.settings = settings;
        this.session = session;
        this.clock = clock;
        this.puller = puller;
    }

    /**
     * Logs in once so that a wrong password is named at startup. A failure does not stop the sink: the daemon keeps
     * blocking locally, retries what is retryable, and the next call logs in again.
     */
    void loginNow() {
        if (session == null) {
            return;
        }
        try {
            session.token();
        } catch (BanException e) {
            if (e.isRetryable()) {
                log.warn("{}; bans are pushed when it answers", e.getMessage());
            }
            // a refusal was logged by the session, once
        }
    }

    @Override
    public void ban(BanRequest request) throws BanException {
        banAll(List.of(request));
    }

    @Override
    public void banAll(List<BanRequest> requests) throws BanException {
        if (session == null) {
            return; // pull only: this gateway's bans stay local
        }
        List<BanRequest> own = new ArrayList<>(requests.size());
        for (BanRequest r : requests) {
            if (r.origin() != BanRequest.Origin.FLEET) {
                own.add(r);
            }
        }
        for (int from = 0; from < own.size(); from += settings.alertsPerRequest()) {
            List<BanRequest> chunk = own.subList(from, Math.min(own.size(), from + settings.alertsPerRequest()));
            String body = AlertBody.write(chunk, settings.scenario(), settings.origin(), clock.instant());
            String what = chunk.size() == 1 ? "pushing the ban of " + IpLiteral.format(chunk.get(0).address())
                    : "pushing " + chunk.size() + " bans";
            LapiResponse r = session.send("POST", "/v1/alerts", body, what);
            throwIfFailed(what, r);
        }
    }

    @Override
    public void unban(InetAddress address) throws BanException {
        if (session == null) {
            return;
        }
        String ip = IpLiteral.format(address);
        String what = "deleting the decisions of " + ip;
        LapiResponse r = session.send("DELETE", "/v1/decisions?ip=" + encode(ip) + "&origin="
                + encode(settings.origin()), null, what);
        throwIfFailed(what, r);
        log.debug("crowdsec: {}: {}", what, r.body());
    }

    @Override
    public boolean isBanned(InetAddress address) throws BanException {
        if (session == null) {
            throw new BanException("crowdsec: looking up a ban needs a machine login (btblocker.crowdsec.machineId, "
                    + "passwordFile); this gateway only pulls");
        }
        String ip = IpLiteral.format(address);
        String what = "looking up " + ip;
        LapiResponse r = session.send("GET", "/v1/alerts?ip=" + encode(ip) + "&has_active_decision=true", null,
                what);
        throwIfFailed(what, r);
        try {
            for (JsonValue alert : JsonReader.parse(r.body()).asArrayOrEmpty("alerts")) {
                for (JsonValue d : alert.asObject("alert").get("decisions").asArrayOrEmpty("decisions")) {
                    JsonValue.JsonObject decision = d.asObject("decision");
                    if (decision.string("type").equals("ban")
                            && decision.string("scope").equalsIgnoreCase(AlertBody.SCOPE_IP)
                            && address.equals(IpLiteral.parse(decision.string("value")))
                            && GoDuration.parse(decision.string("duration")).map(x -> !x.isNegative() && !x.isZero())
                                    .orElse(false)) {
                        return true;
                    }
                }
            }
        } catch (JsonException e) {
            throw new BanException("crowdsec: " + what + ": unexpected answer (" + e.getMessage() + ")", e, true);
        }
        return false;
    }

    private void throwIfFailed(String what, LapiResponse r) throws BanException {
        BanException failure = LapiClient.failure(what, r, r.status() == 403
                ? "the LAPI refuses machine " + settings.machineId() + " this request"
                : "check btblocker.crowdsec.passwordFile / cscli machines list");
        if (failure != null) {
            throw failure;
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Machine logins made so far (a token renewed before expiry or after a 401 counts). */
    int logins() {
        return session == null ? 0 : session.logins();
    }

    /** Stops pull; the bans stay in the LAPI (they expire there). */
    @Override
    public void close() {
        if (puller != null) {
            puller.close();
        }
    }
}
