package org.btblocker.detectors.entropy;

import com.typesafe.config.Config;

import org.btblocker.api.Detector;
import org.btblocker.api.DetectorProvider;
import org.btblocker.api.Interest;

/** Provides the {@code entropy} detector: the random-looking key exchange that opens MSE/PE, over TCP and uTP. */
public final class EntropyDetectorProvider implements DetectorProvider {

    /** For {@link java.util.ServiceLoader}. */
    public EntropyDetectorProvider() {
    }

    @Override
    public String name() {
        return "entropy";
    }

    @Override
    public String description() {
        return "MSE/PE by structure: key-exchange flights (96..608 random bytes each way, then the sync flights), then "
                + "peer-wire message lengths (TCP, uTP)";
    }

    @Override
    public Interest interest() {
        return Interest.ALL_PACKETS; // TCP: the SYN and SYN-ACK prove the payloads are the first ones
    }

    @Override
    public int stateSlots() {
        return EntropyDetector.SLOTS;
    }

    /** A new detector; it owns a scratch histogram, so it must be used by one engine thread. */
    @Override
    public Detector create(Config ownConfig) {
        return new EntropyDetector(EntropySettings.from(ownConfig));
    }
}
