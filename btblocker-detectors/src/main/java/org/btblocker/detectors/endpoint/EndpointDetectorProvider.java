package org.btblocker.detectors.endpoint;

import java.util.Locale;

import org.btblocker.api.ConfigChecks;
import org.btblocker.api.Detector;
import org.btblocker.api.DetectorProvider;
import org.btblocker.api.EndpointKnowledge.Standing;
import org.btblocker.api.Interest;

import com.typesafe.config.Config;

/** Provides the {@code endpoint} detector: flows to endpoints the endpoint memory knows, judged by their opening. */
public final class EndpointDetectorProvider implements DetectorProvider {

    @Override
    public String name() {
        return "endpoint";
    }

    @Override
    public String description() {
        return "flows to an ip:port known to speak BitTorrent (proven, or listed by two networks) that open like "
                + "no other protocol";
    }

    @Override
    public Interest interest() {
        return Interest.ALL_PACKETS;
    }

    @Override
    public Detector create(Config own) {
        String text = own.getString("minStanding");
        Standing standing;
        try {
            standing = Standing.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            standing = null;
        }
        if (standing == null || standing == Standing.UNKNOWN) {
            throw ConfigChecks.bad(own, "btblocker.endpoint", "minStanding", "claimed, corroborated or proven, got \""
                    + text + "\"");
        }
        return new EndpointDetector(standing);
    }
}
