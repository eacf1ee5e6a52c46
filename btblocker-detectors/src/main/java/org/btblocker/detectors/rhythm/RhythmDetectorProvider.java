package org.btblocker.detectors.rhythm;

import com.typesafe.config.Config;

import org.btblocker.api.Detector;
import org.btblocker.api.DetectorProvider;
import org.btblocker.api.Interest;

/**
 * Provides the {@code rhythm} detector: TCP connections joined in the middle (the daemon started after them, or
 * their first packets bypassed a full queue), recognised by the message lengths of the peer wire, plain or
 * MSE/RC4-encrypted.
 */
public final class RhythmDetectorProvider implements DetectorProvider {

    /** For {@link java.util.ServiceLoader}. */
    public RhythmDetectorProvider() {
    }

    @Override
    public String name() {
        return "rhythm";
    }

    @Override
    public String description() {
        return "TCP joined mid-stream: 16 KiB piece messages one way (packet ends a whole number of them apart), "
                + "requests or control messages the other (plain or MSE/RC4)";
    }

    @Override
    public Interest interest() {
        return new Interest(true, false, true); // TCP, the SYN too: a flow seen from its SYN is not mid-stream
    }

    @Override
    public int stateSlots() {
        return RhythmDetector.SLOTS;
    }

    @Override
    public Detector create(Config ownConfig) {
        return new RhythmDetector(RhythmSettings.from(ownConfig));
    }
}
