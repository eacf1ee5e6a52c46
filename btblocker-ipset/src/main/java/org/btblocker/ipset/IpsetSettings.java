package org.btblocker.ipset;

import java.time.Duration;
import java.util.regex.Pattern;

import org.btblocker.api.ban.BanSinkContext;
import org.btblocker.api.ban.BanSinkSetup;
import org.btblocker.api.ban.Enforcement;
import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanSink;
import org.btblocker.api.ConfigChecks;

import com.typesafe.config.Config;

/**
 * What the ipset sink needs, read and checked without touching the kernel; the one validator of
 * {@code btblocker.ipsetName}.
 *
 * @param ipsetName   the IPv4 set; the IPv6 set is {@link #ipsetName6()}
 * @param banDuration default timeout of the sets it creates
 */
record IpsetSettings(String ipsetName, Duration banDuration) implements BanSinkSetup {

    // IPSET_MAXNAMELEN is 32 including the NUL, and the IPv6 sibling adds "6"; the characters ipset(8) and
    // iptables' set match accept in a name without quoting.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,30}");

    IpsetSettings {
        if (!NAME.matcher(ipsetName).matches()) {
            throw new IllegalArgumentException("1 to 30 characters of A-Z a-z 0-9 _ . : -, got \"" + ipsetName + "\"");
        }
    }

    /** The IPv6 sibling: {@code ipsetName + "6"}. */
    String ipsetName6() {
        return ipsetName + "6";
    }

    /** Reads {@code btblocker.ipsetName} and the ban duration. */
    static IpsetSettings from(BanSinkContext context) {
        Config b = context.btblocker();
        String name = b.getString("ipsetName");
        try {
            return new IpsetSettings(name, context.banDuration());
        } catch (IllegalArgumentException e) {
            throw ConfigChecks.bad(b, "btblocker", "ipsetName", e.getMessage());
        }
    }

    @Override
    public String describe() {
        return "ipset " + ipsetName + ", " + ipsetName6();
    }

    @Override
    public Enforcement enforcement() {
        return new Enforcement.IpsetMatch(ipsetName, ipsetName6());
    }

    @Override
    public BanSink open() throws BanException {
        return IpsetBanSinkProvider.open(this, true);
    }

    @Override
    public BanSink openExisting() throws BanException {
        return IpsetBanSinkProvider.open(this, false);
    }
}
