package org.btblocker.detectors.lsd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The BEP 14 Local Service Discovery announce: an HTTP-like request in one UDP datagram, parsed in place.
 * <pre>
 * BT-SEARCH * HTTP/1.1\r\n
 * Host: 239.192.152.143:6771\r\n
 * Port: 6881\r\n
 * Infohash: 0123456789ABCDEF0123456789ABCDEF01234567\r\n      (one or more)
 * cookie: opaque\r\n                                         (optional)
 * \r\n
 * \r\n
 * </pre>
 * Strict: the request line byte for byte, lines ended by CRLF, header names case-insensitive tokens, exactly one
 * {@code Host} (non-empty) and one {@code Port} (1 to 65535), at least one {@code Infohash} of exactly 40 hex digits,
 * other headers tolerated, a blank line ending the headers and nothing but CR/LF after it.
 */
final class LsdAnnounce {

    /** The multicast groups and port of BEP 14. */
    static final int PORT = 6771;
    static final long GROUP4 = 0xEFC0_988FL;                              // 239.192.152.143
    static final long GROUP6_HI = 0xff15_0000_0000_0000L;               // ff15::efc0:988f
    static final long GROUP6_LO = 0x0000_0000_efc0_988fL;

    /** Headers accepted before giving up, so a datagram of tiny lines cannot cost more. */
    static final int MAX_HEADERS = 32;
    static final int INFOHASH_HEX = 40;

    private static final byte[] REQUEST_LINE = "BT-SEARCH * HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HOST = "host".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PORT_HEADER = "port".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INFOHASH = "infohash".getBytes(StandardCharsets.US_ASCII);

    private LsdAnnounce() {
    }

    /**
     * Parses the announce in {@code b[off, off + len)}.
     *
     * @return the number of {@code Infohash} headers (at least 1) when the datagram is a valid announce, else -1
     */
    static int parse(ByteBuffer b, int off, int len) {
        if (b == null || off < 0 || len < REQUEST_LINE.length || off > b.limit() - len) {
            return -1;
        }
        int end = off + len;
        for (int i = 0; i < REQUEST_LINE.length; i++) {
            if (b.get(off + i) != REQUEST_LINE[i]) {
                return -1;
            }
        }
        int p = off + REQUEST_LINE.length;
        int hosts = 0;
        int ports = 0;
        int infohashes = 0;
        for (int n = 0; n <= MAX_HEADERS; n++) {
            int eol = lineEnd(b, p, end);
            if (eol < 0) {
                return -1;
            }
            if (eol == p) {                                   // the blank line: headers are complete
                boolean complete = hosts == 1 && ports == 1 && infohashes > 0 && onlyLineBreaks(b, p + 2, end);
                return complete ? infohashes : -1;
            }
            int colon = nameEnd(b, p, eol);
            if (colon < 0) {
                return -1;
            }
            int v = skipBlanks(b, colon + 1, eol);
            int vEnd = trimBlanks(b, v, eol);
            if (nameIs(b, p, colon, HOST)) {
                if (vEnd == v) {
                    return -1;
                }
                hosts++;
            } else if (nameIs(b, p, colon, PORT_HEADER)) {
                if (!isPort(b, v, vEnd)) {
                    return -1;
                }
                ports++;
            } else if (nameIs(b, p, colon, INFOHASH)) {
                if (!isHex(b, v, vEnd, INFOHASH_HEX)) {
                    return -1;
                }
                infohashes++;
            }
            p = eol + 2;
        }
        return -1;
    }

    /** Offset of the CR of the CRLF ending the line at {@code p}; -1 for a bare CR/LF, a control byte, or no end. */
    private static int lineEnd(ByteBuffer b, int p, int end) {
        for (int i = p; i < end; i++) {
            int c = b.get(i) & 0xff;
            if (c == '\r') {
                return i + 1 < end && b.get(i + 1) == '\n' ? i : -1;
            }
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return -1;
            }
        }
        return -1;
    }

    /** Offset of the colon after a non-empty header name of token characters, or -1. */
    private static int nameEnd(ByteBuffer b, int p, int eol) {
        for (int i = p; i < eol; i++) {
            int c = b.get(i);
            if (c == ':') {
                return i > p ? i : -1;
            }
            boolean token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_';
            if (!token) {
                return -1;
            }
        }
        return -1;
    }

    private static boolean nameIs(ByteBuffer b, int p, int colon, byte[] lowerName) {
        if (colon - p != lowerName.length) {
            return false;
        }
        for (int i = 0; i < lowerName.length; i++) {
            int c = b.get(p + i);
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lowerName[i]) {
                return false;
            }
        }
        return true;
    }

    private static int skipBlanks(ByteBuffer b, int p, int eol) {
        while (p < eol && (b.get(p) == ' ' || b.get(p) == '\t')) {
            p++;
        }
        return p;
    }

    private static int trimBlanks(ByteBuffer b, int v, int eol) {
        int e = eol;
        while (e > v && (b.get(e - 1) == ' ' || b.get(e - 1) == '\t')) {
            e--;
        }
        return e;
    }

    private static boolean isPort(ByteBuffer b, int v, int vEnd) {
        int digits = vEnd - v;
        if (digits < 1 || digits > 5 || b.get(v) == '0') {
            return false;
        }
        int port = 0;
        for (int i = v; i < vEnd; i++) {
            int c = b.get(i);
            if (c < '0' || c > '9') {
                return false;
            }
            port = port * 10 + (c - '0');
        }
        return port <= 65_535;
    }

    private static boolean isHex(ByteBuffer b, int v, int vEnd, int length) {
        if (vEnd - v != length) {
            return false;
        }
        for (int i = v; i < vEnd; i++) {
            int c = b.get(i);
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex) {
                return false;
            }
        }
        return true;
    }

    /** BEP 14 ends the message with an extra CRLF; tolerate any run of CR/LF, nothing else. */
    private static boolean onlyLineBreaks(ByteBuffer b, int p, int end) {
        for (int i = p; i < end; i++) {
            int c = b.get(i);
            if (c != '\r' && c != '\n') {
                return false;
            }
        }
        return true;
    }

    /** True when {@code hi:lo} port {@code port} is one of the BEP 14 multicast groups at port 6771. */
    static boolean isGroup(long hi, long lo, int port) {
        if (port != PORT) {
            return false;
        }
        return (hi == 0 && lo == (0x0000_ffff_0000_0000L | GROUP4)) || (hi == GROUP6_HI && lo == GROUP6_LO);
    }
}
