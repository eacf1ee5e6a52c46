package org.btblocker.detectors.endpoint;

import org.btblocker.api.Detector;
import org.btblocker.api.DetectorProvider;
import org.btblocker.api.Interest;

import com.typesafe.config.Config;

/** Provides the {@code endpoint} detector: flows to endpoints proven BitTorrent earlier. */
public final class EndpointDetectorProvider implements DetectorProvider {

    @Override
    public String name() {
        return "endpoint";
    }

    @Override
    public String description() {
        return "flows to or from an ip:port proven BitTorrent earlier (DHT/tracker/PEX replies, matched flows)";
    }

    @Override
    public Interest interest() {
        return Interest.ALL_PACKETS;
    }

    @Override
    public int stateSlots() {
        return 0;
    }

    @Override
    public Detector create(Config ownConfig) {
        return new EndpointDetector();
    }
}
