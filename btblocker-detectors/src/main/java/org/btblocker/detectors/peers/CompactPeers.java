package org.btblocker.detectors.peers;

import java.nio.ByteBuffer;

import org.btblocker.api.FlowContext;
import org.btblocker.api.packet.Addresses;

/**
 * The one decoder of compact endpoint lists, which every BitTorrent protocol that names peers uses: records of a
 * fixed size, each an optional node id, a 4- or 16-byte address and a big-endian port.
 *
 * <table>
 *   <caption>record kinds</caption>
 *   <tr><th>record</th><th>bytes</th><th>where</th></tr>
 *   <tr><td>{@link #PEER4}</td><td>4 + 2</td><td>BEP 23 tracker {@code peers}, BEP 5 {@code values}, BEP 11
 *       {@code added}, BEP 15 announce response</td></tr>
 *   <tr><td>{@link #PEER6}</td><td>16 + 2</td><td>BEP 7 {@code peers6}, BEP 32 {@code values}, BEP 11
 *       {@code added6}, BEP 15 over IPv6</td></tr>
 *   <tr><td>{@link #NODE4}</td><td>20 + 4 + 2</td><td>BEP 5 {@code nodes}</td></tr>
 *   <tr><td>{@link #NODE6}</td><td>20 + 16 + 2</td><td>BEP 32 {@code nodes6}</td></tr>
 * </table>
 * Each endpoint is claimed through {@link FlowContext#claimPeer} (the engine records the packet's sender as the
 * source and bounds what one packet and one source may claim). Pure loops over the buffer, no allocation.
 */
public final class CompactPeers {

    /** IPv4 peer: address, port. */
    public static final int PEER4 = 6;
    /** IPv6 peer: address, port. */
    public static final int PEER6 = 18;
    /** IPv4 DHT node: 20-byte id, address, port. */
    public static final int NODE4 = 26;
    /** IPv6 DHT node: 20-byte id, address, port. */
    public static final int NODE6 = 38;

    private static final int NODE_ID = 20;

    private CompactPeers() {
    }

    /**
     * Claims at most {@code max} endpoints of the compact list {@code b[off, off + length)} of {@code record}-byte
     * records; records with port 0 or an all-zero address are skipped.
     *
     * @param record {@link #PEER4}, {@link #PEER6}, {@link #NODE4} or {@link #NODE6}
     * @return how many endpoints the engine accepted; 0 when the list is not a whole number of records or out of
     *         bounds
     */
    public static int claim(ByteBuffer b, int off, int length, int record, FlowContext flow, int max) {
        int skip = record == NODE4 || record == NODE6 ? NODE_ID : 0;
        int addressBytes = record - skip - 2;
        if (addressBytes != 4 && addressBytes != 16 || b == null || off < 0 || length < 0
                || off > b.limit() - length || length % record != 0) {
            return 0;
        }
        int claimed = 0;
        for (int p = off; p + record <= off + length && claimed < max; p += record) {
            int a = p + skip;
            int port = ((b.get(a + addressBytes) & 0xff) << 8) | (b.get(a + addressBytes + 1) & 0xff);
            long hi;
            long lo;
            if (addressBytes == 4) {
                long v4 = bigEndian(b, a, 4);
                if (v4 == 0) {
                    continue;
                }
                hi = 0;
                lo = Addresses.ipv4Lo(v4);
            } else {
                hi = bigEndian(b, a, 8);
                lo = bigEndian(b, a + 8, 8);
                if (hi == 0 && lo == 0) {
                    continue;
                }
            }
            if (port != 0 && flow.claimPeer(hi, lo, port)) {
                claimed++;
            }
        }
        return claimed;
    }

    /** Big-endian whatever the buffer's byte order. */
    private static long bigEndian(ByteBuffer b, int i, int bytes) {
        long v = 0;
        for (int k = 0; k < bytes; k++) {
            v = (v << 8) | (b.get(i + k) & 0xff);
        }
        return v;
    }
}
