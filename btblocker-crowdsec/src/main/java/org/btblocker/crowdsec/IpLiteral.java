package org.btblocker.crowdsec;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

import org.btblocker.api.packet.Addresses;

/** IP addresses as the Local API carries them: text in decisions and queries, never a host name. */
final class IpLiteral {

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private IpLiteral() {
    }

    /** {@code 192.0.2.1} or RFC 5952 IPv6 text ({@code 2001:db8::6}), as cscli prints them. */
    static String format(InetAddress address) {
        return Addresses.formatAddress(Addresses.hi(address), Addresses.lo(address));
    }

    /**
     * The address a decision's value names: a dotted quad or IPv6 text (no zone, no brackets, no prefix). Pure: the
     * text is checked to be a literal before {@link InetAddress#getByName}, so no name is ever resolved.
     *
     * @return the address, or null when {@code text} is not an IP literal
     */
    static InetAddress parse(String text) {
        if (text == null) {
            return null;
        }
        boolean v4 = IPV4.matcher(text).matches();
        if (!v4 && !(text.indexOf(':') >= 0 && IPV6.matcher(text).matches())) {
            return null;
        }
        try {
            // brackets make the JDK insist on an IPv6 literal: malformed text fails instead of going to DNS
            return InetAddress.getByName(v4 ? text : "[" + text + "]");
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
