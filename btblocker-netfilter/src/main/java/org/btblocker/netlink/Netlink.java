package org.btblocker.netlink;

/**
 * Netlink and nfnetlink constants under their UAPI names. Sources: {@code /usr/include/linux/netlink.h} (header
 * layout, flags, control message types, socket options, extended ack attributes) and
 * {@code /usr/include/linux/netfilter/nfnetlink.h} (nfgenmsg, subsystems, batch messages).
 */
public final class Netlink {

    private Netlink() {
    }

    // ---- linux/netlink.h: protocols
    /** {@code NETLINK_ROUTE}. */
    public static final int NETLINK_ROUTE = 0;
    /** {@code NETLINK_NETFILTER}: nfnetlink (queue, ipset, nftables, conntrack). */
    public static final int NETLINK_NETFILTER = 12;

    // ---- linux/netlink.h: struct nlmsghdr {u32 len; u16 type; u16 flags; u32 seq; u32 pid} in host order
    /** {@code NLMSG_HDRLEN}: sizeof(struct nlmsghdr), already aligned. */
    public static final int NLMSG_HDRLEN = 16;
    /** {@code NLMSG_ALIGNTO}. */
    public static final int NLMSG_ALIGNTO = 4;

    /** {@code NLM_F_REQUEST}: it is a request message. */
    public static final int NLM_F_REQUEST = 0x01;
    /** {@code NLM_F_MULTI}: multipart message, terminated by NLMSG_DONE. */
    public static final int NLM_F_MULTI = 0x02;
    /** {@code NLM_F_ACK}: reply with an ack (NLMSG_ERROR with error 0) or an error. */
    public static final int NLM_F_ACK = 0x04;
    /** {@code NLM_F_ECHO}. */
    public static final int NLM_F_ECHO = 0x08;
    /** {@code NLM_F_ROOT} (GET modifier). */
    public static final int NLM_F_ROOT = 0x100;
    /** {@code NLM_F_MATCH} (GET modifier). */
    public static final int NLM_F_MATCH = 0x200;
    /** {@code NLM_F_DUMP} = ROOT | MATCH. */
    public static final int NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
    /** {@code NLM_F_REPLACE} (NEW modifier). */
    public static final int NLM_F_REPLACE = 0x100;
    /** {@code NLM_F_EXCL} (NEW modifier). */
    public static final int NLM_F_EXCL = 0x200;
    /** {@code NLM_F_CREATE} (NEW modifier). */
    public static final int NLM_F_CREATE = 0x400;
    /** {@code NLM_F_APPEND} (NEW modifier). */
    public static final int NLM_F_APPEND = 0x800;
    /** {@code NLM_F_NONREC} (DELETE modifier). */
    public static final int NLM_F_NONREC = 0x100;
    /** {@code NLM_F_CAPPED} (ACK flag): the request was not echoed back in the error message. */
    public static final int NLM_F_CAPPED = 0x100;
    /** {@code NLM_F_ACK_TLVS} (ACK flag): extended-ack attributes follow. */
    public static final int NLM_F_ACK_TLVS = 0x200;

    /** {@code NLMSG_NOOP}. */
    public static final int NLMSG_NOOP = 0x1;
    /** {@code NLMSG_ERROR}: struct nlmsgerr {int error; struct nlmsghdr msg; ...}; error 0 is an ack. */
    public static final int NLMSG_ERROR = 0x2;
    /** {@code NLMSG_DONE}: end of a dump. */
    public static final int NLMSG_DONE = 0x3;
    /** {@code NLMSG_OVERRUN}: data lost. */
    public static final int NLMSG_OVERRUN = 0x4;
    /** {@code NLMSG_MIN_TYPE}: types below are control messages. */
    public static final int NLMSG_MIN_TYPE = 0x10;

    /** Size of {@code struct nlmsgerr} without the echoed payload: int error + struct nlmsghdr. */
    public static final int NLMSGERR_SIZE = 4 + NLMSG_HDRLEN;
    /** {@code NLMSGERR_ATTR_MSG}: NUL-terminated error text (enum nlmsgerr_attrs). */
    public static final int NLMSGERR_ATTR_MSG = 1;
    /** {@code NLMSGERR_ATTR_OFFS}: u32 offset of the offending attribute in the request. */
    public static final int NLMSGERR_ATTR_OFFS = 2;

    // ---- linux/netlink.h: struct nlattr {u16 nla_len; u16 nla_type} in host order
    /** {@code NLA_HDRLEN}. */
    public static final int NLA_HDRLEN = 4;
    /** {@code NLA_ALIGNTO}. */
    public static final int NLA_ALIGNTO = 4;
    /** {@code NLA_F_NESTED}: the attribute holds attributes. */
    public static final int NLA_F_NESTED = 1 << 15;
    /** {@code NLA_F_NET_BYTEORDER}: the value is big-endian. */
    public static final int NLA_F_NET_BYTEORDER = 1 << 14;
    /** {@code NLA_TYPE_MASK} = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER), limited to 16 bits. */
    public static final int NLA_TYPE_MASK = 0xffff & ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER);

    // ---- linux/netlink.h: socket options at SOL_NETLINK
    /** {@code NETLINK_ADD_MEMBERSHIP}. */
    public static final int NETLINK_ADD_MEMBERSHIP = 1;
    /** {@code NFNLGRP_NFTABLES} (linux/netfilter/nfnetlink.h): every nf_tables rule-set change, iptables-nft's too. */
    public static final int NFNLGRP_NFTABLES = 7;

    /** {@code NETLINK_NO_ENOBUFS}: do not report ENOBUFS on receive-buffer overrun. */
    public static final int NETLINK_NO_ENOBUFS = 5;
    /** {@code NETLINK_CAP_ACK}: do not echo the request in error messages. */
    public static final int NETLINK_CAP_ACK = 10;
    /** {@code NETLINK_EXT_ACK}: error messages carry NLMSGERR_ATTR_* (kernel text). */
    public static final int NETLINK_EXT_ACK = 11;

    // ---- linux/netfilter/nfnetlink.h: struct nfgenmsg {u8 nfgen_family; u8 version; __be16 res_id}
    /** Size of {@code struct nfgenmsg}. */
    public static final int NFGENMSG_SIZE = 4;
    /** {@code NFNETLINK_V0}. */
    public static final int NFNETLINK_V0 = 0;
    /** {@code NFNL_SUBSYS_CTNETLINK}. */
    public static final int NFNL_SUBSYS_CTNETLINK = 1;
    /** {@code NFNL_SUBSYS_QUEUE}. */
    public static final int NFNL_SUBSYS_QUEUE = 3;
    /** {@code NFNL_SUBSYS_IPSET}. */
    public static final int NFNL_SUBSYS_IPSET = 6;
    /** {@code NFNL_SUBSYS_NFTABLES}. */
    public static final int NFNL_SUBSYS_NFTABLES = 10;
    /** {@code NFNL_MSG_BATCH_BEGIN} = NLMSG_MIN_TYPE. */
    public static final int NFNL_MSG_BATCH_BEGIN = NLMSG_MIN_TYPE;
    /** {@code NFNL_MSG_BATCH_END} = NLMSG_MIN_TYPE + 1. */
    public static final int NFNL_MSG_BATCH_END = NLMSG_MIN_TYPE + 1;

    // ---- linux/socket.h address families used in nfgen_family
    /** {@code AF_UNSPEC}. */
    public static final int AF_UNSPEC = 0;
    /** {@code AF_INET}. */
    public static final int AF_INET = 2;
    /** {@code AF_INET6}. */
    public static final int AF_INET6 = 10;

    /** nlmsg_type of an nfnetlink message: {@code subsys << 8 | msg} (NFNL_SUBSYS_ID / NFNL_MSG_TYPE inverse). */
    public static int nfnlType(int subsystem, int message) {
        return (subsystem & 0xff) << 8 | (message & 0xff);
    }

    /** {@code NLMSG_ALIGN} / {@code NLA_ALIGN}: rounds up to 4. */
    public static int align(int length) {
        return (length + 3) & ~3;
    }
}
