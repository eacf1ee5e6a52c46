package org.btblocker.netfilter.nfqueue;

import java.nio.ByteBuffer;

/**
 * Decides each queued packet. Called on the queue's own thread, one packet at a time, so it may keep thread-confined
 * state (one engine per queue) without locks. Must not block, keep the buffer, or throw (a thrown
 * {@link RuntimeException} is counted and the packet accepted).
 */
@FunctionalInterface
public interface PacketHandler {

    /** Verdict: let the packet through (NF_ACCEPT). */
    int ACCEPT = NfqueueCodec.NF_ACCEPT;
    /** Verdict: drop the packet (NF_DROP). */
    int DROP = NfqueueCodec.NF_DROP;

    /**
     * @param buf the receive buffer, big-endian; the IP packet is {@code buf[payloadOffset, payloadOffset +
     *        payloadLength)} (it may be cut to the copy range: see {@link QueuedPacket#capLength()})
     * @param packet metadata; call {@link QueuedPacket#setVerdictMark} to mark the packet with the verdict
     * @return {@link #ACCEPT} or {@link #DROP} (anything else is treated as ACCEPT)
     */
    int onPacket(ByteBuffer buf, int payloadOffset, int payloadLength, QueuedPacket packet);
}
