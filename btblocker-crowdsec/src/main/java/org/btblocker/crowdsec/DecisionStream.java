package org.btblocker.crowdsec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One answer of {@code GET /v1/decisions/stream}:
 * {@code {"deleted":[...]|null,"new":[...]|null}}, each decision
 * {@code {"duration":"4h59m30.72s","id":1,"origin":"btblocker","scenario":"btblocker/bittorrent","scope":"Ip",
 * "type":"ban","value":"192.0.2.2"}}. With {@code startup=true} "new" holds every active decision; without it, what
 * was added since this bouncer's previous poll, and "deleted" what was deleted or expired since then (with a
 * negative duration: how long ago). LAPI 1.4.6 may list a deleted decision in two consecutive polls.
 *
 * @param added     decisions added (or, at startup, all active ones)
 * @param deleted   decisions deleted or expired
 * @param malformed decisions skipped because a field was missing or unreadable
 */
record DecisionStream(List<Decision> added, List<Decision> deleted, int malformed) {

    DecisionStream {
        added = List.copyOf(added);
        deleted = List.copyOf(deleted);
    }

    /**
     * One decision as the stream lists it.
     *
     * @param id        the LAPI's decision id
     * @param origin    who decided ({@code btblocker}, {@code crowdsec}, {@code cscli}, {@code CAPI}, {@code lists})
     * @param type      {@code ban}, {@code captcha}, ...
     * @param scope     {@code Ip}, {@code Range}, ...
     * @param value     the address (for scope Ip)
     * @param scenario  the scenario or reason
     * @param remaining time left; negative for a deleted or expired decision
     */
    record Decision(long id, String origin, String type, String scope, String value, String scenario,
            Duration remaining) {
    }

    /**
     * Parses a stream answer.
     *
     * @throws JsonException when the body is not JSON or not an object with the two lists
     */
    static DecisionStream parse(String body) throws JsonException {
        JsonValue.JsonObject o = JsonReader.parse(body).asObject("decision stream");
        List<Decision> added = new ArrayList<>();
        List<Decision> deleted = new ArrayList<>();
        int malformed = decisions(o.get("new").asArrayOrEmpty("decision stream \"new\""), added);
        malformed += decisions(o.get("deleted").asArrayOrEmpty("decision stream \"deleted\""), deleted);
        return new DecisionStream(added, deleted, malformed);
    }

    private static int decisions(List<JsonValue> elements, List<Decision> out) {
        int malformed = 0;
        for (JsonValue e : elements) {
            try {
                JsonValue.JsonObject d = e.asObject("decision");
                Optional<Duration> remaining = GoDuration.parse(d.string("duration"));
                if (remaining.isEmpty()) {
                    malformed++;
                    continue;
                }
                out.add(new Decision(d.get("id").asLong("id"), d.string("origin"), d.string("type"),
                        d.string("scope"), d.string("value"), optionalString(d.get("scenario")), remaining.get()));
            } catch (JsonException bad) {
                malformed++;
            }
        }
        return malformed;
    }

    private static String optionalString(JsonValue v) {
        return v instanceof JsonValue.JsonString s ? s.value() : "";
    }
}
