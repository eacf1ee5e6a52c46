package org.btblocker.detectors.dht;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * Settings of the dht detector, block {@code btblocker.dht}; defaults in {@code reference.conf}.
 *
 * @param maxDatagrams              datagrams of a flow examined before giving up on it
 * @param rememberPeers             whether the nodes and peers listed in a matching response are remembered as
 *                                  BitTorrent endpoints (only for flows with traffic both ways)
 * @param maxRememberedPerDatagram  upper bound of endpoints remembered from one response
 */
record DhtSettings(int maxDatagrams, boolean rememberPeers, int maxRememberedPerDatagram) {

    /** Reads every key of {@code own} eagerly and checks its range. */
    static DhtSettings from(Config own) {
        int maxDatagrams = own.getInt("maxDatagrams");
        if (maxDatagrams < 1 || maxDatagrams > 64) {
            throw new ConfigException.BadValue(own.origin(), "maxDatagrams", "expected 1 to 64, got " + maxDatagrams);
        }
        boolean rememberPeers = own.getBoolean("rememberPeers");
        int maxRemembered = own.getInt("maxRememberedPerDatagram");
        if (maxRemembered < 0 || maxRemembered > 1024) {
            throw new ConfigException.BadValue(own.origin(), "maxRememberedPerDatagram",
                "expected 0 to 1024, got " + maxRemembered);
        }
        return new DhtSettings(maxDatagrams, rememberPeers, maxRemembered);
    }
}
