package org.btblocker.app.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scenario line of {@code examples/lab/lab.sh}'s output, e.g.
 * {@code {"scenario": "bt-tcp-http", "kind": "bittorrent", "completed": false, ..., "pass": true}}.
 *
 * <p>The lab writes flat top-level fields before its nested ones ({@code leecher_report}, {@code gw_packets}), so the
 * first occurrence of a key is the top-level one; that is all the parsing relies on (the app has no JSON library).
 *
 * @param scenario    scenario name (bt-* or neg-*)
 * @param kind        "bittorrent" or "negative"
 * @param completed   the transfer completed byte-exact
 * @param bytes       verified bytes that reached the receiving side
 * @param total       bytes of the payload
 * @param firstBanS   seconds from the first packet on the gateway to the first ban; negative when there was none
 * @param banned      addresses found in the ban sets
 * @param detectors   detector names of the gateway's BLOCK lines
 * @param blockedFlows number of BLOCK lines in the gateway's log
 * @param error       lab infrastructure error ("" when none)
 * @param pass        the scenario met the lab's expectation
 * @param line        the raw line, for failure messages
 */
record LabResult(String scenario, String kind, boolean completed, long bytes, long total, double firstBanS,
                 List<String> banned, List<String> detectors, int blockedFlows, String error, boolean pass,
                 String line) {

    private static final String PREFIX = "{\"scenario\": \"";
    private static final Pattern STRING_LIST_ITEM = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    boolean isNegative() {
        return "negative".equals(kind);
    }

    /** Parses one output line; null when it is not a complete scenario line. Never throws. */
    static LabResult parse(String line) {
        if (line == null || !line.startsWith(PREFIX) || !line.endsWith("}")) {
            return null;
        }
        String scenario = string(line, "scenario");
        String kind = string(line, "kind");
        String completed = literal(line, "completed");
        String pass = literal(line, "pass");
        if (scenario == null || kind == null || completed == null || pass == null) {
            return null;
        }
        String error = string(line, "error");
        return new LabResult(scenario, kind, "true".equals(completed), number(line, "bytes"), number(line, "total"),
                decimal(line, "first_ban_s"), strings(line, "banned"), strings(line, "detectors"),
                (int) Math.max(0, Math.min(Integer.MAX_VALUE, number(line, "blocked_flows"))),
                error == null ? "" : error, "true".equals(pass), line);
    }

    private static Matcher find(String line, String key, String valuePattern) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\": " + valuePattern).matcher(line);
        return m.find() ? m : null;
    }

    private static String string(String line, String key) {
        Matcher m = find(line, key, "\"((?:[^\"\\\\]|\\\\.)*)\"");
        return m == null ? null : unescape(m.group(1));
    }

    private static String literal(String line, String key) {
        Matcher m = find(line, key, "(true|false)");
        return m == null ? null : m.group(1);
    }

    private static long number(String line, String key) {
        Matcher m = find(line, key, "(-?[0-9]{1,18})(?![0-9.eE])");
        return m == null ? -1 : Long.parseLong(m.group(1));
    }

    private static double decimal(String line, String key) {
        Matcher m = find(line, key, "(-?[0-9]{1,12}(?:\\.[0-9]{1,12})?)");
        return m == null ? -1 : Double.parseDouble(m.group(1));
    }

    private static List<String> strings(String line, String key) {
        Matcher m = find(line, key, "\\[((?:\"(?:[^\"\\\\]|\\\\.)*\"(?:, )?)*)\\]");
        List<String> out = new ArrayList<>();
        if (m != null) {
            Matcher item = STRING_LIST_ITEM.matcher(m.group(1));
            while (item.find()) {
                out.add(unescape(item.group(1)));
            }
        }
        return List.copyOf(out);
    }

    /** JSON string escapes; unknown or truncated escapes are kept as they are. */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                b.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> {
                    if (i + 4 < s.length() && s.substring(i + 1, i + 5).matches("[0-9a-fA-F]{4}")) {
                        b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                    } else {
                        b.append("\\u");
                    }
                }
                default -> b.append(e);
            }
        }
        return b.toString();
    }
}
