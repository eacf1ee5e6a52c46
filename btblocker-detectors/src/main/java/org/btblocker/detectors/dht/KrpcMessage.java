package org.btblocker.detectors.dht;

import java.nio.ByteBuffer;
import org.btblocker.api.FlowContext;
import org.btblocker.detectors.peers.CompactPeers;
import org.btblocker.api.packet.Addresses;
import org.btblocker.detectors.bencode.Bencode;
import org.btblocker.detectors.bencode.Limits;

/**
 * The KRPC message format of the BitTorrent DHT (BEP 5, "KRPC Protocol"), with the queries of BEP 44 (get/put) and
 * BEP 51 (sample_infohashes): pure functions over one UDP payload in place.
 *
 * <p>{@link #classify} checks the whole datagram strictly: exactly one bencoded dictionary, a byte-string {@code t},
 * a one-byte {@code y} of {@code q}, {@code r} or {@code e}, and for that kind the keys and lengths the BEPs
 * require (20-byte node ids and targets, compact node lists in 26- or 38-byte records, 6- or 18-byte peers, an error
 * list of code and message). Unknown extra keys are allowed, since clients add their own ({@code v}, {@code ip},
 * {@code ro}).
 */
final class KrpcMessage {

    /** Not a KRPC message. */
    static final int NOT_KRPC = -1;
    /** Valid bencode but not KRPC (no {@code t}/{@code y} etc.): a dictionary or other value. */
    static final int BENCODE_ONLY = 0;
    static final int QUERY_PING = 1;
    static final int QUERY_FIND_NODE = 2;
    static final int QUERY_GET_PEERS = 3;
    static final int QUERY_ANNOUNCE_PEER = 4;
    static final int QUERY_GET = 5;
    static final int QUERY_PUT = 6;
    static final int QUERY_SAMPLE_INFOHASHES = 7;
    /** A well-formed query whose method none of the BEPs above defines. */
    static final int QUERY_OTHER = 8;
    static final int RESPONSE = 9;
    static final int ERROR = 10;
    /** One more than the largest code. */
    static final int CODES = 11;

    /**
     * Longest datagram examined. KRPC messages fit one unfragmented datagram (BEP 44 caps a stored value at 1000
     * bytes); the bound also caps the cost of the repeated dictionary walks below for hostile input.
     */
    static final int MAX_DATAGRAM = 8192;

    /** Longest transaction id accepted; clients use 1 to 8 bytes. */
    static final int MAX_TRANSACTION_ID = 64;

    /** Compact node info: 20-byte id, IPv4 address, port (BEP 5); IPv6 (BEP 32). */
    static final int NODE4 = 26;
    static final int NODE6 = 38;
    /** Compact peer info: IPv4 address and port (BEP 5), IPv6 (BEP 32). */
    static final int PEER4 = 6;
    static final int PEER6 = 18;
    static final int ID = 20;

    /** KRPC nests at most: message, {@code a}/{@code r}, {@code values} list (and BEP 44 {@code v} values). */
    static final Limits LIMITS = Limits.KRPC;

    private static final byte[] T = key("t");
    private static final byte[] Y = key("y");
    private static final byte[] Q = key("q");
    private static final byte[] A = key("a");
    private static final byte[] R = key("r");
    private static final byte[] E = key("e");
    private static final byte[] IDKEY = key("id");
    private static final byte[] TARGET = key("target");
    private static final byte[] INFO_HASH = key("info_hash");
    private static final byte[] PORT = key("port");
    private static final byte[] IMPLIED_PORT = key("implied_port");
    private static final byte[] TOKEN = key("token");
    private static final byte[] V = key("v");
    private static final byte[] K = key("k");
    private static final byte[] SIG = key("sig");
    private static final byte[] SEQ = key("seq");
    private static final byte[] CAS = key("cas");
    private static final byte[] SALT = key("salt");
    private static final byte[] NODES = key("nodes");
    private static final byte[] NODES6 = key("nodes6");
    private static final byte[] VALUES = key("values");
    private static final byte[] SAMPLES = key("samples");
    private static final byte[] INTERVAL = key("interval");
    private static final byte[] NUM = key("num");
    private static final byte[] IP = key("ip");

    private static final byte[] PING = key("ping");
    private static final byte[] FIND_NODE = key("find_node");
    private static final byte[] GET_PEERS = key("get_peers");
    private static final byte[] ANNOUNCE_PEER = key("announce_peer");
    private static final byte[] GET = key("get");
    private static final byte[] PUT = key("put");
    private static final byte[] SAMPLE_INFOHASHES = key("sample_infohashes");

    /** BEP 44: public keys are 32 bytes, signatures 64, salts at most 64. */
    private static final int PUBLIC_KEY = 32;
    private static final int SIGNATURE = 64;
    private static final int MAX_SALT = 64;

    private KrpcMessage() {
    }

    private static byte[] key(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * Classifies the datagram {@code b[off, off + len)}.
     *
     * @return one of the codes above: {@link #NOT_KRPC} when it is not exactly one valid bencoded value,
     *         {@link #BENCODE_ONLY} when it is bencode but not a valid KRPC message
     */
    static int classify(ByteBuffer b, int off, int len) {
        if (b == null || off < 0 || len <= 0 || len > MAX_DATAGRAM || off > b.limit() - len) {
            return NOT_KRPC;
        }
        int end = off + len;
        if (b.get(off) != 'd' || Bencode.skipValue(b, off, end, LIMITS) != end) {
            return NOT_KRPC;
        }
        int t = Bencode.findKey(b, off, end, T, LIMITS);
        int tLen = Bencode.stringLength(b, t, end);
        if (t < 0 || tLen < 0 || tLen > MAX_TRANSACTION_ID) {
            return BENCODE_ONLY;
        }
        if (!ipValid(b, off, end)) {
            return BENCODE_ONLY;
        }
        int y = Bencode.findKey(b, off, end, Y, LIMITS);
        if (Bencode.stringLength(b, y, end) != 1) {
            return BENCODE_ONLY;
        }
        int kind = b.get(Bencode.stringOffset(b, y, end));
        if (kind == 'q') {
            return query(b, off, end);
        }
        if (kind == 'r') {
            return response(b, off, end) ? RESPONSE : BENCODE_ONLY;
        }
        if (kind == 'e') {
            return error(b, off, end) ? ERROR : BENCODE_ONLY;
        }
        return BENCODE_ONLY;
    }

    private static int query(ByteBuffer b, int off, int end) {
        int q = Bencode.findKey(b, off, end, Q, LIMITS);
        int a = Bencode.findKey(b, off, end, A, LIMITS);
        if (Bencode.typeAt(b, q, end) != Bencode.STRING || Bencode.typeAt(b, a, end) != Bencode.DICTIONARY
                || !stringOfLength(b, a, end, IDKEY, ID)) {
            return BENCODE_ONLY;
        }
        if (Bencode.stringEquals(b, q, end, PING)) {
            return QUERY_PING;
        }
        if (Bencode.stringEquals(b, q, end, FIND_NODE)) {
            return stringOfLength(b, a, end, TARGET, ID) ? QUERY_FIND_NODE : BENCODE_ONLY;
        }
        if (Bencode.stringEquals(b, q, end, GET_PEERS)) {
            return stringOfLength(b, a, end, INFO_HASH, ID) ? QUERY_GET_PEERS : BENCODE_ONLY;
        }
        if (Bencode.stringEquals(b, q, end, ANNOUNCE_PEER)) {
            return announceValid(b, a, end) ? QUERY_ANNOUNCE_PEER : BENCODE_ONLY;
        }
        if (Bencode.stringEquals(b, q, end, GET)) {
            return stringOfLength(b, a, end, TARGET, ID) && optionalInteger(b, a, end, SEQ)
                ? QUERY_GET : BENCODE_ONLY;
        }
        if (Bencode.stringEquals(b, q, end, PUT)) {
            return putValid(b, a, end) ? QUERY_PUT : BENCODE_ONLY;
        }
        if (Bencode.stringEquals(b, q, end, SAMPLE_INFOHASHES)) {
            return stringOfLength(b, a, end, TARGET, ID) ? QUERY_SAMPLE_INFOHASHES : BENCODE_ONLY;
        }
        return Bencode.stringLength(b, q, end) > 0 ? QUERY_OTHER : BENCODE_ONLY;
    }

    /** BEP 5 announce_peer: info_hash, port, token; implied_port optional. */
    private static boolean announceValid(ByteBuffer b, int a, int end) {
        if (!stringOfLength(b, a, end, INFO_HASH, ID) || !nonEmptyString(b, a, end, TOKEN)) {
            return false;
        }
        long port = Bencode.integerValue(b, Bencode.findKey(b, a, end, PORT, LIMITS), end);
        if (port < 0 || port > 65_535) {
            return false;
        }
        int implied = Bencode.findKey(b, a, end, IMPLIED_PORT, LIMITS);
        if (implied < 0) {
            return true;
        }
        long v = Bencode.integerValue(b, implied, end);
        return v == 0 || v == 1;
    }

    /** BEP 44 put: token and v; for a mutable item k (32 bytes), sig (64 bytes) and seq; salt and cas optional. */
    private static boolean putValid(ByteBuffer b, int a, int end) {
        if (!nonEmptyString(b, a, end, TOKEN) || Bencode.findKey(b, a, end, V, LIMITS) < 0) {
            return false;
        }
        if (!optionalInteger(b, a, end, CAS)) {
            return false;
        }
        int salt = Bencode.findKey(b, a, end, SALT, LIMITS);
        if (salt >= 0 && (Bencode.stringLength(b, salt, end) < 0 || Bencode.stringLength(b, salt, end) > MAX_SALT)) {
            return false;
        }
        if (Bencode.findKey(b, a, end, K, LIMITS) < 0) {
            return salt < 0;                                 // immutable items have neither key nor salt
        }
        return stringOfLength(b, a, end, K, PUBLIC_KEY) && stringOfLength(b, a, end, SIG, SIGNATURE)
            && Bencode.integerValue(b, Bencode.findKey(b, a, end, SEQ, LIMITS), end) != Bencode.INVALID_INTEGER;
    }

    /** A response: {@code r} holds a 20-byte id, and every known optional field has its declared shape. */
    private static boolean response(ByteBuffer b, int off, int end) {
        int r = Bencode.findKey(b, off, end, R, LIMITS);
        if (Bencode.typeAt(b, r, end) != Bencode.DICTIONARY || !stringOfLength(b, r, end, IDKEY, ID)) {
            return false;
        }
        return optionalRecords(b, r, end, NODES, NODE4) && optionalRecords(b, r, end, NODES6, NODE6)
            && optionalRecords(b, r, end, SAMPLES, ID) && valuesValid(b, r, end)
            && optionalString(b, r, end, TOKEN)
            && optionalInteger(b, r, end, INTERVAL) && optionalInteger(b, r, end, NUM)
            && optionalInteger(b, r, end, SEQ)
            && optionalFixed(b, r, end, K, PUBLIC_KEY) && optionalFixed(b, r, end, SIG, SIGNATURE);
    }

    /** An error: {@code e} is a list of exactly an integer code and a message string (BEP 5, "Errors"). */
    private static boolean error(ByteBuffer b, int off, int end) {
        int e = Bencode.findKey(b, off, end, E, LIMITS);
        if (Bencode.typeAt(b, e, end) != Bencode.LIST) {
            return false;
        }
        int code = e + 1;
        long value = Bencode.integerValue(b, code, end);
        // 201-204 from BEP 5, 205-207 and 301-302 from BEP 44; a little room for other client codes
        if (value < 200 || value > 399) {
            return false;
        }
        int message = Bencode.skipValue(b, code, end, LIMITS);
        if (Bencode.typeAt(b, message, end) != Bencode.STRING) {
            return false;
        }
        int after = Bencode.skipValue(b, message, end, LIMITS);
        return Bencode.isEnd(b, after, end);
    }

    /** BEP 5 responses: {@code values} is a list of compact peers, 6 bytes (IPv4) or 18 bytes (IPv6, BEP 32). */
    private static boolean valuesValid(ByteBuffer b, int r, int end) {
        int values = Bencode.findKey(b, r, end, VALUES, LIMITS);
        if (values < 0) {
            return true;
        }
        if (Bencode.typeAt(b, values, end) != Bencode.LIST) {
            return false;
        }
        int p = values + 1;
        for (int n = 0; n <= LIMITS.maxElements(); n++) {     // the list was validated: bounded by maxElements
            if (Bencode.isEnd(b, p, end)) {
                return true;
            }
            int l = Bencode.stringLength(b, p, end);
            if (l != PEER4 && l != PEER6) {
                return false;
            }
            p = Bencode.skipValue(b, p, end, LIMITS);
        }
        return false;
    }

    /** BEP 42: the optional top-level {@code ip} is the requester's compact address. */
    private static boolean ipValid(ByteBuffer b, int off, int end) {
        int ip = Bencode.findKey(b, off, end, IP, LIMITS);
        if (ip < 0) {
            return true;
        }
        int l = Bencode.stringLength(b, ip, end);
        return l == PEER4 || l == PEER6;
    }

    private static boolean stringOfLength(ByteBuffer b, int dict, int end, byte[] key, int length) {
        return Bencode.stringLength(b, Bencode.findKey(b, dict, end, key, LIMITS), end) == length;
    }

    private static boolean nonEmptyString(ByteBuffer b, int dict, int end, byte[] key) {
        return Bencode.stringLength(b, Bencode.findKey(b, dict, end, key, LIMITS), end) > 0;
    }

    private static boolean optionalString(ByteBuffer b, int dict, int end, byte[] key) {
        int v = Bencode.findKey(b, dict, end, key, LIMITS);
        return v < 0 || Bencode.stringLength(b, v, end) >= 0;
    }

    private static boolean optionalFixed(ByteBuffer b, int dict, int end, byte[] key, int length) {
        int v = Bencode.findKey(b, dict, end, key, LIMITS);
        return v < 0 || Bencode.stringLength(b, v, end) == length;
    }

    private static boolean optionalRecords(ByteBuffer b, int dict, int end, byte[] key, int record) {
        int v = Bencode.findKey(b, dict, end, key, LIMITS);
        if (v < 0) {
            return true;
        }
        int l = Bencode.stringLength(b, v, end);
        return l >= 0 && l % record == 0;
    }

    private static boolean optionalInteger(ByteBuffer b, int dict, int end, byte[] key) {
        int v = Bencode.findKey(b, dict, end, key, LIMITS);
        return v < 0 || Bencode.integerValue(b, v, end) != Bencode.INVALID_INTEGER;
    }

    /**
     * Claims the endpoints a response lists: compact nodes ({@code nodes}, {@code nodes6}) and peers
     * ({@code values}), at most {@code max} of them. Call only for a datagram that {@link #classify} called a
     * {@link #RESPONSE}.
     *
     * @return how many endpoints were claimed
     */
    static int claimEndpoints(ByteBuffer b, int off, int len, FlowContext flow, int max) {
        int end = off + len;
        int r = Bencode.findKey(b, off, end, R, LIMITS);
        if (r < 0) {
            return 0;
        }
        int count = 0;
        int nodes = Bencode.findKey(b, r, end, NODES, LIMITS);
        if (nodes >= 0) {
            count += CompactPeers.claim(b, Bencode.stringOffset(b, nodes, end), Bencode.stringLength(b, nodes, end),
                CompactPeers.NODE4, flow, max - count);
        }
        int nodes6 = Bencode.findKey(b, r, end, NODES6, LIMITS);
        if (nodes6 >= 0) {
            count += CompactPeers.claim(b, Bencode.stringOffset(b, nodes6, end), Bencode.stringLength(b, nodes6,
                end), CompactPeers.NODE6, flow, max - count);
        }
        int values = Bencode.findKey(b, r, end, VALUES, LIMITS);
        if (values >= 0) {
            int p = values + 1;
            for (int n = 0; n <= LIMITS.maxElements() && !Bencode.isEnd(b, p, end) && count < max; n++) {
                int l = Bencode.stringLength(b, p, end);
                if (l == CompactPeers.PEER4 || l == CompactPeers.PEER6) {
                    count += CompactPeers.claim(b, Bencode.stringOffset(b, p, end), l, l, flow, max - count);
                }
                p = Bencode.skipValue(b, p, end, LIMITS);
                if (p < 0) {
                    break;
                }
            }
        }
        return count;
    }

    private static int u8(ByteBuffer b, int i) {
        return b.get(i) & 0xff;
    }

    /** Big-endian whatever the buffer's byte order. */
    private static long bigEndian(ByteBuffer b, int i, int bytes) {
        long v = 0;
        for (int k = 0; k < bytes; k++) {
            v = (v << 8) | u8(b, i + k);
        }
        return v;
    }
}
