package org.btblocker.nftables;

import org.btblocker.api.ConfigChecks;
import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanSink;
import org.btblocker.api.ban.BanSinkContext;
import org.btblocker.api.ban.BanSinkSetup;
import org.btblocker.api.ban.Enforcement;

import com.typesafe.config.Config;

/**
 * What the nftables sink needs, read and checked without touching the kernel; the one validator of
 * {@code btblocker.nftables.*} (names follow {@link Enforcement.NftSetMatch}).
 *
 * @param table our table (family inet)
 * @param set4  the IPv4 set in it
 * @param set6  the IPv6 set in it
 */
record NftSetSettings(String table, String set4, String set6) implements BanSinkSetup {

    NftSetSettings {
        if (set4.equals(set6)) {
            throw new IllegalArgumentException("set6: must differ from nftables.set4");
        }
        new Enforcement.NftSetMatch(table, set4, set6);
    }

    /** Reads {@code btblocker.nftables.table|set4|set6}. */
    static NftSetSettings from(BanSinkContext context) {
        Config b = context.btblocker();
        String table = name(b, "nftables.table");
        String set4 = name(b, "nftables.set4");
        String set6 = name(b, "nftables.set6");
        if (set4.equals(set6)) {
            throw ConfigChecks.bad(b, "btblocker", "nftables.set6", "a name other than nftables.set4 (\"" + set4
                    + "\")");
        }
        return new NftSetSettings(table, set4, set6);
    }

    private static String name(Config b, String key) {
        String value = b.getString(key);
        try {
            new Enforcement.NftSetMatch(value, "a", "b");
        } catch (IllegalArgumentException e) {
            throw ConfigChecks.bad(b, "btblocker", key, "a name of letters, digits and _ (at most 63, not starting "
                    + "with a digit), got \"" + value + "\"");
        }
        return value;
    }

    @Override
    public String describe() {
        return "nftables table inet " + table + ", sets " + set4 + ", " + set6;
    }

    @Override
    public Enforcement enforcement() {
        return new Enforcement.NftSetMatch(table, set4, set6);
    }

    @Override
    public BanSink open() throws BanException {
        return NftSetBanSinkProvider.open(this, true);
    }

    @Override
    public BanSink openExisting() throws BanException {
        return NftSetBanSinkProvider.open(this, false);
    }
}
