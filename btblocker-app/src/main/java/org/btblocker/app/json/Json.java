package org.btblocker.app.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON the app reads and writes (scan verdicts, the ban journal, the control socket, log lines), per
 * RFC 8259, without a JSON library. Writing: {@link #string} and {@link #object}. Reading: {@link #parse}, a strict
 * recursive-descent parser with a depth and size limit that returns {@code null} for anything that is not one JSON
 * value, never throwing.
 */
public final class Json {

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** Deepest nesting {@link #parse} accepts. */
    public static final int MAX_DEPTH = 32;
    /** Longest text {@link #parse} accepts, in characters. */
    public static final int MAX_LENGTH = 1 << 20;

    private Json() {
    }

    /** Appends {@code s} as a JSON string literal (quoted and escaped), or {@code null}. */
    public static StringBuilder string(StringBuilder out, String s) {
        if (s == null) {
            return out.append("null");
        }
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
                    // control characters must be escaped; so are the JavaScript line separators, to be safe
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 15]).append(HEX[(c >> 4) & 15])
                            .append(HEX[c & 15]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    /** Appends any value {@link #parse} can return (Map, List, String, Long, Integer, Double, Boolean, null). */
    public static StringBuilder value(StringBuilder out, Object v) {
        if (v == NULL) {
            return out.append("null");
        }
        if (v == null || v instanceof String) {
            return string(out, (String) v);
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Boolean) {
            return out.append(v);
        }
        if (v instanceof Double d) {
            return Double.isFinite(d) ? out.append(d) : out.append("null");
        }
        if (v instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(out, String.valueOf(e.getKey())).append(':');
                value(out, e.getValue());
            }
            return out.append('}');
        }
        if (v instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                value(out, list.get(i));
            }
            return out.append(']');
        }
        return string(out, v.toString());
    }

    /** One object of alternating keys and values, in that order: {@code object("seq", 1, "op", "ban")}. */
    public static String object(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must pair up");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return value(new StringBuilder(96), m).toString();
    }

    /**
     * Parses one JSON value: objects become {@link LinkedHashMap}s, arrays {@link ArrayList}s, integers that fit
     * {@link Long}, other numbers {@link Double}.
     *
     * @return the value, {@link #NULL} for a JSON {@code null}, or {@code null} when {@code text} is not exactly one
     *         valid JSON value (or is too deep or too long)
     */
    public static Object parse(String text) {
        if (text == null || text.length() > MAX_LENGTH) {
            return null;
        }
        Parser p = new Parser(text);
        Object v = p.value(0);
        p.whitespace();
        return v == null || p.pos != text.length() ? null : v;
    }

    /** A JSON object parsed by {@link #parse}, or null when {@code text} is not one. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        return parse(text) instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    /** Same as {@link #parseObject}: the journal's records are flat objects. */
    public static Map<String, Object> parseFlatObject(String text) {
        return parseObject(text);
    }

    /** What {@link #parse} returns for a JSON {@code null} (a real null means "not JSON"). */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private static final class Parser {
        private final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        void whitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                return null;
            }
            whitespace();
            if (pos >= s.length()) {
                return null;
            }
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", NULL);
                default -> c == '-' || (c >= '0' && c <= '9') ? number() : null;
            };
        }

        private Object literal(String word, Object v) {
            if (s.startsWith(word, pos)) {
                pos += word.length();
                return v;
            }
            return null;
        }

        private Map<String, Object> object(int depth) {
            pos++;
            Map<String, Object> m = new LinkedHashMap<>();
            whitespace();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return m;
            }
            while (true) {
                whitespace();
                if (pos >= s.length() || s.charAt(pos) != '"') {
                    return null;
                }
                String key = string();
                whitespace();
                if (key == null || pos >= s.length() || s.charAt(pos) != ':') {
                    return null;
                }
                pos++;
                Object v = value(depth + 1);
                if (v == null) {
                    return null;
                }
                m.put(key, v);
                whitespace();
                if (pos >= s.length()) {
                    return null;
                }
                char c = s.charAt(pos++);
                if (c == '}') {
                    return m;
                }
                if (c != ',') {
                    return null;
                }
            }
        }

        private List<Object> array(int depth) {
            pos++;
            List<Object> list = new ArrayList<>();
            whitespace();
            if (pos < s.length() && s.charAt(pos) == ']') {
                pos++;
                return list;
            }
            while (true) {
                Object v = value(depth + 1);
                if (v == null) {
                    return null;
                }
                list.add(v);
                whitespace();
                if (pos >= s.length()) {
                    return null;
                }
                char c = s.charAt(pos++);
                if (c == ']') {
                    return list;
                }
                if (c != ',') {
                    return null;
                }
            }
        }

        private String string() {
            pos++;
            StringBuilder out = new StringBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    return null;
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (pos >= s.length()) {
                    return null;
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            return null;
                        }
                        int code = 0;
                        for (int k = 0; k < 4; k++) {
                            int d = Character.digit(s.charAt(pos++), 16);
                            if (d < 0) {
                                return null;
                            }
                            code = code << 4 | d;
                        }
                        out.append((char) code);
                    }
                    default -> {
                        return null;
                    }
                }
            }
            return null;
        }

        private Object number() {
            int start = pos;
            if (s.charAt(pos) == '-') {
                pos++;
            }
            int intStart = pos;
            while (pos < s.length() && Character.isDigit(s.charAt(pos)) && s.charAt(pos) < 128) {
                pos++;
            }
            int intDigits = pos - intStart;
            if (intDigits == 0 || (intDigits > 1 && s.charAt(intStart) == '0')) {
                return null;
            }
            boolean integral = true;
            if (pos < s.length() && s.charAt(pos) == '.') {
                integral = false;
                pos++;
                int f = pos;
                while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                    pos++;
                }
                if (pos == f) {
                    return null;
                }
            }
            if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                integral = false;
                pos++;
                if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                    pos++;
                }
                int e = pos;
                while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                    pos++;
                }
                if (pos == e) {
                    return null;
                }
            }
            String text = s.substring(start, pos);
            if (integral && intDigits <= 19) {
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException ex) {
                    // beyond a long: a double below
                }
            }
            try {
                double d = Double.parseDouble(text);
                return Double.isFinite(d) ? d : null;
            } catch (NumberFormatException ex) {
                return null;
            }
        }
    }
}
