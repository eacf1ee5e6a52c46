package org.btblocker.nftables;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.regex.Pattern;

/**
 * What the nftables sink needs.
 *
 * @param table our table (family inet)
 * @param set4  the IPv4 set in it
 * @param set6  the IPv6 set in it
 */
record NftSetSettings(String table, String set4, String set6) {

    // NFT_NAME_MAXLEN is 256; nft's own parser wants identifiers. Keep to the safe subset.
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    NftSetSettings {
        check(table, "nftables.table");
        check(set4, "nftables.set4");
        check(set6, "nftables.set6");
        if (set4.equals(set6)) {
            throw new IllegalArgumentException("nftables.set6: must differ from nftables.set4");
        }
    }

    private static void check(String name, String key) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(key + ": expected a name of letters, digits and _, got \"" + name
                    + "\"");
        }
    }

    /** Reads {@code nftables.table|set4|set6} from the btblocker block. */
    static NftSetSettings from(Config btblocker) {
        String table = btblocker.getString("nftables.table");
        String set4 = btblocker.getString("nftables.set4");
        String set6 = btblocker.getString("nftables.set6");
        try {
            return new NftSetSettings(table, set4, set6);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            String key = message.substring(0, message.indexOf(':'));
            throw new ConfigException.BadValue(btblocker.hasPath(key) ? btblocker.getValue(key).origin()
                    : btblocker.origin(), "btblocker." + key, message.substring(message.indexOf(':') + 2));
        }
    }
}
