package org.btblocker.api.ban;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the kernel drops packets from the addresses a sink bans. The daemon's firewall turns it into one early drop
 * rule per family in its own chains, installed and removed with them. The kernel mechanisms are few (an ipset
 * match, an nftables set lookup), so this is a closed set of descriptions, while the sinks themselves are plugins.
 */
public sealed interface Enforcement {

    /** The sink enforces elsewhere (another host, a log): no rule. */
    static Enforcement none() {
        return None.INSTANCE;
    }

    /** Nothing to install. */
    enum None implements Enforcement {
        /** The only value. */
        INSTANCE
    }

    /**
     * Two {@code hash:ip} ipsets, matched with {@code -m set --match-set NAME src} in iptables and ip6tables.
     *
     * @param set4 the IPv4 set
     * @param set6 the IPv6 set
     */
    record IpsetMatch(String set4, String set6) implements Enforcement {
        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,31}");

        /** Checks the names (IPSET_MAXNAMELEN is 32 with the NUL). */
        public IpsetMatch {
            check(NAME, set4, "ipset name");
            check(NAME, set6, "ipset name");
        }
    }

    /**
     * Two sets of an nftables table of family {@code inet}; the firewall adds chains to that table that drop
     * {@code ip saddr @set4} and {@code ip6 saddr @set6} before iptables' mangle table sees the packet.
     *
     * @param table the table (family inet)
     * @param set4  its IPv4 set ({@code ipv4_addr}, flags timeout)
     * @param set6  its IPv6 set ({@code ipv6_addr}, flags timeout)
     */
    record NftSetMatch(String table, String set4, String set6) implements Enforcement {
        private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

        /** Checks the names (identifiers nft accepts unquoted). */
        public NftSetMatch {
            check(NAME, table, "nftables table name");
            check(NAME, set4, "nftables set name");
            check(NAME, set6, "nftables set name");
        }
    }

    private static void check(Pattern pattern, String value, String what) {
        Objects.requireNonNull(value, what);
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException("not a valid " + what + ": \"" + value + "\"");
        }
    }
}
