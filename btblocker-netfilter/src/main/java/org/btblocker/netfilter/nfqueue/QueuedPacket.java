package org.btblocker.netfilter.nfqueue;

/**
 * Metadata of the packet a {@link PacketHandler} is looking at (NFQNL_MSG_PACKET attributes), plus the mark the
 * handler wants set with its verdict. One instance per queue thread, overwritten for every packet: read it during
 * {@link PacketHandler#onPacket} only.
 */
public final class QueuedPacket {

    int family;
    int queueNum;
    int packetId;
    int hwProtocol;
    int hook;
    int mark;
    int inDevice;
    int outDevice;
    int payloadOffset;
    int payloadLength;
    int ctInfo;
    int capLength;
    int skbInfo;
    private boolean setMark;
    private int verdictMark;

    QueuedPacket() {
        clear();
    }

    void clear() {
        family = queueNum = packetId = hwProtocol = hook = mark = inDevice = outDevice = skbInfo = 0;
        payloadOffset = -1;
        payloadLength = 0;
        ctInfo = -1;
        capLength = -1;
        setMark = false;
        verdictMark = 0;
    }

    /** nfgen_family: the protocol family of the hook (AF_INET = 2, AF_INET6 = 10). */
    public int family() {
        return family;
    }

    /** The queue the packet came from. */
    public int queueNum() {
        return queueNum;
    }

    /** The kernel's id for this packet in its queue (unsigned, increasing). */
    public int packetId() {
        return packetId;
    }

    /** hw_protocol: the link-layer protocol (0x0800 IPv4, 0x86dd IPv6). */
    public int hwProtocol() {
        return hwProtocol;
    }

    /** The netfilter hook (0 PRE_ROUTING, 1 LOCAL_IN, 2 FORWARD, 3 LOCAL_OUT, 4 POST_ROUTING). */
    public int hook() {
        return hook;
    }

    /** skb->mark when the packet was queued (0 when unset). */
    public int mark() {
        return mark;
    }

    /** Input interface index, 0 when none. */
    public int inDevice() {
        return inDevice;
    }

    /** Output interface index, 0 when none. */
    public int outDevice() {
        return outDevice;
    }

    /** enum ip_conntrack_info (NFQA_CT_INFO), -1 when absent (conntrack not requested). */
    public int ctInfo() {
        return ctInfo;
    }

    /** Original packet length when the copy was cut to the copy range (NFQA_CAP_LEN), -1 when not cut. */
    public int capLength() {
        return capLength;
    }

    /** NFQA_SKB_INFO bits: 1 checksum not ready, 2 GSO packet, 4 checksum not verified. */
    public int skbInfo() {
        return skbInfo;
    }

    /** True when NFQA_SKB_GSO is set: the payload is a GSO super-packet. */
    public boolean isGso() {
        return (skbInfo & NfqueueCodec.NFQA_SKB_GSO) != 0;
    }

    /** Asks for {@code skb->mark = mark} together with this packet's verdict. */
    public void setVerdictMark(int mark) {
        this.setMark = true;
        this.verdictMark = mark;
    }

    /** True when the handler asked for a mark. */
    public boolean hasVerdictMark() {
        return setMark;
    }

    /** The mark asked for (meaningful when {@link #hasVerdictMark()}). */
    public int verdictMark() {
        return verdictMark;
    }
}
