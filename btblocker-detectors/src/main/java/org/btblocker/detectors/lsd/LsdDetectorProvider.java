package org.btblocker.detectors.lsd;

import com.typesafe.config.Config;
import org.btblocker.api.Detector;
import org.btblocker.api.DetectorProvider;
import org.btblocker.api.Interest;

/** The lsd detector: BitTorrent Local Service Discovery announces (BEP 14). */
public final class LsdDetectorProvider implements DetectorProvider {

    /** For {@link java.util.ServiceLoader}. */
    public LsdDetectorProvider() {
    }

    @Override
    public String name() {
        return "lsd";
    }

    @Override
    public String description() {
        return "BitTorrent Local Service Discovery: BT-SEARCH announces to 239.192.152.143:6771 / [ff15::efc0:988f]:6771"
            + " (BEP 14)";
    }

    @Override
    public Interest interest() {
        return Interest.UDP_PAYLOAD;
    }

    @Override
    public int stateSlots() {
        return 0;
    }

    @Override
    public Detector create(Config ownConfig) {
        return new LsdDetector(LsdSettings.from(ownConfig));
    }
}
