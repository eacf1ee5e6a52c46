package org.btblocker.crowdsec;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import org.btblocker.api.ban.BanRequest;

/**
 * The body of {@code POST /v1/alerts}: one alert per ban, each with one decision, all in one array. One alert per
 * ban (rather than one alert with several decisions, which LAPI 1.4.6 also accepts) keeps each ban's source,
 * detector and reason in its own alert, as {@code cscli alerts list} shows them. LAPI 1.4.6 refuses an alert that
 * lacks any of the fields written here (HTTP 500 "validation failure list"), including a decision's origin; it
 * stores a lowercase scope, but only {@code "Ip"} is ever returned by the decision stream.
 */
final class AlertBody {

    /** The decision scope; case matters (see the class comment). */
    static final String SCOPE_IP = "Ip";

    private AlertBody() {
    }

    /**
     * The JSON array of alerts for {@code requests}, stamped {@code now} (RFC 3339, whole seconds).
     *
     * @param scenario the alert and decision scenario ({@code btblocker/bittorrent})
     * @param origin   the decisions' origin ({@code btblocker})
     */
    static String write(List<BanRequest> requests, String scenario, String origin, Instant now) {
        String at = DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
        List<JsonValue> alerts = new ArrayList<>(requests.size());
        for (BanRequest r : requests) {
            String value = IpLiteral.format(r.address());
            JsonValue decision = JsonValue.object()
                    .put("origin", origin)
                    .put("type", "ban")
                    .put("scope", SCOPE_IP)
                    .put("value", value)
                    .put("duration", GoDuration.format(r.duration()))
                    .put("scenario", scenario)
                    .build();
            alerts.add(JsonValue.object()
                    .put("scenario", scenario)
                    .put("scenario_hash", "")
                    .put("scenario_version", "")
                    .put("message", message(r))
                    .put("events_count", 1)
                    .put("events", new JsonValue.JsonArray(List.of()))
                    .put("capacity", 0)
                    .put("leakspeed", "0")
                    .put("simulated", false)
                    .put("remediation", true)
                    .put("start_at", at)
                    .put("stop_at", at)
                    .put("source", JsonValue.object().put("scope", SCOPE_IP).put("value", value).put("ip", value))
                    .put("decisions", new JsonValue.JsonArray(List.of(decision)))
                    .build());
        }
        return JsonWriter.write(new JsonValue.JsonArray(alerts));
    }

    /** {@code btblocker detector=handshake: BEP 3 handshake} (plus the origin when an operator banned by hand). */
    static String message(BanRequest r) {
        return "btblocker detector=" + r.detector() + ": " + r.reason()
                + (r.origin() == BanRequest.Origin.OPERATOR ? " (operator)" : "");
    }
}
