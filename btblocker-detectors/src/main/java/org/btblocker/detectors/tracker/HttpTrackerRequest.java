package org.btblocker.detectors.tracker;

import java.nio.ByteBuffer;

/**
 * The first HTTP request of a TCP flow, read in place: {@code GET <target> HTTP/1.x CRLF} then header lines.
 *
 * <ul>
 *   <li>Announce (BEP 3, BEP 23, BEP 7): the query has exactly one {@code info_hash} that URL-decodes to exactly
 *       20 bytes, a {@code peer_id} that decodes to exactly 20 bytes, and a decimal {@code port} (0..65535).
 *       The path does not matter (trackers use {@code /announce}, {@code /a}, {@code /announce.php}, passkeys).</li>
 *   <li>Scrape (BEP 48): the last path segment starts with {@code scrape} and the query has one or more
 *       {@code info_hash}, each decoding to exactly 20 bytes.</li>
 *   <li>Client user agent: a {@code User-Agent} header whose value starts with a configured token, as an exact
 *       token prefix (a token ending in a letter or digit must be followed by a non-alphanumeric byte or the end).
 *       With a {@code Range} header too, this is what a BEP 19 web seed request looks like.</li>
 * </ul>
 * The query is parsed into parameters; nothing is found by substring search.
 */
final class HttpTrackerRequest {

    static final int NOT_HTTP = -1;
    static final int INCOMPLETE = 0;
    static final int HTTP_OTHER = 1;
    static final int ANNOUNCE = 2;
    static final int ANNOUNCE_CLIENT_PEER_ID = 3;
    static final int SCRAPE = 4;
    static final int CLIENT_USER_AGENT = 5;
    static final int WEB_SEED = 6;

    static final int MAX_REQUEST_LINE = 8_192;
    static final int MAX_PARAMETERS = 64;
    static final int MAX_HEADERS = 64;

    private static final byte[] GET = {'G', 'E', 'T', ' '};
    private static final byte[] HTTP_1 = {' ', 'H', 'T', 'T', 'P', '/', '1', '.'};
    private static final byte[] INFO_HASH = ascii("info_hash");
    private static final byte[] PEER_ID = ascii("peer_id");
    private static final byte[] PORT = ascii("port");
    private static final byte[] SCRAPE_PATH = ascii("scrape");
    private static final byte[] USER_AGENT = ascii("user-agent");
    private static final byte[] RANGE = ascii("range");

    private HttpTrackerRequest() {
    }

    /**
     * Classifies the request at the start of {@code b[off, end)}.
     *
     * @param userAgents client user-agent tokens (ASCII), see the class description
     * @return {@link #NOT_HTTP}, {@link #INCOMPLETE} (request line not complete in these bytes), {@link #HTTP_OTHER},
     *         {@link #ANNOUNCE}, {@link #ANNOUNCE_CLIENT_PEER_ID} (with a BEP 20 Azureus-style peer id),
     *         {@link #SCRAPE}, {@link #CLIENT_USER_AGENT} or {@link #WEB_SEED}
     */
    static int classify(ByteBuffer b, int off, int end, byte[][] userAgents) {
        if (b == null || off < 0 || end > b.limit() || off > end) {
            return NOT_HTTP;
        }
        if (!startsWith(b, off, end, GET)) {
            return end - off < GET.length && isPrefixOf(b, off, end, GET) ? INCOMPLETE : NOT_HTTP;
        }
        int target = off + GET.length;
        int limit = Math.min(end, target + MAX_REQUEST_LINE);
        int space = indexOf(b, target, limit, (byte) ' ');
        if (space < 0) {
            return limit == end ? INCOMPLETE : NOT_HTTP;
        }
        if (space == target || b.get(target) != '/') {
            return NOT_HTTP;
        }
        if (end - space < HTTP_1.length + 3) {
            return INCOMPLETE;
        }
        int digit = b.get(space + HTTP_1.length);
        if (!startsWith(b, space, end, HTTP_1) || digit < '0' || digit > '1'
                || b.get(space + HTTP_1.length + 1) != '\r' || b.get(space + HTTP_1.length + 2) != '\n') {
            return NOT_HTTP;
        }
        int kind = query(b, target, space);
        if (kind != HTTP_OTHER) {
            return kind;
        }
        return headers(b, space + HTTP_1.length + 3, end, userAgents);
    }

    /** ANNOUNCE, ANNOUNCE_CLIENT_PEER_ID, SCRAPE or HTTP_OTHER for the target {@code b[target, targetEnd)}. */
    private static int query(ByteBuffer b, int target, int targetEnd) {
        int question = indexOf(b, target, targetEnd, (byte) '?');
        if (question < 0) {
            return HTTP_OTHER;
        }
        int infoHashes = 0;
        int peerIdAt = -1;
        boolean port = false;
        boolean malformedHash = false;
        int p = question + 1;
        for (int i = 0; i < MAX_PARAMETERS && p < targetEnd; i++) {
            int amp = indexOf(b, p, targetEnd, (byte) '&');
            int paramEnd = amp < 0 ? targetEnd : amp;
            int eq = indexOf(b, p, paramEnd, (byte) '=');
            if (eq > p) {
                int value = eq + 1;
                if (equals(b, p, eq, INFO_HASH)) {
                    if (decodedLength(b, value, paramEnd) == 20) {
                        infoHashes++;
                    } else {
                        malformedHash = true;
                    }
                } else if (equals(b, p, eq, PEER_ID)) {
                    peerIdAt = decodedLength(b, value, paramEnd) == 20 ? value : -1;
                } else if (equals(b, p, eq, PORT)) {
                    port = isPort(b, value, paramEnd);
                }
            }
            p = paramEnd + 1;
        }
        if (malformedHash || infoHashes == 0) {
            return HTTP_OTHER;
        }
        if (infoHashes == 1 && peerIdAt >= 0 && port) {
            return isAzureusPeerId(b, peerIdAt, targetEnd) ? ANNOUNCE_CLIENT_PEER_ID : ANNOUNCE;
        }
        return lastSegmentStartsWithScrape(b, target, question) ? SCRAPE : HTTP_OTHER;
    }

    private static boolean lastSegmentStartsWithScrape(ByteBuffer b, int path, int pathEnd) {
        int last = path;
        for (int p = path; p < pathEnd; p++) {
            if (b.get(p) == '/') {
                last = p + 1;
            }
        }
        return startsWith(b, last, pathEnd, SCRAPE_PATH);
    }

    /** Walks header lines; CLIENT_USER_AGENT or WEB_SEED when the user agent is a client's, else HTTP_OTHER. */
    private static int headers(ByteBuffer b, int off, int end, byte[][] userAgents) {
        boolean client = false;
        boolean range = false;
        int line = off;
        for (int i = 0; i < MAX_HEADERS && line < end; i++) {
            int lineEnd = indexOfCrlf(b, line, end);
            if (lineEnd < 0 || lineEnd == line) {
                break;                                   // end of the headers, or of what this segment holds
            }
            int colon = indexOf(b, line, lineEnd, (byte) ':');
            if (colon > line) {
                if (equalsIgnoreCase(b, line, colon, USER_AGENT)) {
                    client = isClientUserAgent(b, skipSpaces(b, colon + 1, lineEnd), lineEnd, userAgents);
                } else if (equalsIgnoreCase(b, line, colon, RANGE)) {
                    range = true;
                }
            }
            line = lineEnd + 2;
        }
        if (!client) {
            return HTTP_OTHER;
        }
        return range ? WEB_SEED : CLIENT_USER_AGENT;
    }

    /** True when {@code b[value, valueEnd)} starts with one of the tokens, as an exact token prefix. */
    static boolean isClientUserAgent(ByteBuffer b, int value, int valueEnd, byte[][] userAgents) {
        for (byte[] token : userAgents) {
            if (token.length == 0 || !startsWith(b, value, valueEnd, token)) {
                continue;
            }
            int next = value + token.length;
            if (!isAlphanumeric(token[token.length - 1]) || next == valueEnd || !isAlphanumeric(b.get(next))) {
                return true;
            }
        }
        return false;
    }

    /** Bytes that the URL-encoded {@code b[off, end)} decodes to, or -1 when a {@code %} escape is malformed. */
    static int decodedLength(ByteBuffer b, int off, int end) {
        int n = 0;
        int p = off;
        while (p < end) {
            int c = b.get(p);
            if (c == '%') {
                if (p + 2 >= end) {
                    return -1;
                }
                if (hex(b.get(p + 1)) < 0 || hex(b.get(p + 2)) < 0) {
                    return -1;
                }
                p += 3;
            } else if (c <= ' ' || c == '#' || c == 0x7f) {
                return -1;
            } else {
                p++;
            }
            n++;
        }
        return n;
    }

    /** The {@code index}-th decoded byte of the URL-encoded value at {@code off} (checked with decodedLength). */
    static int decodedByte(ByteBuffer b, int off, int end, int index) {
        int p = off;
        for (int i = 0; p < end; i++) {
            int c = b.get(p);
            int value = c == '%' ? hex(b.get(p + 1)) * 16 + hex(b.get(p + 2)) : c & 0xff;
            if (i == index) {
                return value;
            }
            p += c == '%' ? 3 : 1;
        }
        return -1;
    }

    /** BEP 20: {@code -XXvvvv-} (two letters, four letters or digits) at the start of the decoded peer id. */
    private static boolean isAzureusPeerId(ByteBuffer b, int value, int end) {
        int valueEnd = indexOf(b, value, end, (byte) '&');
        valueEnd = valueEnd < 0 ? end : valueEnd;
        if (decodedByte(b, value, valueEnd, 0) != '-' || decodedByte(b, value, valueEnd, 7) != '-') {
            return false;
        }
        for (int i = 1; i <= 6; i++) {
            int c = decodedByte(b, value, valueEnd, i);
            boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
            if (!letter && !(i > 2 && c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isPort(ByteBuffer b, int off, int end) {
        if (end - off < 1 || end - off > 5) {
            return false;
        }
        int v = 0;
        for (int p = off; p < end; p++) {
            int c = b.get(p);
            if (c < '0' || c > '9') {
                return false;
            }
            v = v * 10 + (c - '0');
        }
        return v <= 65_535;
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static boolean isAlphanumeric(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static int skipSpaces(ByteBuffer b, int p, int end) {
        int q = p;
        while (q < end && (b.get(q) == ' ' || b.get(q) == '\t')) {
            q++;
        }
        return q;
    }

    static int indexOf(ByteBuffer b, int from, int end, byte c) {
        for (int p = from; p < end; p++) {
            if (b.get(p) == c) {
                return p;
            }
        }
        return -1;
    }

    static int indexOfCrlf(ByteBuffer b, int from, int end) {
        for (int p = from; p + 1 < end; p++) {
            if (b.get(p) == '\r' && b.get(p + 1) == '\n') {
                return p;
            }
        }
        return -1;
    }

    static boolean startsWith(ByteBuffer b, int off, int end, byte[] prefix) {
        if (end - off < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b.get(off + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isPrefixOf(ByteBuffer b, int off, int end, byte[] whole) {
        for (int p = off; p < end; p++) {
            if (b.get(p) != whole[p - off]) {
                return false;
            }
        }
        return true;
    }

    private static boolean equals(ByteBuffer b, int off, int end, byte[] s) {
        return end - off == s.length && startsWith(b, off, end, s);
    }

    /** Compares with a lower-case ASCII {@code s}. */
    static boolean equalsIgnoreCase(ByteBuffer b, int off, int end, byte[] s) {
        if (end - off != s.length) {
            return false;
        }
        for (int i = 0; i < s.length; i++) {
            int c = b.get(off + i);
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != s[i]) {
                return false;
            }
        }
        return true;
    }

    static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
