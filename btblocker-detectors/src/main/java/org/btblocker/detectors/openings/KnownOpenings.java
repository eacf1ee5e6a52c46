package org.btblocker.detectors.openings;

import java.nio.ByteBuffer;

/**
 * Recognises the first bytes of well-known protocols: evidence that a flow is not BitTorrent, used by the MSE
 * detector (a random-looking opening that is one of these is not MSE) and by the endpoint detector (a flow to a
 * remembered endpoint that opens like one of these is not blocked). Pure static functions; each check needs at least two fixed bytes (usually three or more), so that a uniformly random
 * 96-byte MSE key is mistaken for one of them with probability below 1e-3 in total.
 */
public final class KnownOpenings {

    /** Returned when no known opening matches. */
    public static final int NONE = -1;

    public static final int TLS = 1;
    public static final int SSH = 2;
    public static final int HTTP = 3;
    public static final int LENGTH_PREFIXED = 4; // DNS over TCP, RDP/TPKT, SMB over NetBIOS, most framed binary protocols
    public static final int QUIC = 5;
    public static final int WIREGUARD = 6;
    public static final int STUN = 7;
    public static final int DTLS = 8;
    public static final int SMB = 9;
    public static final int BITTORRENT_PLAINTEXT = 10;
    public static final int STRUCTURED_HEADER = 11; // zero bytes in the first 16: a binary header (Zabbix, SMB2, DCE/RPC)

    /** Zero bytes among the first {@link #HEADER_WINDOW} that mark a binary header (random: p < 4e-5). */
    static final int HEADER_ZEROS = 3;
    static final int HEADER_WINDOW = 16;

    private static final int[] HTTP_PREFIXES = {
        ascii4("GET "), ascii4("POST"), ascii4("HEAD"), ascii4("PUT "), ascii4("OPTI"), ascii4("DELE"),
        ascii4("CONN"), ascii4("PATC"), ascii4("TRAC"), ascii4("HTTP"), ascii4("PRI "), ascii4("RTSP"),
        ascii4("SIP/"), ascii4("INVI"), ascii4("REGI"), ascii4("NOTI"), ascii4("M-SE"),
    };

    private KnownOpenings() {
    }

    /**
     * @return the matching protocol constant ({@link #TLS} ...) for the payload {@code buf[off, off + len)}, or
     *         {@link #NONE}
     */
    public static int match(ByteBuffer buf, int off, int len) {
        if (buf == null || off < 0 || len < 4 || off > buf.limit() - len) {
            return NONE;
        }
        int b0 = buf.get(off) & 0xff;
        int b1 = buf.get(off + 1) & 0xff;
        int b2 = buf.get(off + 2) & 0xff;
        int first4 = buf.getInt(off);
        // TLS record (RFC 8446 5.1): content type 20..24, legacy version 3.x
        if (b0 >= 0x14 && b0 <= 0x18 && b1 == 0x03 && b2 <= 0x04) {
            return TLS;
        }
        // DTLS record (RFC 9147): content type 20..26, version 0xfeff / 0xfefd / 0xfefc
        if (b0 >= 0x14 && b0 <= 0x1a && b1 == 0xfe && b2 >= 0xfc) {
            return DTLS;
        }
        if (first4 == ascii4("SSH-")) {
            return SSH;
        }
        for (int prefix : HTTP_PREFIXES) {
            if (first4 == prefix) {
                return HTTP;
            }
        }
        // BEP 3 plaintext handshake: pstrlen 19, "BitTorrent protocol"
        if (b0 == 19 && b1 == 'B' && b2 == 'i' && (buf.get(off + 3) & 0xff) == 't') {
            return BITTORRENT_PLAINTEXT;
        }
        // WireGuard: message type 1..4 followed by three reserved zero bytes
        if (b0 >= 1 && b0 <= 4 && (first4 & 0x00ffffff) == 0) {
            return WIREGUARD;
        }
        // QUIC long header (RFC 9000 17.2): form and fixed bits set, then a known version
        if ((b0 & 0xc0) == 0xc0 && len >= 5 && isQuicVersion(buf.getInt(off + 1))) {
            return QUIC;
        }
        // STUN (RFC 5389): magic cookie at offset 4
        if (len >= 8 && buf.getInt(off + 4) == 0x2112A442) {
            return STUN;
        }
        // SMB1/SMB2 behind a 4-byte NetBIOS session header
        if (len >= 8 && ((buf.getInt(off + 4) & 0x00ffffff) == 0x00534d42)
                && ((buf.get(off + 4) & 0xff) == 0xff || (buf.get(off + 4) & 0xff) == 0xfe)) {
            return SMB;
        }
        // A big-endian length of the rest (DNS over TCP), the whole (TPKT/RDP) or NetBIOS-style 24-bit length
        int u16 = (b0 << 8) | b1;
        int u16At2 = (b2 << 8) | (buf.get(off + 3) & 0xff);
        if (u16 == len - 2 || u16At2 == len || (first4 & 0xffffffffL) == len - 4L
                || (b0 == 0 && (first4 & 0x00ffffff) == len - 4)) {
            return LENGTH_PREFIXED;
        }
        int zeros = 0;
        int window = Math.min(len, HEADER_WINDOW);
        for (int i = 0; i < window; i++) {
            if (buf.get(off + i) == 0) {
                zeros++;
            }
        }
        return zeros >= HEADER_ZEROS ? STRUCTURED_HEADER : NONE;
    }

    /**
     * True for a protocol that BitTorrent never speaks, identified by a fixed structure rather than by the generic
     * {@link #LENGTH_PREFIXED} / {@link #STRUCTURED_HEADER} heuristics (which uTP headers also meet).
     */
    public static boolean isSpecificProtocol(int code) {
        return code == TLS || code == DTLS || code == SSH || code == HTTP || code == QUIC || code == WIREGUARD
                || code == STUN || code == SMB;
    }

    /**
     * True when {@code buf[off, off + len)} is a DNS message (RFC 1035 4.1) with one question: a 12-byte header
     * with QDCOUNT 1, a standard opcode and small section counts, then a well-formed name and the question's type
     * and class. Random bytes pass with probability far below 1e-6.
     */
    public static boolean isDnsMessage(ByteBuffer buf, int off, int len) {
        if (buf == null || off < 0 || len < 17 || off > buf.limit() - len) {
            return false;
        }
        int opcode = (buf.get(off + 2) >> 3) & 0x0f;
        if (opcode > 5 || buf.getShort(off + 4) != 1) {
            return false;
        }
        for (int section = 6; section < 12; section += 2) {
            if ((buf.getShort(off + section) & 0xffff) > 64) {
                return false;
            }
        }
        int p = off + 12;
        int end = off + len;
        int nameLength = 0;
        while (p < end) {
            int label = buf.get(p) & 0xff;
            if (label == 0) {
                return nameLength > 0 && p + 5 <= end;
            }
            if (label > 63 || (nameLength += label + 1) > 255) {
                return false;
            }
            p += label + 1;
        }
        return false;
    }

    private static boolean isQuicVersion(int version) {
        return version == 0 // version negotiation
                || version == 0x00000001 // RFC 9000
                || version == 0x6b3343cf // RFC 9369 (QUIC v2)
                || (version & 0xffffff00) == 0xff000000 // IETF drafts
                || (version & 0xffff0000) == 0x51300000 // Google "Q0xx"
                || (version & 0x0f0f0f0f) == 0x0a0a0a0a; // RFC 9000 15: reserved greasing versions
    }

    private static int ascii4(String s) {
        return (s.charAt(0) << 24) | (s.charAt(1) << 16) | (s.charAt(2) << 8) | s.charAt(3);
    }
}
