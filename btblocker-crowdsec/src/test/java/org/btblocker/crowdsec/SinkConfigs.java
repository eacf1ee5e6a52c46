package org.btblocker.crowdsec;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.btblocker.api.ban.BanFeed;
import org.btblocker.api.ban.BanSinkContext;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;

/** Builds crowdsec sink setups for tests: this module's reference.conf with some keys set. */
final class SinkConfigs {

    private SinkConfigs() {
    }

    /** The {@code btblocker} block with {@code btblocker.crowdsec.<key>} set from {@code settings}. */
    static Config btblocker(Map<String, Object> settings) {
        Config c = ConfigFactory.empty();
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            c = c.withValue("btblocker.crowdsec." + e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue()));
        }
        return c.withFallback(ConfigFactory.defaultReferenceUnresolved()).resolve().getConfig("btblocker");
    }

    /** The settings the provider reads from {@code settings}. */
    static CrowdsecSettings settings(Map<String, Object> settings) {
        return CrowdsecSettings.from(btblocker(settings).getConfig("crowdsec"));
    }

    /** A setup as the daemon would configure it, with {@code feed} and {@code clock}. */
    static CrowdsecBanSinkProvider.Setup setup(Map<String, Object> settings, BanFeed feed, Clock clock) {
        Config b = btblocker(settings);
        CrowdsecBanSinkProvider.Setup s = (CrowdsecBanSinkProvider.Setup) new CrowdsecBanSinkProvider().configure(
                new BanSinkContext(b, b.getConfig("crowdsec"), Duration.ofSeconds(18000), Path.of("/nonexistent"),
                        feed));
        return new CrowdsecBanSinkProvider.Setup(s.settings(), s.feed(), clock);
    }
}
