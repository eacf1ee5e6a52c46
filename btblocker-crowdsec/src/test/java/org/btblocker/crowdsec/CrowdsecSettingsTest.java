package org.btblocker.crowdsec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.btblocker.api.ban.BanFeed;
import org.btblocker.api.ban.BanSinkProvider;
import org.btblocker.api.ban.Enforcement;
import org.junit.jupiter.api.Test;

import com.typesafe.config.ConfigException;

/** The btblocker.crowdsec block: defaults, every check naming its key, the provider as ServiceLoader finds it. */
class CrowdsecSettingsTest {

    private static final Map<String, Object> MINIMAL = Map.of("machineId", "gw1", "passwordFile",
            "/run/credentials/btblocker.service/crowdsec-password");

    private static CrowdsecSettings with(Object... keyValues) {
        Map<String, Object> m = new HashMap<>(MINIMAL);
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return SinkConfigs.settings(m);
    }

    @Test
    void defaultsFromReferenceConf() {
        CrowdsecSettings s = with();
        assertThat(s.url()).hasToString("http://127.0.0.1:8080");
        assertThat(s.scenario()).isEqualTo("btblocker/bittorrent");
        assertThat(s.origin()).isEqualTo("btblocker");
        assertThat(s.pullOrigins()).containsExactly("btblocker");
        assertThat(s.pull()).isFalse();
        assertThat(s.bouncerKeyFile()).isNull();
        assertThat(s.hasCaFile()).isFalse();
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.pollInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.alertsPerRequest()).isEqualTo(100);
        assertThat(s.describe()).isEqualTo("crowdsec LAPI http://127.0.0.1:8080 as machine gw1 (scenario "
                + "btblocker/bittorrent, origin btblocker; no pull)");
        assertThat(with("pull", true, "bouncerKeyFile", "/k").describe()).endsWith("; pull origins [btblocker] every "
                + "10 s)");
    }

    @Test
    void pullOriginsFollowTheOrigin() {
        // pullOrigins = [${btblocker.crowdsec.origin}] in reference.conf: set before resolving, both change
        CrowdsecSettings s = SinkConfigs.settings(Map.of("machineId", "gw1", "passwordFile", "/p", "origin",
                "fleet"));
        assertThat(s.pullOrigins()).containsExactly("fleet");
    }

    @Test
    void urlsAreNormalised() {
        assertThat(with("url", "https://lapi.example.org:8443/crowdsec/").url())
                .hasToString("https://lapi.example.org:8443/crowdsec");
        assertThat(with("url", "HTTP://[::1]:8080").resolve("/v1/alerts")).hasToString("http://[::1]:8080/v1/alerts");
    }

    @Test
    void everyBadValueNamesItsKey() {
        record Bad(String key, Object value, String message) {
        }
        List<Bad> cases = List.of(
                new Bad("url", "127.0.0.1:8080", "'btblocker.crowdsec.url': expected an http:// or https:// url"),
                new Bad("url", "ftp://127.0.0.1", "'btblocker.crowdsec.url': expected an http:// or https:// url"),
                new Bad("url", "http://", "'btblocker.crowdsec.url': expected an http:// or https:// url"),
                new Bad("url", "http://a b", "'btblocker.crowdsec.url': expected an http:// or https:// url"),
                new Bad("url", "http://gw1:pw@127.0.0.1:8080", "'btblocker.crowdsec.url': expected a url without "
                        + "user:password@ (use passwordFile), got a url with credentials"),
                new Bad("url", "http://127.0.0.1:8080/?x=1",
                        "'btblocker.crowdsec.url': expected a url without ?query"),
                new Bad("machineId", "", "'btblocker.crowdsec.machineId': expected the machine name registered on the "
                        + "LAPI with `cscli machines add NAME --password ...` (no spaces; or machineId = passwordFile = "
                        + "\"\" with pull = true for a gateway that only pulls), got \"\""),
                new Bad("machineId", "gw 1", "'btblocker.crowdsec.machineId'"),
                new Bad("passwordFile", "", "'btblocker.crowdsec.passwordFile': expected the file holding the password "
                        + "of machine gw1, got \"\""),
                new Bad("passwordFile", "a\u0000b", "'btblocker.crowdsec.passwordFile': expected a file path"),
                new Bad("caFile", "/etc/ca.pem", "'btblocker.crowdsec.caFile': expected no CA file with an http url"),
                new Bad("scenario", "", "'btblocker.crowdsec.scenario': expected a scenario name"),
                new Bad("scenario", "a b", "'btblocker.crowdsec.scenario': expected a scenario name"),
                new Bad("origin", "bt blocker", "'btblocker.crowdsec.origin': expected an origin name"),
                new Bad("alertsPerRequest", 0, "'btblocker.crowdsec.alertsPerRequest': expected an integer from 1 to "
                        + "10000, got 0"),
                new Bad("requestTimeout", "10", "'btblocker.crowdsec.requestTimeout': expected a duration from 1s to "
                        + "5min, got \"10\" (a bare number is milliseconds)"),
                new Bad("requestTimeout", "soon", "'btblocker.crowdsec.requestTimeout': expected a duration such as "
                        + "\"10s\", got \"soon\""),
                new Bad("pollInterval", "2h", "'btblocker.crowdsec.pollInterval': expected a duration from 1s to 1h"),
                new Bad("pull", true, "'btblocker.crowdsec.bouncerKeyFile': expected the file holding the API key of "
                        + "`cscli bouncers add NAME` when pull = true, got \"\""),
                new Bad("pullOrigins", "btblocker", "'btblocker.crowdsec.pullOrigins': expected a list of origins"),
                new Bad("pullOrigins", List.of("ok", "not ok"), "'btblocker.crowdsec.pullOrigins': expected origins of "
                        + "1 to 64 characters"));
        for (Bad b : cases) {
            assertThatThrownBy(() -> with(b.key(), b.value())).as(b.toString())
                    .isInstanceOf(ConfigException.class).hasMessageContaining(b.message());
        }
    }

    @Test
    void theProviderIsFoundAndEnforcesNothing() {
        List<BanSinkProvider> found = new ArrayList<>();
        ServiceLoader.load(BanSinkProvider.class).forEach(found::add);
        assertThat(found).extracting(BanSinkProvider::name).containsExactly("crowdsec");
        CrowdsecBanSinkProvider.Setup setup = SinkConfigs.setup(MINIMAL, BanFeed.NONE, java.time.Clock.systemUTC());
        assertThat(setup.enforcement()).isEqualTo(Enforcement.none());
        assertThat(setup).as("a reload with the same settings keeps the sink")
                .isEqualTo(SinkConfigs.setup(MINIMAL, BanFeed.NONE, java.time.Clock.systemUTC()));
        assertThat(setup).isNotEqualTo(SinkConfigs.setup(Map.of("machineId", "gw2", "passwordFile", "/p"),
                BanFeed.NONE, java.time.Clock.systemUTC()));
        assertThat(setup.settings().passwordFile()).isEqualTo(Path.of(
                "/run/credentials/btblocker.service/crowdsec-password"));
    }

    @Test
    void aGatewayMayOnlyPull() {
        CrowdsecSettings s = SinkConfigs.settings(Map.of("pull", true, "bouncerKeyFile", "/k"));
        assertThat(s.push()).isFalse();
        assertThat(s.passwordFile()).isNull();
        assertThat(s.describe()).isEqualTo("crowdsec LAPI http://127.0.0.1:8080 (no push; pull origins [btblocker] "
                + "every 10 s)");
        assertThatThrownBy(() -> SinkConfigs.settings(Map.of("pull", true, "bouncerKeyFile", "/k", "passwordFile",
                "/p"))).hasMessageContaining("'btblocker.crowdsec.machineId': expected the machine name");
    }

    @Test
    void theDefaultMachineIdIsRefusedWithTheFix() {
        assertThatThrownBy(() -> SinkConfigs.settings(Map.of())).hasMessageContaining("'btblocker.crowdsec.machineId': "
                + "expected the machine name registered on the LAPI");
    }

    @Test
    void everyKeyInReferenceConfIsDocumented() throws IOException {
        String text;
        try (InputStream in = getClass().getResourceAsStream("/reference.conf")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String[] lines = text.split("\n");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.matches("[a-zA-Z]+ = .*")) {
                keys.add(l.substring(0, l.indexOf(' ')));
                assertThat(lines[i - 1].strip()).as("comment above " + l).startsWith("#");
            }
        }
        assertThat(keys).containsExactlyInAnyOrder("url", "machineId", "passwordFile", "caFile", "scenario", "origin",
                "alertsPerRequest", "requestTimeout", "pull", "bouncerKeyFile", "pullOrigins", "pollInterval");
    }
}
