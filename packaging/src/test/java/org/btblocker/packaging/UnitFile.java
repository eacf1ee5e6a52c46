package org.btblocker.packaging;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The directives of a systemd unit in one normal form, so a unit file and the NixOS module's {@code serviceConfig}
 * compare: a boolean is {@code yes}/{@code no} (systemd reads true/false/yes/no alike), a list is its items joined
 * by one space (as systemd merges repeated lines of list directives), whitespace is collapsed.
 */
final class UnitFile {

    private static final Set<String> TRUE = Set.of("yes", "true", "on", "1");
    private static final Set<String> FALSE = Set.of("no", "false", "off", "0");

    private UnitFile() {
    }

    /** Section name → directive → normalised value; repeated directives are joined in order. */
    static Map<String, Map<String, String>> parse(String text) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> current = null;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = sections.computeIfAbsent(line.substring(1, line.length() - 1), k -> new LinkedHashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (current == null || eq <= 0) {
                throw new IllegalArgumentException("not a unit file line: " + raw);
            }
            String key = line.substring(0, eq).strip();
            String value = normalise(line.substring(eq + 1));
            current.merge(key, value, (a, b) -> a + " " + b);
        }
        return sections;
    }

    /** A NixOS {@code serviceConfig} set (JSON-decoded) in the same normal form; empty lists are dropped. */
    static Map<String, String> fromNix(Map<String, Object> serviceConfig) {
        Map<String, String> out = new LinkedHashMap<>();
        serviceConfig.forEach((key, value) -> {
            List<String> items = new ArrayList<>();
            if (value instanceof List<?> list) {
                list.forEach(v -> items.add(scalar(v)));
            } else {
                items.add(scalar(value));
            }
            if (!items.isEmpty()) {
                out.put(key, normalise(String.join(" ", items)));
            }
        });
        return out;
    }

    private static String scalar(Object v) {
        if (v instanceof Boolean b) {
            return b ? "yes" : "no";
        }
        return String.valueOf(v);
    }

    private static String normalise(String value) {
        String v = value.strip().replaceAll("\\s+", " ");
        String lower = v.toLowerCase(Locale.ROOT);
        return TRUE.contains(lower) ? "yes" : FALSE.contains(lower) ? "no" : v;
    }
}
