package org.btblocker.detectors.dht;

import org.btblocker.api.ConfigChecks;

import com.typesafe.config.Config;

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
    private static final String BLOCK = "btblocker.dht";

    static DhtSettings from(Config own) {
        int maxDatagrams = ConfigChecks.intIn(own, BLOCK, "maxDatagrams", 1, 64);
        boolean rememberPeers = own.getBoolean("rememberPeers");
        int maxRemembered = ConfigChecks.intIn(own, BLOCK, "maxRememberedPerDatagram", 0, 1024);
        return new DhtSettings(maxDatagrams, rememberPeers, maxRemembered);
    }
}
