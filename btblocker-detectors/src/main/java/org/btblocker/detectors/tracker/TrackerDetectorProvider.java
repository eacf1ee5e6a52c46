package org.btblocker.detectors.tracker;

import com.typesafe.config.Config;

import org.btblocker.api.Detector;
import org.btblocker.api.DetectorProvider;
import org.btblocker.api.Interest;

/**
 * The {@code tracker} detector: BEP 15 UDP tracker messages, BEP 3 / BEP 48 HTTP tracker announces, scrapes and
 * responses, and HTTP requests from BitTorrent clients (BEP 19 web seeds). See
 * {@link org.btblocker.detectors.tracker the package description}.
 */
public final class TrackerDetectorProvider implements DetectorProvider {

    /** Used by {@link java.util.ServiceLoader}. */
    public TrackerDetectorProvider() {
    }

    @Override
    public String name() {
        return "tracker";
    }

    @Override
    public String description() {
        return "BitTorrent trackers: BEP 15 UDP tracker, HTTP announce/scrape and responses, client User-Agents";
    }

    @Override
    public Interest interest() {
        return Interest.TCP_AND_UDP_PAYLOAD;
    }

    @Override
    public int stateSlots() {
        return TrackerDetector.SLOTS;
    }

    @Override
    public Detector create(Config ownConfig) {
        return new TrackerDetector(TrackerSettings.from(ownConfig));
    }
}
