package org.btblocker.app.metrics;

import java.net.InetAddress;

import org.btblocker.api.ConfigChecks;
import org.btblocker.app.bans.BanJournal;

import com.typesafe.config.Config;

/**
 * {@code btblocker.metrics}: whether the daemon serves Prometheus {@code /metrics}, and where.
 *
 * @param enabled serve it
 * @param address the address to listen on, an IP literal (never a name looked up in DNS)
 * @param port    the TCP port (9842; 9100 is node_exporter's)
 */
public record MetricsSettings(boolean enabled, InetAddress address, int port) {

    /**
     * Reads {@code btblocker.metrics} of the {@code btblocker} block.
     *
     * @throws com.typesafe.config.ConfigException naming {@code btblocker.metrics.address} or {@code .port}
     */
    public static MetricsSettings from(Config btblocker) {
        Config m = btblocker.getConfig("metrics");
        boolean enabled = m.getBoolean("enabled");
        String text = m.getString("address").strip();
        InetAddress address = BanJournal.parseAddress(text);
        if (address == null) {
            throw ConfigChecks.bad(m, "btblocker.metrics", "address", "an IP address such as \"127.0.0.1\", "
                    + "\"::1\" or \"0.0.0.0\", got \"" + text + "\"");
        }
        int port = ConfigChecks.intIn(m, "btblocker.metrics", "port", 1, 65535);
        return new MetricsSettings(enabled, address, port);
    }

    /** {@code address:port}, IPv6 in brackets. */
    public String endpoint() {
        String a = address.getHostAddress();
        return (a.indexOf(':') >= 0 ? "[" + a + "]" : a) + ":" + port;
    }
}
