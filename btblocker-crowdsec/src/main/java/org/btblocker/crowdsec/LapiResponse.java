package org.btblocker.crowdsec;

/**
 * One answer of the Local API.
 *
 * @param status the HTTP status
 * @param body   the body as text (JSON, possibly empty)
 */
record LapiResponse(int status, String body) {

    /** Longest LAPI message quoted in an error line. */
    private static final int MAX_MESSAGE = 200;

    /**
     * The {@code "message"} of a LAPI error body ({@code {"code":401,"message":"incorrect Username or Password"}}),
     * on one line and shortened; empty when there is none.
     */
    String message() {
        String m = "";
        try {
            JsonValue v = JsonReader.parse(body);
            if (v instanceof JsonValue.JsonObject o && o.get("message") instanceof JsonValue.JsonString s) {
                m = s.value();
            }
        } catch (JsonException e) {
            m = body.length() > 0 && body.length() <= MAX_MESSAGE && body.chars().allMatch(c -> c >= 0x20 && c < 0x7f)
                    ? body : "";
        }
        m = m.replaceAll("\\s+", " ").strip();
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "..." : m;
    }
}
