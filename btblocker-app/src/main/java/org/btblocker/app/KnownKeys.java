package org.btblocker.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.btblocker.app.errors.ExitCodes;
import org.btblocker.app.errors.UserException;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

/**
 * Refuses keys under {@code btblocker.} that no module declares: a typo such as {@code btblocker.queuNum = 5} or
 * {@code entropy.treshold} would otherwise be ignored in silence and the default used. The known keys are those of
 * every {@code reference.conf} the class loader sees: each module's, and each plugin's own (a plugin declares its
 * keys there, under {@code btblocker.<name>}). An empty object in a reference.conf leaves its contents free. The
 * message names the key, where it was set and the nearest known key, so the fix is obvious.
 */
public final class KnownKeys {

    private static final String ROOT = "btblocker";

    private KnownKeys() {
    }

    /**
     * Checks every key under {@code btblocker} of {@code root} against the reference.conf files {@code loader} sees.
     *
     * @throws UserException exit 2 ({@link ExitCodes#CONFIG}), one line naming the first unknown key (in sorted
     *         order), where it was set and the nearest known key, and how many more there are
     */
    public static void refuseUnknown(Config root, ClassLoader loader) {
        Config reference = ConfigFactory.defaultReference(loader);
        if (!root.hasPath(ROOT) || !reference.hasPath(ROOT)) {
            return;
        }
        Map<String, ConfigValue> known = new TreeMap<>();
        collect(reference.getObject(ROOT), ROOT, known);
        List<String> unknown = new ArrayList<>();
        List<ConfigValue> where = new ArrayList<>();
        unknownUnder(root.getObject(ROOT), ROOT, known, unknown, where);
        if (unknown.isEmpty()) {
            return;
        }
        String key = unknown.get(0);
        ConfigValue value = where.get(0);
        String origin = value.origin() == null || value.origin().description() == null ? ""
                : " (set in " + value.origin().description() + ")";
        throw new UserException(ExitCodes.CONFIG, key + ": unknown key" + origin + "; did you mean "
                + nearest(key, known.keySet()) + "?" + (unknown.size() > 1 ? " (" + (unknown.size() - 1)
                + " more unknown: " + String.join(", ", unknown.subList(1, Math.min(unknown.size(), 6)))
                + (unknown.size() > 6 ? ", ..." : "") + ")" : ""));
    }

    /** Every path of the reference (objects and leaves), with its value. */
    private static void collect(ConfigObject object, String prefix, Map<String, ConfigValue> known) {
        for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
            String path = prefix + "." + ConfigUtil.joinPath(e.getKey());
            known.put(path, e.getValue());
            if (e.getValue().valueType() == ConfigValueType.OBJECT) {
                collect((ConfigObject) e.getValue(), path, known);
            }
        }
    }

    private static void unknownUnder(ConfigObject object, String prefix, Map<String, ConfigValue> known,
                                     List<String> unknown, List<ConfigValue> where) {
        for (String k : new TreeSet<>(object.keySet())) {
            ConfigValue v = object.get(k);
            String path = prefix + "." + ConfigUtil.joinPath(k);
            ConfigValue reference = known.get(path);
            if (reference == null) {
                unknown.add(path);
                where.add(v);
            } else if (v.valueType() == ConfigValueType.OBJECT && reference.valueType() == ConfigValueType.OBJECT
                    && !((ConfigObject) reference).isEmpty()) {
                unknownUnder((ConfigObject) v, path, known, unknown, where);
            }
        }
    }

    /** The known key closest to {@code key} by edit distance (ties: the first in sorted order). */
    static String nearest(String key, Iterable<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(key, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance, case-insensitive (a wrongly cased key is still the same typo). */
    static int distance(String a, String b) {
        String x = a.toLowerCase(Locale.ROOT);
        String y = b.toLowerCase(Locale.ROOT);
        int[] previous = new int[y.length() + 1];
        int[] current = new int[y.length() + 1];
        for (int j = 0; j <= y.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= x.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= y.length(); j++) {
                int substitution = previous[j - 1] + (x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[y.length()];
    }
}
