package org.btblocker.api.packet;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Conversions for the two-{@code long} address form used on the packet path. IPv4 is held as an IPv4-mapped
 * IPv6 address ({@code ::ffff:a.b.c.d}: high word 0, low word {@code 0x0000ffff_xxxxxxxx}).
 */
public final class Addresses {

    /** The low word of {@code ::ffff:0.0.0.0}; OR an IPv4 address (as unsigned int) into it. */
    public static final long IPV4_MAPPED_PREFIX = 0x0000_ffff_0000_0000L;

    private Addresses() {
    }

    /** True when the address is an IPv4 address in mapped form. */
    public static boolean isIpv4(long hi, long lo) {
        return hi == 0 && (lo & 0xffff_ffff_0000_0000L) == IPV4_MAPPED_PREFIX;
    }

    /** The two-long form of an IPv4 address given as an unsigned 32-bit value. */
    public static long ipv4Lo(long ipv4) {
        return IPV4_MAPPED_PREFIX | (ipv4 & 0xffffffffL);
    }

    /** High word of {@code address}; 0 for IPv4. */
    public static long hi(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 4) {
            return 0;
        }
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (a[i] & 0xff);
        }
        return v;
    }

    /** Low word of {@code address}; IPv4 is mapped. */
    public static long lo(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 4) {
            return ipv4Lo(((a[0] & 0xffL) << 24) | ((a[1] & 0xffL) << 16) | ((a[2] & 0xffL) << 8) | (a[3] & 0xffL));
        }
        long v = 0;
        for (int i = 8; i < 16; i++) {
            v = (v << 8) | (a[i] & 0xff);
        }
        return v;
    }

    /** The address as an {@link InetAddress} (an {@code Inet4Address} for mapped IPv4). Allocates. */
    public static InetAddress toInetAddress(long hi, long lo) {
        try {
            if (isIpv4(hi, lo)) {
                return InetAddress.getByAddress(new byte[] {
                    (byte) (lo >>> 24), (byte) (lo >>> 16), (byte) (lo >>> 8), (byte) lo});
            }
            byte[] a = new byte[16];
            for (int i = 0; i < 8; i++) {
                a[i] = (byte) (hi >>> (56 - 8 * i));
                a[8 + i] = (byte) (lo >>> (56 - 8 * i));
            }
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }

    /** {@code a.b.c.d} or the RFC 5952 text of an IPv6 address (without brackets). Allocates. */
    public static String formatAddress(long hi, long lo) {
        if (isIpv4(hi, lo)) {
            return ((lo >>> 24) & 0xff) + "." + ((lo >>> 16) & 0xff) + "." + ((lo >>> 8) & 0xff) + "." + (lo & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) ((hi >>> (48 - 16 * i)) & 0xffff);
            groups[4 + i] = (int) ((lo >>> (48 - 16 * i)) & 0xffff);
        }
        // RFC 5952 4.2: compress the longest run (>= 2) of zero groups, the first one on ties.
        int bestStart = -1, bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder(40);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLength - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(groups[i]));
        }
        return s.toString();
    }

    /** {@code a.b.c.d:port} or {@code [v6]:port}, the form the corpus labels and log lines use. Allocates. */
    public static String format(long hi, long lo, int port) {
        return isIpv4(hi, lo) ? formatAddress(hi, lo) + ":" + port : "[" + formatAddress(hi, lo) + "]:" + port;
    }
}
