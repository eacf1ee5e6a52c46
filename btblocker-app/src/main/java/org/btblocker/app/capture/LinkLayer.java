package org.btblocker.app.capture;

import java.nio.ByteBuffer;

/**
 * Finds the IP header inside a link-layer frame. Pure static functions over {@code (buffer, offset, length)}: they
 * never throw, never allocate, and every loop is bounded; -1 means "not an IP packet (or not one we can find)".
 *
 * <p>Link-type numbers are those of the tcpdump.org LINKTYPE_ registry (also used by pcapng).
 */
final class LinkLayer {

    /** LINKTYPE_NULL: BSD loopback, 4-byte address family in the writer's byte order. */
    static final int NULL = 0;
    /** LINKTYPE_ETHERNET. */
    static final int ETHERNET = 1;
    /** LINKTYPE_PPP (RFC 1661 framing, optionally with the RFC 1662 address/control bytes). */
    static final int PPP = 9;
    /** DLT_RAW as some BSDs number it (raw IP). */
    static final int RAW_12 = 12;
    /** DLT_RAW as other BSDs number it (raw IP). */
    static final int RAW_14 = 14;
    /** LINKTYPE_RAW: raw IPv4 or IPv6, by the version nibble. */
    static final int RAW = 101;
    /** LINKTYPE_C_HDLC: Cisco HDLC, EtherType at byte 2. */
    static final int C_HDLC = 104;
    /** LINKTYPE_LOOP: OpenBSD loopback, address family in network byte order. */
    static final int LOOP = 108;
    /** LINKTYPE_LINUX_SLL: Linux cooked capture v1 (16-byte header, protocol at 14). */
    static final int LINUX_SLL = 113;
    /** LINKTYPE_PPI: per-packet information header carrying another link type. */
    static final int PPI = 192;
    /** LINKTYPE_IPV4: raw IPv4. */
    static final int IPV4 = 228;
    /** LINKTYPE_IPV6: raw IPv6. */
    static final int IPV6 = 229;
    /** LINKTYPE_LINUX_SLL2: Linux cooked capture v2 (20-byte header, protocol at 0). */
    static final int LINUX_SLL2 = 276;

    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_IPV6 = 0x86dd;
    static final int ETHERTYPE_VLAN = 0x8100;    // IEEE 802.1Q
    static final int ETHERTYPE_QINQ = 0x88a8;    // IEEE 802.1ad service tag
    static final int ETHERTYPE_QINQ_OLD = 0x9100; // pre-standard QinQ
    static final int ETHERTYPE_QINQ_OLD2 = 0x9200;
    static final int ETHERTYPE_MPLS = 0x8847;
    static final int ETHERTYPE_MPLS_MULTICAST = 0x8848;
    static final int ETHERTYPE_PPPOE_SESSION = 0x8864;

    private static final int MAX_TAGS = 8;        // stacked VLAN tags / LLC headers
    private static final int MAX_MPLS_LABELS = 16;

    private LinkLayer() {
    }

    /** True when {@link #ipOffset} knows {@code linkType}. */
    static boolean isSupported(int linkType) {
        switch (linkType) {
            case NULL: case ETHERNET: case PPP: case RAW_12: case RAW_14: case RAW: case C_HDLC: case LOOP:
            case LINUX_SLL: case PPI: case IPV4: case IPV6: case LINUX_SLL2:
                return true;
            default:
                return false;
        }
    }

    /**
     * The index in {@code b} of the IP header of the frame {@code b[off, off + len)} of link type {@code linkType},
     * or -1 when the frame does not carry IPv4/IPv6 (or carries nothing after the link header).
     */
    static int ipOffset(ByteBuffer b, int off, int len, int linkType) {
        if (off < 0 || len <= 0 || off > b.limit() - len) {
            return -1;
        }
        return frame(b, off, off + len, linkType, true);
    }

    private static int frame(ByteBuffer b, int off, int end, int linkType, boolean allowPpi) {
        switch (linkType) {
            case ETHERNET:
                return off + 14 > end ? -1 : etherType(b, off + 14, end, u16(b, off + 12));
            case RAW: case RAW_12: case RAW_14:
                return byVersion(b, off, end);
            case IPV4:
                return version(b, off, end) == 4 ? off : -1;
            case IPV6:
                return version(b, off, end) == 6 ? off : -1;
            case NULL: case LOOP:
                return loopback(b, off, end);
            case LINUX_SLL:
                return off + 16 > end ? -1 : etherType(b, off + 16, end, u16(b, off + 14));
            case LINUX_SLL2:
                return off + 20 > end ? -1 : etherType(b, off + 20, end, u16(b, off));
            case PPP:
                return ppp(b, off, end);
            case C_HDLC:
                return off + 4 > end ? -1 : etherType(b, off + 4, end, u16(b, off + 2));
            case PPI: {
                if (!allowPpi || off + 8 > end) {
                    return -1;
                }
                // PPI header fields are little-endian: version, flags, header length, inner link type
                int headerLength = Short.reverseBytes(b.getShort(off + 2)) & 0xffff;
                int inner = Integer.reverseBytes(b.getInt(off + 4));
                return headerLength < 8 || off + headerLength > end ? -1
                    : frame(b, off + headerLength, end, inner, false);
            }
            default:
                return -1;
        }
    }

    /** Follows VLAN tags, 802.2 LLC/SNAP, MPLS and PPPoE down to IPv4/IPv6. */
    private static int etherType(ByteBuffer b, int p, int end, int type) {
        for (int i = 0; i <= MAX_TAGS; i++) {
            switch (type) {
                case ETHERTYPE_IPV4: case ETHERTYPE_IPV6:
                    return p < end ? p : -1;
                case ETHERTYPE_VLAN: case ETHERTYPE_QINQ: case ETHERTYPE_QINQ_OLD: case ETHERTYPE_QINQ_OLD2:
                    if (p + 4 > end) {
                        return -1;
                    }
                    type = u16(b, p + 2); // tag control (2 bytes), then the encapsulated EtherType
                    p += 4;
                    break;
                case ETHERTYPE_MPLS: case ETHERTYPE_MPLS_MULTICAST:
                    return mpls(b, p, end);
                case ETHERTYPE_PPPOE_SESSION:
                    return p + 6 > end ? -1 : pppProtocol(b, p + 6, end); // RFC 2516: 6-byte PPPoE header
                default:
                    // IEEE 802.3 length field followed by LLC/SNAP (AA AA 03, OUI 0) carrying an EtherType
                    if (type <= 1500 && p + 8 <= end && u16(b, p) == 0xaaaa && (b.get(p + 2) & 0xff) == 0x03
                            && u16(b, p + 3) == 0 && (b.get(p + 5) & 0xff) == 0) {
                        type = u16(b, p + 6);
                        p += 8;
                        break;
                    }
                    return -1;
            }
        }
        return -1;
    }

    /** RFC 3032 label stack entries (4 bytes) up to the bottom-of-stack bit; the payload is IP by its version. */
    private static int mpls(ByteBuffer b, int p, int end) {
        for (int i = 0; i < MAX_MPLS_LABELS; i++) {
            if (p + 4 > end) {
                return -1;
            }
            boolean bottom = (b.get(p + 2) & 0x01) != 0;
            p += 4;
            if (bottom) {
                return byVersion(b, p, end);
            }
        }
        return -1;
    }

    /** BSD loopback: a 4-byte address family, in the writer's byte order (NULL) or network order (LOOP). */
    private static int loopback(ByteBuffer b, int off, int end) {
        if (off + 4 > end) {
            return -1;
        }
        int bigEndian = b.getInt(off);
        int family = (bigEndian & 0xffff0000) == 0 ? bigEndian : Integer.reverseBytes(bigEndian);
        int p = off + 4;
        switch (family) {
            case 2: // AF_INET everywhere
                return version(b, p, end) == 4 ? p : -1;
            case 10: case 24: case 28: case 30: // AF_INET6: Linux, NetBSD/OpenBSD, FreeBSD, macOS
                return version(b, p, end) == 6 ? p : -1;
            default:
                return byVersion(b, p, end);
        }
    }

    /** PPP with optional RFC 1662 address/control bytes; Cisco HDLC framing also appears under this link type. */
    private static int ppp(ByteBuffer b, int off, int end) {
        if (off + 2 > end) {
            return -1;
        }
        int first = b.get(off) & 0xff;
        if (first == 0xff && (b.get(off + 1) & 0xff) == 0x03) {
            return pppProtocol(b, off + 2, end);
        }
        if (first == 0x0f || first == 0x8f) { // Cisco HDLC unicast/multicast address
            return off + 4 > end ? -1 : etherType(b, off + 4, end, u16(b, off + 2));
        }
        return pppProtocol(b, off, end);
    }

    /** RFC 1661 protocol field (1 byte when compressed, i.e. odd): 0x0021 IPv4, 0x0057 IPv6. */
    private static int pppProtocol(ByteBuffer b, int p, int end) {
        if (p >= end) {
            return -1;
        }
        int protocol = b.get(p) & 0xff;
        if ((protocol & 1) != 0) {
            p += 1;
        } else {
            if (p + 2 > end) {
                return -1;
            }
            protocol = u16(b, p);
            p += 2;
        }
        if (protocol == 0x21) {
            return version(b, p, end) == 4 ? p : -1;
        }
        if (protocol == 0x57) {
            return version(b, p, end) == 6 ? p : -1;
        }
        return -1;
    }

    private static int byVersion(ByteBuffer b, int p, int end) {
        int v = version(b, p, end);
        return v == 4 || v == 6 ? p : -1;
    }

    private static int version(ByteBuffer b, int p, int end) {
        return p < end ? (b.get(p) & 0xff) >>> 4 : -1;
    }

    private static int u16(ByteBuffer b, int i) {
        return b.getShort(i) & 0xffff;
    }
}
