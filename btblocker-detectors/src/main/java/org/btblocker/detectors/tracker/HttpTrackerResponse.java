package org.btblocker.detectors.tracker;

import static org.btblocker.detectors.tracker.HttpTrackerRequest.ascii;
import static org.btblocker.detectors.tracker.HttpTrackerRequest.equalsIgnoreCase;
import static org.btblocker.detectors.tracker.HttpTrackerRequest.indexOf;
import static org.btblocker.detectors.tracker.HttpTrackerRequest.indexOfCrlf;
import static org.btblocker.detectors.tracker.HttpTrackerRequest.startsWith;

import java.nio.ByteBuffer;

import org.btblocker.api.FlowContext;
import org.btblocker.detectors.peers.CompactPeers;
import org.btblocker.detectors.bencode.Bencode;
import org.btblocker.detectors.bencode.Limits;

/**
 * An HTTP tracker response (BEP 3, BEP 23, BEP 7, BEP 48) complete in one segment: {@code HTTP/1.x 200}, headers
 * (an optional {@code Content-Length} bounds the body; chunked or compressed bodies are not read), then a body that
 * is exactly one bencoded dictionary with
 * <ul>
 *   <li>{@code failure reason} (a string), or</li>
 *   <li>{@code interval} (an integer) and {@code peers}: a compact string of 6-byte IPv4 peers (BEP 23) or a list
 *       of peer dictionaries; or {@code peers6}, 18-byte IPv6 peers (BEP 7), or</li>
 *   <li>{@code files} (a dictionary: a scrape response, BEP 48).</li>
 * </ul>
 */
final class HttpTrackerResponse {

    static final int NOT_TRACKER = -1;
    static final int PEERS = 1;
    static final int FAILURE = 2;
    static final int SCRAPE_FILES = 3;

    static final int MAX_HEADER_BYTES = 8_192;
    static final int MAX_HEADERS = 64;

    private static final byte[] HTTP_1 = ascii("HTTP/1.");
    private static final byte[] STATUS_200 = ascii(" 200");
    private static final byte[] CONTENT_LENGTH = ascii("content-length");
    private static final byte[] FAILURE_REASON = ascii("failure reason");
    private static final byte[] INTERVAL = ascii("interval");
    private static final byte[] PEERS_KEY = ascii("peers");
    private static final byte[] PEERS6_KEY = ascii("peers6");
    private static final byte[] FILES = ascii("files");

    private HttpTrackerResponse() {
    }

    /** {@link #PEERS}, {@link #FAILURE}, {@link #SCRAPE_FILES} or {@link #NOT_TRACKER}. */
    static int classify(ByteBuffer b, int off, int end) {
        long body = body(b, off, end);
        if (body < 0) {
            return NOT_TRACKER;
        }
        int dict = (int) (body >>> 32);
        int bodyEnd = (int) body;
        if (dict >= bodyEnd || b.get(dict) != 'd' || Bencode.skipValue(b, dict, bodyEnd, Limits.TRACKER) != bodyEnd) {
            return NOT_TRACKER;
        }
        if (Bencode.typeAt(b, Bencode.findKey(b, dict, bodyEnd, FAILURE_REASON, Limits.TRACKER), bodyEnd)
                == Bencode.STRING) {
            return FAILURE;
        }
        int interval = Bencode.findKey(b, dict, bodyEnd, INTERVAL, Limits.TRACKER);
        if (Bencode.integerValue(b, interval, bodyEnd) >= 0) {
            int peers = Bencode.findKey(b, dict, bodyEnd, PEERS_KEY, Limits.TRACKER);
            int type = Bencode.typeAt(b, peers, bodyEnd);
            if (type == Bencode.LIST || (type == Bencode.STRING && Bencode.stringLength(b, peers, bodyEnd) % 6 == 0)) {
                return PEERS;
            }
            int peers6 = Bencode.findKey(b, dict, bodyEnd, PEERS6_KEY, Limits.TRACKER);
            if (Bencode.typeAt(b, peers6, bodyEnd) == Bencode.STRING
                    && Bencode.stringLength(b, peers6, bodyEnd) % 18 == 0) {
                return PEERS;
            }
        }
        if (Bencode.typeAt(b, Bencode.findKey(b, dict, bodyEnd, FILES, Limits.TRACKER), bodyEnd)
                == Bencode.DICTIONARY) {
            return SCRAPE_FILES;
        }
        return NOT_TRACKER;
    }

    /**
     * Claims the compact {@code peers} (IPv4) and {@code peers6} (IPv6) of a response that {@link #classify}
     * called {@link #PEERS}; at most {@code max} of each.
     *
     * @return the number of peers claimed
     */
    static int claimPeers(ByteBuffer b, int off, int end, FlowContext flow, int max) {
        long body = body(b, off, end);
        if (body < 0) {
            return 0;
        }
        int dict = (int) (body >>> 32);
        int bodyEnd = (int) body;
        int n = 0;
        int peers = Bencode.findKey(b, dict, bodyEnd, PEERS_KEY, Limits.TRACKER);
        if (Bencode.typeAt(b, peers, bodyEnd) == Bencode.STRING) {
            n += CompactPeers.claim(b, Bencode.stringOffset(b, peers, bodyEnd), Bencode.stringLength(b, peers,
                    bodyEnd), CompactPeers.PEER4, flow, max);
        }
        int peers6 = Bencode.findKey(b, dict, bodyEnd, PEERS6_KEY, Limits.TRACKER);
        if (Bencode.typeAt(b, peers6, bodyEnd) == Bencode.STRING) {
            n += CompactPeers.claim(b, Bencode.stringOffset(b, peers6, bodyEnd), Bencode.stringLength(b, peers6,
                    bodyEnd), CompactPeers.PEER6, flow, max);
        }
        return n;
    }

    /** {@code (bodyStart << 32) | bodyEnd} of a complete 200 response in {@code b[off, end)}, or -1. */
    static long body(ByteBuffer b, int off, int end) {
        if (b == null || off < 0 || end > b.limit() || off > end) {
            return -1;
        }
        if (!startsWith(b, off, end, HTTP_1) || end - off < 12 || !startsWith(b, off + 8, end, STATUS_200)) {
            return -1;
        }
        int statusEnd = off + 12;
        int limit = Math.min(end, off + MAX_HEADER_BYTES);
        int line = indexOfCrlf(b, statusEnd, limit);
        if (line < 0) {
            return -1;
        }
        if (line > statusEnd && b.get(statusEnd) != ' ') {
            return -1;                                    // "200x" is not status 200
        }
        long contentLength = -1;
        line += 2;
        for (int i = 0; i < MAX_HEADERS; i++) {
            int lineEnd = indexOfCrlf(b, line, limit);
            if (lineEnd < 0) {
                return -1;
            }
            if (lineEnd == line) {
                int bodyStart = lineEnd + 2;
                if (contentLength < 0) {
                    return ((long) bodyStart << 32) | end;
                }
                return contentLength <= end - bodyStart ? ((long) bodyStart << 32) | (bodyStart + contentLength) : -1;
            }
            int colon = indexOf(b, line, lineEnd, (byte) ':');
            if (colon > line && equalsIgnoreCase(b, line, colon, CONTENT_LENGTH)) {
                contentLength = decimal(b, colon + 1, lineEnd);
                if (contentLength < 0) {
                    return -1;
                }
            }
            line = lineEnd + 2;
        }
        return -1;
    }

    /** A decimal number (spaces around it allowed) of at most 9 digits, or -1. */
    private static long decimal(ByteBuffer b, int off, int end) {
        int p = off;
        while (p < end && b.get(p) == ' ') {
            p++;
        }
        long v = 0;
        int digits = 0;
        while (p < end && b.get(p) >= '0' && b.get(p) <= '9' && digits < 10) {
            v = v * 10 + (b.get(p) - '0');
            digits++;
            p++;
        }
        while (p < end && b.get(p) == ' ') {
            p++;
        }
        return digits == 0 || digits > 9 || p != end ? -1 : v;
    }
}
