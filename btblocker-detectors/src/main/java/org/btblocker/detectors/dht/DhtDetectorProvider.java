package org.btblocker.detectors.dht;

import com.typesafe.config.Config;
import org.btblocker.api.Detector;
import org.btblocker.api.DetectorProvider;
import org.btblocker.api.Interest;

/** The dht detector: BitTorrent DHT KRPC messages over UDP (BEP 5, with BEP 44 and BEP 51 queries). */
public final class DhtDetectorProvider implements DetectorProvider {

    /** For {@link java.util.ServiceLoader}. */
    public DhtDetectorProvider() {
    }

    @Override
    public String name() {
        return "dht";
    }

    @Override
    public String description() {
        return "BitTorrent DHT: strict KRPC queries, responses and errors over UDP (BEP 5, 44, 51)";
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
        return new DhtDetector(DhtSettings.from(ownConfig));
    }
}
