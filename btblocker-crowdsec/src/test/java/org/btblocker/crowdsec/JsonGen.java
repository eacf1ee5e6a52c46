package org.btblocker.crowdsec;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * QuickTheories generators: JSON values of every kind (nested up to 5 levels, strings with escapes, control
 * characters, non-ASCII, surrogate pairs and lone surrogates, numbers with fractions and exponents), the LAPI's
 * decision stream documents, and byte-level mutations and truncations of their text.
 */
final class JsonGen {

    private static final String ALPHABET = "abcXYZ019 _-./:\"\\\u0000\u0001\u001f\n\t\r\b\f\u007f\u00e9\u20ac"
            + "\u2028\ud83d\ude00\ud800\udc00";

    private JsonGen() {
    }

    /** Any JSON value. */
    static Gen<JsonValue> values() {
        return in -> value(in, 0);
    }

    private static JsonValue value(RandomnessSource in, int depth) {
        int kind = (int) in.next(Constraint.between(0, depth >= 5 ? 3 : 5));
        switch (kind) {
            case 0:
                return new JsonValue.JsonString(string(in));
            case 1:
                return new JsonValue.JsonNumber(number(in));
            case 2:
                return in.next(Constraint.between(0, 1)) == 0 ? JsonValue.JsonBoolean.of(
                        in.next(Constraint.between(0, 1)) == 1) : JsonValue.JsonNull.INSTANCE;
            case 3:
                return new JsonValue.JsonString(string(in));
            case 4: {
                int n = (int) in.next(Constraint.between(0, 4));
                List<JsonValue> elements = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    elements.add(value(in, depth + 1));
                }
                return new JsonValue.JsonArray(elements);
            }
            default: {
                int n = (int) in.next(Constraint.between(0, 4));
                LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    members.put(string(in), value(in, depth + 1));
                }
                return new JsonValue.JsonObject(members);
            }
        }
    }

    static String string(RandomnessSource in) {
        int n = (int) in.next(Constraint.between(0, 12));
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(ALPHABET.charAt((int) in.next(Constraint.between(0, ALPHABET.length() - 1))));
        }
        return s.toString();
    }

    private static BigDecimal number(RandomnessSource in) {
        long unscaled = in.next(Constraint.none());
        int scale = (int) in.next(Constraint.between(-40, 40));
        return in.next(Constraint.between(0, 2)) == 0 ? BigDecimal.valueOf(unscaled)
                : BigDecimal.valueOf(unscaled, scale);
    }

    /** A decision stream answer as LAPI 1.4.6 writes it, with 0 to 6 decisions in each list (or null). */
    static Gen<String> streams() {
        return in -> {
            StringBuilder s = new StringBuilder("{\"deleted\":");
            decisions(in, s, true);
            s.append(",\"new\":");
            decisions(in, s, false);
            return s.append('}').toString();
        };
    }

    private static void decisions(RandomnessSource in, StringBuilder s, boolean deleted) {
        int n = (int) in.next(Constraint.between(-1, 6));
        if (n < 0) {
            s.append("null");
            return;
        }
        s.append('[');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                s.append(',');
            }
            long id = in.next(Constraint.between(1, Long.MAX_VALUE));
            long millis = in.next(Constraint.between(1, 18_000_000));
            String duration = (deleted ? "-" : "") + (millis / 3_600_000 > 0 ? millis / 3_600_000 + "h" : "")
                    + (millis / 60_000 % 60) + "m" + (millis / 1000 % 60) + "." + (millis % 1000) + "s";
            String value = in.next(Constraint.between(0, 1)) == 0
                    ? "192.0.2." + in.next(Constraint.between(0, 255))
                    : "2001:db8::" + Long.toHexString(in.next(Constraint.between(0, 0xffff)));
            s.append("{\"duration\":\"").append(duration).append("\",\"id\":").append(id)
                    .append(",\"origin\":\"btblocker\",\"scenario\":\"btblocker/bittorrent\",\"scope\":\"Ip\","
                            + "\"type\":\"ban\",\"value\":\"").append(value).append("\"}");
        }
        s.append(']');
    }

    /** {@code base}'s text with 1 to 4 random edits: a character replaced, inserted or deleted. */
    static Gen<String> mutated(Gen<String> base) {
        return in -> {
            StringBuilder s = new StringBuilder(base.generate(in));
            int edits = (int) in.next(Constraint.between(1, 4));
            String pool = "{}[]\":,\\-+.eE0123456789tfnul \u0000\u00ff\ud800x";
            for (int i = 0; i < edits && s.length() > 0; i++) {
                int at = (int) in.next(Constraint.between(0, s.length() - 1));
                char c = pool.charAt((int) in.next(Constraint.between(0, pool.length() - 1)));
                switch ((int) in.next(Constraint.between(0, 2))) {
                    case 0 -> s.setCharAt(at, c);
                    case 1 -> s.insert(at, c);
                    default -> s.deleteCharAt(at);
                }
            }
            return s.toString();
        };
    }

    /** A prefix of {@code base}'s text (possibly empty, never all of it). */
    static Gen<String> truncated(Gen<String> base) {
        return in -> {
            String s = base.generate(in);
            return s.isEmpty() ? s : s.substring(0, (int) in.next(Constraint.between(0, s.length() - 1)));
        };
    }

    /** The compact text of generated values. */
    static Gen<String> texts() {
        return values().map(JsonWriter::write);
    }
}
