package org.btblocker.crowdsec;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import org.btblocker.api.ConfigChecks;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * The {@code btblocker.crowdsec} block, read and checked without touching anything: the files are named here and
 * read by {@link CrowdsecBanSink} (the password at every login, so that a rotated password needs no restart), and
 * none of their contents is part of this record, so it can be logged and compared on reload.
 *
 * @param url              the Local API base, without a trailing slash ({@code http://127.0.0.1:8080})
 * @param machineId        the machine name registered with {@code cscli machines add}; empty for a gateway that
 *                         only pulls
 * @param passwordFile     the file holding its password, or null when {@code machineId} is empty
 * @param caFile           a PEM file of extra trusted CAs, or null for the system trust store only
 * @param scenario         the pushed alerts' scenario
 * @param origin           the pushed decisions' origin
 * @param alertsPerRequest alerts per {@code POST /v1/alerts}
 * @param requestTimeout   one HTTP request's limit (also the connect timeout)
 * @param pull             whether to follow the decision stream
 * @param bouncerKeyFile   the file holding the bouncer API key, or null when {@code pull} is off
 * @param pullOrigins      origins whose decisions pull applies; empty = all
 * @param pollInterval     time between two polls of the stream
 */
record CrowdsecSettings(URI url, String machineId, Path passwordFile, Path caFile, String scenario, String origin,
        int alertsPerRequest, Duration requestTimeout, boolean pull, Path bouncerKeyFile, List<String> pullOrigins,
        Duration pollInterval) {

    static final String BLOCK = "btblocker.crowdsec";

    // Origins and scenarios travel in URL queries and JSON; the LAPI's own ones ("crowdsec", "cscli", "CAPI",
    // "lists", "crowdsecurity/ssh-bf") fit these patterns.
    private static final Pattern ORIGIN = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final Pattern SCENARIO = Pattern.compile("[A-Za-z0-9_.:/-]{1,128}");

    CrowdsecSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(machineId, "machineId");
        if (!machineId.isEmpty()) {
            Objects.requireNonNull(passwordFile, "passwordFile");
        }
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(pollInterval, "pollInterval");
        pullOrigins = List.copyOf(pullOrigins);
    }

    /** True when this gateway pushes its bans (a machine is configured); false for a pull-only gateway. */
    boolean push() {
        return !machineId.isEmpty();
    }

    /** True when a CA file is configured. */
    boolean hasCaFile() {
        return caFile != null;
    }

    /** The URI of {@code pathAndQuery} ({@code "/v1/alerts"}) under the base url. */
    URI resolve(String pathAndQuery) {
        return URI.create(url + pathAndQuery);
    }

    /**
     * Reads the block, checking every key.
     *
     * @param own the {@code btblocker.crowdsec} block
     * @throws ConfigException naming the full key path of a missing or bad value
     */
    static CrowdsecSettings from(Config own) {
        URI url = url(own);
        boolean pull = own.getBoolean("pull");
        String machineId = own.getString("machineId").strip();
        Path passwordFile = optionalFile(own, "passwordFile");
        // no machine at all: a gateway that only pulls the fleet's bans and pushes none
        boolean push = !(machineId.isEmpty() && passwordFile == null && pull);
        if (push && (machineId.isEmpty() || !machineId.chars().allMatch(c -> c > 0x20 && c != 0x7f))) {
            throw ConfigChecks.bad(own, BLOCK, "machineId", "the machine name registered on the LAPI with `cscli "
                    + "machines add NAME --password ...` (no spaces; or machineId = passwordFile = \"\" with pull = "
                    + "true for a gateway that only pulls), got \"" + machineId + "\"");
        }
        if (push && passwordFile == null) {
            throw ConfigChecks.bad(own, BLOCK, "passwordFile", "the file holding the password of machine "
                    + machineId + ", got \"\"");
        }
        Path caFile = optionalFile(own, "caFile");
        if (caFile != null && !url.getScheme().equals("https")) {
            throw ConfigChecks.bad(own, BLOCK, "caFile", "no CA file with an http url (" + url + "): use an https "
                    + "url or caFile = \"\"");
        }
        String scenario = matching(own, "scenario", SCENARIO, "a scenario name such as \"btblocker/bittorrent\"");
        String origin = matching(own, "origin", ORIGIN, "an origin name such as \"btblocker\"");
        int alertsPerRequest = ConfigChecks.intIn(own, BLOCK, "alertsPerRequest", 1, 10_000);
        Duration requestTimeout = durationIn(own, "requestTimeout", Duration.ofSeconds(1), Duration.ofMinutes(5));
        Path bouncerKeyFile = optionalFile(own, "bouncerKeyFile");
        if (pull && bouncerKeyFile == null) {
            throw ConfigChecks.bad(own, BLOCK, "bouncerKeyFile", "the file holding the API key of `cscli bouncers "
                    + "add NAME` when pull = true, got \"\"");
        }
        List<String> pullOrigins;
        try {
            pullOrigins = own.getStringList("pullOrigins");
        } catch (ConfigException.WrongType e) {
            throw ConfigChecks.bad(own, BLOCK, "pullOrigins", "a list of origins like [btblocker] ([] = all), got "
                    + own.getValue("pullOrigins").render());
        }
        for (String o : pullOrigins) {
            if (!ORIGIN.matcher(o).matches()) {
                throw ConfigChecks.bad(own, BLOCK, "pullOrigins", "origins of 1 to 64 characters A-Z a-z 0-9 _ . : -"
                        + ", got \"" + o + "\"");
            }
        }
        Duration pollInterval = durationIn(own, "pollInterval", Duration.ofSeconds(1), Duration.ofHours(1));
        return new CrowdsecSettings(url, machineId, passwordFile, caFile, scenario, origin, alertsPerRequest,
                requestTimeout, pull, pull ? bouncerKeyFile : null, pullOrigins, pollInterval);
    }

    private static URI url(Config own) {
        String text = own.getString("url").strip();
        String expected = "an http:// or https:// url of the Local API such as \"http://127.0.0.1:8080\", got \""
                + text + "\"";
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw ConfigChecks.bad(own, BLOCK, "url", expected);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.isOpaque()) {
            throw ConfigChecks.bad(own, BLOCK, "url", expected);
        }
        if (uri.getRawUserInfo() != null) {
            // it would end up in logs; the machine's password comes from passwordFile
            throw ConfigChecks.bad(own, BLOCK, "url", "a url without user:password@ (use passwordFile), got a url "
                    + "with credentials");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw ConfigChecks.bad(own, BLOCK, "url", "a url without ?query or #fragment, got \"" + text + "\"");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        try {
            return new URI(scheme + "://" + uri.getRawAuthority() + path);
        } catch (URISyntaxException e) {
            throw ConfigChecks.bad(own, BLOCK, "url", expected);
        }
    }

    private static Path optionalFile(Config own, String key) {
        String text = own.getString(key).strip();
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw ConfigChecks.bad(own, BLOCK, key, "a file path, got \"" + text + "\"");
        }
    }

    private static String matching(Config own, String key, Pattern pattern, String expected) {
        String value = own.getString(key);
        if (!pattern.matcher(value).matches()) {
            throw ConfigChecks.bad(own, BLOCK, key, expected + ", got \"" + value + "\"");
        }
        return value;
    }

    private static Duration durationIn(Config own, String key, Duration min, Duration max) {
        Duration d;
        try {
            d = own.getDuration(key);
        } catch (ConfigException.BadValue | ConfigException.WrongType e) {
            throw ConfigChecks.bad(own, BLOCK, key, "a duration such as \"10s\", got " + own.getValue(key).render());
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw ConfigChecks.bad(own, BLOCK, key, "a duration from " + text(min) + " to " + text(max) + ", got "
                    + own.getValue(key).render() + " (a bare number is milliseconds)");
        }
        return d;
    }

    private static String text(Duration d) {
        return d.toHours() > 0 && d.toMinutesPart() == 0 ? d.toHours() + "h"
                : d.toMinutes() > 0 && d.toSecondsPart() == 0 ? d.toMinutes() + "min" : d.toSeconds() + "s";
    }

    /** One line for logs (no secret is in the settings). */
    String describe() {
        return "crowdsec LAPI " + url + (push() ? " as machine " + machineId + " (scenario " + scenario + ", origin "
                + origin : " (no push")
                + (pull ? "; pull " + (pullOrigins.isEmpty() ? "all origins" : "origins " + pullOrigins) + " every "
                + pollInterval.toSeconds() + " s" : "; no pull") + ")";
    }
}
