package org.btblocker.detectors.handshake;

import java.nio.ByteBuffer;

import org.btblocker.api.FlowContext;
import org.btblocker.detectors.peers.CompactPeers;
import org.btblocker.api.packet.Addresses;
import org.btblocker.detectors.bencode.Bencode;
import org.btblocker.detectors.bencode.Limits;

/**
 * The payload of a BEP 10 extended message (peer-wire id 20): one extended-message id byte, then (for the messages
 * we recognise) a bencoded dictionary.
 *
 * <ul>
 *   <li>Extended id 0 is the extension handshake (BEP 10): exactly one dictionary; with an {@code m} dictionary (the
 *       supported extensions) it is strong evidence. Often also {@code v}, {@code p}, {@code reqq},
 *       {@code metadata_size}.</li>
 *   <li>Other ids are negotiated per connection, so a flow joined mid-stream cannot know them: the dictionary
 *       itself is recognised. ut_metadata (BEP 9): {@code msg_type} 0 (request), 1 (data, followed by at most
 *       16 KiB of metadata) or 2 (reject), and {@code piece}. ut_pex (BEP 11): {@code added} / {@code dropped}
 *       compact IPv4 peers (6 bytes each), {@code added6} / {@code dropped6} (18 bytes each), and {@code added.f}
 *       with one flag byte per added peer.</li>
 *   <li>Extensions with binary payloads exist (e.g. BEP 55 holepunch), so an unknown id with a non-dictionary
 *       payload is a valid message that proves nothing.</li>
 * </ul>
 */
final class ExtensionMessage {

    /** Not a valid extended message (an extension handshake that is not exactly one dictionary). */
    static final int INVALID = -1;
    /** Valid or unknown; no evidence. */
    static final int OTHER = 0;
    /** BEP 10 extension handshake with an {@code m} dictionary. */
    static final int EXTENSION_HANDSHAKE = 1;
    /** BEP 9 ut_metadata request, data or reject. */
    static final int UT_METADATA = 2;
    /** BEP 11 ut_pex. */
    static final int UT_PEX = 3;

    /** Metadata pieces are 16 KiB (BEP 9). */
    static final int METADATA_PIECE = 16 * 1024;

    static final Limits LIMITS = new Limits(8, 1 << 20, 4_096, false);

    private static final byte[] M = {'m'};
    private static final byte[] MSG_TYPE = ascii("msg_type");
    private static final byte[] PIECE = ascii("piece");
    private static final byte[] ADDED = ascii("added");
    private static final byte[] ADDED_F = ascii("added.f");
    private static final byte[] ADDED6 = ascii("added6");
    private static final byte[] DROPPED = ascii("dropped");
    private static final byte[] DROPPED6 = ascii("dropped6");

    private ExtensionMessage() {
    }

    /**
     * Classifies the extended message in {@code b[off, end)}; {@code off} is the extended id byte, {@code end} the
     * end of the peer-wire message.
     *
     * @return {@link #INVALID}, {@link #OTHER}, {@link #EXTENSION_HANDSHAKE}, {@link #UT_METADATA} or {@link #UT_PEX}
     */
    static int classify(ByteBuffer b, int off, int end) {
        if (off < 0 || end > b.limit() || off >= end) {
            return INVALID;
        }
        int extId = b.get(off) & 0xff;
        int dict = off + 1;
        boolean isDictionary = dict < end && b.get(dict) == 'd';
        int dictEnd = isDictionary ? Bencode.skipValue(b, dict, end, LIMITS) : -1;
        if (extId == 0) {
            if (dictEnd != end) {
                return INVALID;
            }
            return Bencode.typeAt(b, Bencode.findKey(b, dict, end, M, LIMITS), end) == Bencode.DICTIONARY
                    ? EXTENSION_HANDSHAKE : OTHER;
        }
        if (dictEnd < 0) {
            return OTHER;
        }
        long msgType = integerAt(b, dict, dictEnd, MSG_TYPE);
        long piece = integerAt(b, dict, dictEnd, PIECE);
        if (msgType >= 0 && msgType <= 2 && piece >= 0) {
            boolean fits = dictEnd == end || (msgType == 1 && end - dictEnd <= METADATA_PIECE);
            return fits ? UT_METADATA : OTHER;
        }
        if (dictEnd == end && isPex(b, dict, end)) {
            return UT_PEX;
        }
        return OTHER;
    }

    private static boolean isPex(ByteBuffer b, int dict, int end) {
        int added = compactLength(b, dict, end, ADDED, 6);
        int added6 = compactLength(b, dict, end, ADDED6, 18);
        int dropped = compactLength(b, dict, end, DROPPED, 6);
        int dropped6 = compactLength(b, dict, end, DROPPED6, 18);
        if (added == -2 || added6 == -2 || dropped == -2 || dropped6 == -2) {
            return false;                             // present but not a whole number of compact peers
        }
        if (added < 0 && added6 < 0 && dropped < 0 && dropped6 < 0) {
            return false;
        }
        int flagsAt = Bencode.findKey(b, dict, end, ADDED_F, LIMITS);
        if (flagsAt >= 0) {
            int flags = Bencode.stringLength(b, flagsAt, end);
            return added >= 0 && flags == added / 6;
        }
        return true;
    }

    /** String length of {@code key} when a multiple of {@code unit}; -1 when absent; -2 when malformed. */
    private static int compactLength(ByteBuffer b, int dict, int end, byte[] key, int unit) {
        int at = Bencode.findKey(b, dict, end, key, LIMITS);
        if (at < 0) {
            return -1;
        }
        int length = Bencode.stringLength(b, at, end);
        return length >= 0 && length % unit == 0 ? length : -2;
    }

    private static long integerAt(ByteBuffer b, int dict, int end, byte[] key) {
        int at = Bencode.findKey(b, dict, end, key, LIMITS);
        return at < 0 ? Bencode.INVALID_INTEGER : Bencode.integerValue(b, at, end);
    }

    /**
     * Claims the peers of the {@code added} (IPv4) and {@code added6} (IPv6) strings of the ut_pex dictionary at
     * {@code dict}, at most {@code max} in all.
     *
     * @return the number of peers claimed
     */
    static int claimAddedPeers(ByteBuffer b, int dict, int end, FlowContext flow, int max) {
        int n = 0;
        int at = Bencode.findKey(b, dict, end, ADDED, LIMITS);
        if (at >= 0) {
            n += CompactPeers.claim(b, Bencode.stringOffset(b, at, end), Bencode.stringLength(b, at, end),
                    CompactPeers.PEER4, flow, max);
        }
        int at6 = Bencode.findKey(b, dict, end, ADDED6, LIMITS);
        if (at6 >= 0) {
            n += CompactPeers.claim(b, Bencode.stringOffset(b, at6, end), Bencode.stringLength(b, at6, end),
                    CompactPeers.PEER6, flow, max - n);
        }
        return n;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
