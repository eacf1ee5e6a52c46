package org.btblocker.api.packet;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;


/**
 * An immutable list of CIDR blocks over the two-long address form of {@link Addresses} (IPv4 blocks are held as
 * mapped IPv6, prefix + 96). Meant for checks once per flow or per ban, so a linear scan is enough.
 */
public final class CidrSet {

    private final long[] hi;
    private final long[] lo;
    private final long[] maskHi;
    private final long[] maskLo;

    private CidrSet(int n) {
        hi = new long[n];
        lo = new long[n];
        maskHi = new long[n];
        maskLo = new long[n];
    }

    /**
     * Parses {@code "10.0.0.0/8"}, {@code "2001:db8::/32"} or a bare address.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static CidrSet parse(List<String> cidrs) {
        CidrSet set = new CidrSet(cidrs.size());
        for (int i = 0; i < cidrs.size(); i++) {
            String text = cidrs.get(i).trim();
            int slash = text.indexOf('/');
            String address = slash < 0 ? text : text.substring(0, slash);
            if (address.isEmpty() || !(address.indexOf(':') >= 0 || address.matches("[0-9.]+"))) {
                throw new IllegalArgumentException("not an IP address or CIDR: \"" + text + "\"");
            }
            InetAddress parsed;
            try {
                parsed = InetAddress.getByName(address); // a literal: checked above, never resolved
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an IP address or CIDR: \"" + text + "\"", e);
            }
            boolean v4 = parsed.getAddress().length == 4;
            int max = v4 ? 32 : 128;
            int prefix;
            try {
                prefix = slash < 0 ? max : Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in \"" + text + "\"", e);
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("prefix length out of range (0-" + max + ") in \"" + text + "\"");
            }
            int bits = v4 ? prefix + 96 : prefix;
            set.maskHi[i] = bits >= 64 ? -1L : bits == 0 ? 0 : -1L << (64 - bits);
            set.maskLo[i] = bits <= 64 ? 0 : bits == 128 ? -1L : -1L << (128 - bits);
            set.hi[i] = Addresses.hi(parsed) & set.maskHi[i];
            set.lo[i] = Addresses.lo(parsed) & set.maskLo[i];
        }
        return set;
    }

    /** True when the address (two-long form) lies in one of the blocks. */
    public boolean contains(long h, long l) {
        for (int i = 0; i < hi.length; i++) {
            if ((h & maskHi[i]) == hi[i] && (l & maskLo[i]) == lo[i]) {
                return true;
            }
        }
        return false;
    }

    /** True when the address lies in one of the blocks. */
    public boolean contains(InetAddress address) {
        return contains(Addresses.hi(address), Addresses.lo(address));
    }

    /** True when there are no blocks. */
    public boolean isEmpty() {
        return hi.length == 0;
    }
}
