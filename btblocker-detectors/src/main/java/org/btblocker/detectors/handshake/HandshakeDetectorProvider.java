package org.btblocker.detectors.handshake;

import com.typesafe.config.Config;

import org.btblocker.api.Detector;
import org.btblocker.api.DetectorProvider;
import org.btblocker.api.Interest;

/**
 * The {@code handshake} detector: the BEP 3 peer-wire handshake over TCP, and peer-wire messages (BEP 3, 6, 9, 10,
 * 11) on flows whose handshake was missed. See {@link org.btblocker.detectors.handshake the package description}.
 */
public final class HandshakeDetectorProvider implements DetectorProvider {

    /** Used by {@link java.util.ServiceLoader}. */
    public HandshakeDetectorProvider() {
    }

    @Override
    public String name() {
        return "handshake";
    }

    @Override
    public String description() {
        return "BitTorrent peer wire over TCP: BEP 3 handshake, or a run of peer-wire / BEP 10 extension messages";
    }

    @Override
    public Interest interest() {
        return Interest.TCP_PAYLOAD;
    }

    @Override
    public int stateSlots() {
        return HandshakeDetector.SLOTS;
    }

    @Override
    public Detector create(Config ownConfig) {
        return new HandshakeDetector(HandshakeSettings.from(ownConfig));
    }
}
