package org.btblocker.netfilter.nfqueue;

import org.btblocker.netlink.AttrCursor;
import org.btblocker.netlink.MessageCursor;
import org.btblocker.netlink.MessageWriter;
import org.btblocker.netlink.Netlink;

/**
 * NFQUEUE messages (nfnetlink subsystem NFNL_SUBSYS_QUEUE): configuration commands, verdicts, and parsing of queued
 * packets in place. Constants keep their names from {@code /usr/include/linux/netfilter/nfnetlink_queue.h} (and
 * NF_DROP/NF_ACCEPT from linux/netfilter.h). Pure functions over a {@link MessageWriter} or cursors; writing a
 * verdict and parsing a packet allocate nothing.
 */
final class NfqueueCodec {

    private NfqueueCodec() {
    }

    // enum nfqnl_msg_types
    static final int NFQNL_MSG_PACKET = 0;
    static final int NFQNL_MSG_VERDICT = 1;
    static final int NFQNL_MSG_CONFIG = 2;
    static final int NFQNL_MSG_VERDICT_BATCH = 3;

    // enum nfqnl_attr_type
    static final int NFQA_PACKET_HDR = 1;      // struct nfqnl_msg_packet_hdr {__be32 packet_id; __be16 hw_protocol; u8 hook}
    static final int NFQA_VERDICT_HDR = 2;     // struct nfqnl_msg_verdict_hdr {__be32 verdict; __be32 id}
    static final int NFQA_MARK = 3;            // __u32 nfmark
    static final int NFQA_TIMESTAMP = 4;       // struct nfqnl_msg_packet_timestamp
    static final int NFQA_IFINDEX_INDEV = 5;   // __u32 ifindex
    static final int NFQA_IFINDEX_OUTDEV = 6;  // __u32 ifindex
    static final int NFQA_IFINDEX_PHYSINDEV = 7;
    static final int NFQA_IFINDEX_PHYSOUTDEV = 8;
    static final int NFQA_HWADDR = 9;          // struct nfqnl_msg_packet_hw
    static final int NFQA_PAYLOAD = 10;        // opaque data payload
    static final int NFQA_CT = 11;             // nested, nfnetlink_conntrack.h
    static final int NFQA_CT_INFO = 12;        // enum ip_conntrack_info
    static final int NFQA_CAP_LEN = 13;        // __u32 length of captured packet
    static final int NFQA_SKB_INFO = 14;       // __u32 skb meta information
    static final int NFQA_EXP = 15;
    static final int NFQA_UID = 16;
    static final int NFQA_GID = 17;
    static final int NFQA_SECCTX = 18;
    static final int NFQA_VLAN = 19;
    static final int NFQA_L2HDR = 20;
    static final int NFQA_PRIORITY = 21;

    // enum nfqnl_msg_config_cmds
    static final int NFQNL_CFG_CMD_NONE = 0;
    static final int NFQNL_CFG_CMD_BIND = 1;
    static final int NFQNL_CFG_CMD_UNBIND = 2;
    static final int NFQNL_CFG_CMD_PF_BIND = 3;
    static final int NFQNL_CFG_CMD_PF_UNBIND = 4;

    // enum nfqnl_config_mode
    static final int NFQNL_COPY_NONE = 0;
    static final int NFQNL_COPY_META = 1;
    static final int NFQNL_COPY_PACKET = 2;

    // enum nfqnl_attr_config
    static final int NFQA_CFG_CMD = 1;         // struct nfqnl_msg_config_cmd {u8 command; u8 _pad; __be16 pf}
    static final int NFQA_CFG_PARAMS = 2;      // struct nfqnl_msg_config_params {__be32 copy_range; u8 copy_mode} packed
    static final int NFQA_CFG_QUEUE_MAXLEN = 3; // __u32
    static final int NFQA_CFG_MASK = 4;        // identify which flags to change
    static final int NFQA_CFG_FLAGS = 5;       // value of these flags (__u32)

    // NFQA_CFG_FLAGS bits
    static final int NFQA_CFG_F_FAIL_OPEN = 1 << 0;
    static final int NFQA_CFG_F_CONNTRACK = 1 << 1;
    static final int NFQA_CFG_F_GSO = 1 << 2;
    static final int NFQA_CFG_F_UID_GID = 1 << 3;
    static final int NFQA_CFG_F_SECCTX = 1 << 4;

    // NFQA_SKB_INFO bits
    static final int NFQA_SKB_CSUMNOTREADY = 1 << 0;
    static final int NFQA_SKB_GSO = 1 << 1;
    static final int NFQA_SKB_CSUM_NOTVERIFIED = 1 << 2;

    // linux/netfilter.h verdicts
    static final int NF_DROP = 0;
    static final int NF_ACCEPT = 1;

    static final int TYPE_PACKET = Netlink.nfnlType(Netlink.NFNL_SUBSYS_QUEUE, NFQNL_MSG_PACKET);
    static final int TYPE_VERDICT = Netlink.nfnlType(Netlink.NFNL_SUBSYS_QUEUE, NFQNL_MSG_VERDICT);
    static final int TYPE_CONFIG = Netlink.nfnlType(Netlink.NFNL_SUBSYS_QUEUE, NFQNL_MSG_CONFIG);
    static final int TYPE_VERDICT_BATCH = Netlink.nfnlType(Netlink.NFNL_SUBSYS_QUEUE, NFQNL_MSG_VERDICT_BATCH);

    private static final int REQUEST_ACK = Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK;

    private static MessageWriter config(MessageWriter w, int seq, int queueNum) {
        return w.begin(TYPE_CONFIG, REQUEST_ACK, seq).nfgenmsg(Netlink.AF_UNSPEC, Netlink.NFNETLINK_V0, queueNum);
    }

    /**
     * NFQA_CFG_CMD: {@code command} (NFQNL_CFG_CMD_*) for {@code queueNum}; {@code pf} matters for PF_(UN)BIND only,
     * which kernels since 3.8 accept and ignore.
     */
    static void writeCommand(MessageWriter w, int seq, int queueNum, int command, int pf) {
        config(w, seq, queueNum);
        int at = w.attr(NFQA_CFG_CMD, 4);
        w.putU8At(at, command);
        w.putBe16At(at + 2, pf);
        w.end();
    }

    /** NFQA_CFG_PARAMS: copy mode and range (5-byte packed struct, padded to 8). */
    static void writeParams(MessageWriter w, int seq, int queueNum, int copyMode, int copyRange) {
        config(w, seq, queueNum);
        int at = w.attr(NFQA_CFG_PARAMS, 5);
        w.putBe32At(at, copyRange);
        w.putU8At(at + 4, copyMode);
        w.end();
    }

    /** NFQA_CFG_QUEUE_MAXLEN. */
    static void writeMaxLength(MessageWriter w, int seq, int queueNum, int maxLength) {
        config(w, seq, queueNum).attrU32(NFQA_CFG_QUEUE_MAXLEN, maxLength).end();
    }

    /** NFQA_CFG_FLAGS with NFQA_CFG_MASK (the kernel rejects flags without a mask with EINVAL). */
    static void writeFlags(MessageWriter w, int seq, int queueNum, int flags, int mask) {
        config(w, seq, queueNum).attrU32(NFQA_CFG_FLAGS, flags).attrU32(NFQA_CFG_MASK, mask).end();
    }

    /** The NFQA_CFG_FLAGS value a config asks for. */
    static int flagsOf(QueueConfig c) {
        return (c.failOpen() ? NFQA_CFG_F_FAIL_OPEN : 0) | (c.gso() ? NFQA_CFG_F_GSO : 0);
    }

    /**
     * NFQNL_MSG_VERDICT for one packet, optionally with NFQA_MARK. No NLM_F_ACK: verdicts are fire-and-forget; the
     * kernel still reports a failed one with an NLMSG_ERROR.
     */
    static void writeVerdict(MessageWriter w, int queueNum, int packetId, int verdict, boolean setMark, int mark) {
        writeVerdictMessage(w, TYPE_VERDICT, queueNum, packetId, verdict, setMark, mark);
    }

    /** NFQNL_MSG_VERDICT_BATCH: the verdict (and mark) for every queued packet with id &lt;= {@code lastId}. */
    static void writeBatchVerdict(MessageWriter w, int queueNum, int lastId, int verdict, boolean setMark, int mark) {
        writeVerdictMessage(w, TYPE_VERDICT_BATCH, queueNum, lastId, verdict, setMark, mark);
    }

    private static void writeVerdictMessage(MessageWriter w, int type, int queueNum, int id, int verdict,
            boolean setMark, int mark) {
        w.begin(type, Netlink.NLM_F_REQUEST, 0).nfgenmsg(Netlink.AF_UNSPEC, Netlink.NFNETLINK_V0, queueNum);
        int at = w.attr(NFQA_VERDICT_HDR, 8);
        w.putBe32At(at, verdict);
        w.putBe32At(at + 4, id);
        if (setMark) {
            w.attrU32(NFQA_MARK, mark);
        }
        w.end();
    }

    /**
     * Parses an NFQNL_MSG_PACKET in place into {@code out}. Never throws.
     *
     * @return false when the message is not a queued packet or has no usable NFQA_PACKET_HDR (no verdict possible)
     */
    static boolean parsePacket(MessageCursor m, AttrCursor a, QueuedPacket out) {
        out.clear();
        if (m.type() != TYPE_PACKET || !m.nfAttributes(a)) {
            return false;
        }
        out.family = m.nfFamily();
        out.queueNum = m.nfResId();
        boolean hasHeader = false;
        while (a.next()) {
            switch (a.type()) {
                case NFQA_PACKET_HDR -> {
                    if (a.valueLength() >= 7) {
                        out.packetId = a.u32At(0);
                        out.hwProtocol = a.u16At(4);
                        out.hook = a.u8At(6);
                        hasHeader = true;
                    }
                }
                case NFQA_MARK -> out.mark = a.u32();
                case NFQA_IFINDEX_INDEV -> out.inDevice = a.u32();
                case NFQA_IFINDEX_OUTDEV -> out.outDevice = a.u32();
                case NFQA_PAYLOAD -> {
                    out.payloadOffset = a.valueOffset();
                    out.payloadLength = a.valueLength();
                }
                case NFQA_CT_INFO -> out.ctInfo = a.u32();
                case NFQA_CAP_LEN -> out.capLength = a.u32();
                case NFQA_SKB_INFO -> out.skbInfo = a.u32();
                default -> { } // timestamps, hw addresses, conntrack, uid/gid...: not needed, skipped
            }
        }
        // a malformed attribute after the header still leaves a packet we must give a verdict
        return hasHeader;
    }
}
