package org.btblocker.ipset;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import org.btblocker.bansink.BanDurations;

/**
 * What the ipset sink needs.
 *
 * @param ipsetName   the IPv4 set; the IPv6 set is {@link #ipsetName6()}
 * @param banDuration default timeout of the sets it creates
 */
record IpsetSettings(String ipsetName, Duration banDuration) {

    IpsetSettings {
        // IPSET_MAXNAMELEN is 32 with the NUL, and the IPv6 sibling needs one more character.
        if (ipsetName.isEmpty() || ipsetName.length() > IpsetCodec.IPSET_MAXNAMELEN - 2
                || ipsetName.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new IllegalArgumentException(
                    "expected 1 to 30 printable ASCII characters, got \"" + ipsetName + "\"");
        }
    }

    /** The IPv6 sibling: {@code ipsetName + "6"}. */
    String ipsetName6() {
        return ipsetName + "6";
    }

    /** Reads {@code ipsetName} and {@code banDuration} from the btblocker block. */
    static IpsetSettings from(Config btblocker) {
        String name = btblocker.getString("ipsetName");
        Duration duration = BanDurations.parse(btblocker, "banDuration");
        try {
            return new IpsetSettings(name, duration);
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(btblocker.getValue("ipsetName").origin(), "btblocker.ipsetName",
                    e.getMessage());
        }
    }
}
