package org.btblocker.crowdsec;

import java.util.Map;

/**
 * Writes a {@link JsonValue} as compact JSON (no whitespace), members in their order, so that requests are
 * byte-exact and testable. Strings escape what RFC 8259 requires plus lone surrogates (which have no UTF-8 form),
 * so that {@link JsonReader#parse} reads back exactly the value written.
 */
final class JsonWriter {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonWriter() {
    }

    /** The compact JSON text of {@code value}. */
    static String write(JsonValue value) {
        StringBuilder out = new StringBuilder(256);
        write(out, value);
        return out.toString();
    }

    private static void write(StringBuilder out, JsonValue value) {
        if (value instanceof JsonValue.JsonObject o) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonValue> m : o.members().entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(out, m.getKey());
                out.append(':');
                write(out, m.getValue());
            }
            out.append('}');
        } else if (value instanceof JsonValue.JsonArray a) {
            out.append('[');
            for (int i = 0; i < a.elements().size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(out, a.elements().get(i));
            }
            out.append(']');
        } else if (value instanceof JsonValue.JsonString s) {
            string(out, s.value());
        } else if (value instanceof JsonValue.JsonNumber n) {
            out.append(n.value().toString()); // BigDecimal's form ("1E+3" included) is valid JSON
        } else if (value instanceof JsonValue.JsonBoolean b) {
            out.append(b == JsonValue.JsonBoolean.TRUE ? "true" : "false");
        } else {
            out.append("null");
        }
    }

    /** Appends {@code s} quoted and escaped. */
    static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || isLoneSurrogate(s, i)) {
                        out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 15])
                                .append(HEX[(c >> 4) & 15]).append(HEX[c & 15]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean isLoneSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        }
        return false;
    }
}
