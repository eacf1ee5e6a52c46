package org.btblocker.api;

/**
 * Which packets a detector wants to see, declared once by its provider so that the engine never calls a detector
 * for packets it cannot use (like nDPI's per-dissector selection bitmask).
 *
 * @param tcp          deliver TCP packets
 * @param udp          deliver UDP packets
 * @param emptyPackets also deliver packets without payload (bare SYNs, ACKs); most detectors want payload only
 */
public record Interest(boolean tcp, boolean udp, boolean emptyPackets) {

    /** TCP packets with payload. */
    public static final Interest TCP_PAYLOAD = new Interest(true, false, false);
    /** UDP datagrams with payload. */
    public static final Interest UDP_PAYLOAD = new Interest(false, true, false);
    /** TCP and UDP packets with payload. */
    public static final Interest TCP_AND_UDP_PAYLOAD = new Interest(true, true, false);
    /** Every TCP and UDP packet, empty ones included. */
    public static final Interest ALL_PACKETS = new Interest(true, true, true);

    /** Validates that at least one transport is selected. */
    public Interest {
        if (!tcp && !udp) {
            throw new IllegalArgumentException("an Interest must select TCP, UDP or both");
        }
    }
}
