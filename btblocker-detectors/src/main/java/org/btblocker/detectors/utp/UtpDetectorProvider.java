package org.btblocker.detectors.utp;

import com.typesafe.config.Config;

import org.btblocker.api.Detector;
import org.btblocker.api.DetectorProvider;
import org.btblocker.api.Interest;

/** Provides the {@code utp} detector: uTorrent transport protocol (BEP 29) connections over UDP. */
public final class UtpDetectorProvider implements DetectorProvider {

    /** For {@link java.util.ServiceLoader}. */
    public UtpDetectorProvider() {
    }

    @Override
    public String name() {
        return "utp";
    }

    @Override
    public String description() {
        return "uTP (BEP 29): SYN answered by STATE, or a connection seen from both ends mid-stream";
    }

    @Override
    public Interest interest() {
        return Interest.UDP_PAYLOAD;
    }

    @Override
    public int stateSlots() {
        return UtpDetector.SLOTS;
    }

    @Override
    public Detector create(Config ownConfig) {
        return new UtpDetector(UtpSettings.from(ownConfig));
    }
}
