package org.btblocker.ipset;

import static org.btblocker.netlink.Netlink.NLA_F_NET_BYTEORDER;
import static org.btblocker.netlink.Netlink.NLM_F_ACK;
import static org.btblocker.netlink.Netlink.NLM_F_CREATE;
import static org.btblocker.netlink.Netlink.NLM_F_DUMP;
import static org.btblocker.netlink.Netlink.NLM_F_REQUEST;

import java.time.Duration;
import java.util.List;
import org.btblocker.api.ban.BanEntry;
import org.btblocker.bansink.BanEntries;
import org.btblocker.netlink.AttrCursor;
import org.btblocker.netlink.MessageCursor;
import org.btblocker.netlink.MessageWriter;
import org.btblocker.netlink.Netlink;

/**
 * The ipset netlink protocol ({@code NFNL_SUBSYS_IPSET}), as far as a {@code hash:ip} ban set needs it. Constants
 * carry their names from {@code /usr/include/linux/netfilter/ipset/ip_set.h}; the layout was checked against the
 * kernel by tracing the {@code ipset} tool:
 * <pre>
 *  nlmsghdr {type = 6 &lt;&lt; 8 | IPSET_CMD_x, flags}  nfgenmsg {family AF_INET, version 0, res_id 0}
 *  IPSET_ATTR_PROTOCOL u8, IPSET_ATTR_SETNAME string
 *  [create] IPSET_ATTR_TYPENAME "hash:ip", IPSET_ATTR_REVISION u8, IPSET_ATTR_FAMILY u8 (NFPROTO_IPV4 | _IPV6)
 *  IPSET_ATTR_DATA (nested) {
 *      IPSET_ATTR_IP (nested) { IPSET_ATTR_IPADDR_IPV4 | IPV6, NLA_F_NET_BYTEORDER: the address }   [add/del/test]
 *      IPSET_ATTR_TIMEOUT | NLA_F_NET_BYTEORDER: u32 seconds                                        [create/add]
 *  }
 * </pre>
 * An IPSET_CMD_LIST dump (NLM_F_DUMP) answers with NLM_F_MULTI messages (the first also carries the set's header)
 * ending with NLMSG_DONE; each holds its entries as
 * {@code IPSET_ATTR_ADT (nested) { IPSET_ATTR_DATA (nested) { IPSET_ATTR_IP (nested) { IPV4 | IPV6 }, IPSET_ATTR_TIMEOUT
 * u32 seconds }* }} (the kernel omits NLA_F_NET_BYTEORDER on the address attribute there, but it is in network order).
 * Without {@code NLM_F_EXCL} the kernel sets IPSET_FLAG_EXIST: create accepts an identical existing set, add refreshes
 * the timeout of an existing entry and del ignores a missing one. Test answers {@link #IPSET_ERR_EXIST} for "not in
 * set". Pure functions over a {@link MessageWriter} / {@link MessageCursor}; nothing here does I/O.
 */
final class IpsetCodec {

    private IpsetCodec() { }

    /** {@code IPSET_PROTOCOL}: the newest protocol we speak. */
    static final int IPSET_PROTOCOL = 7;
    /** {@code IPSET_PROTOCOL_MIN}: the oldest; used to ask the kernel which it speaks. */
    static final int IPSET_PROTOCOL_MIN = 6;
    /** {@code IPSET_MAXNAMELEN}, including the NUL. */
    static final int IPSET_MAXNAMELEN = 32;

    // enum ipset_cmd
    static final int IPSET_CMD_PROTOCOL = 1;
    static final int IPSET_CMD_CREATE = 2;
    static final int IPSET_CMD_DESTROY = 3;
    static final int IPSET_CMD_LIST = 7;
    static final int IPSET_CMD_ADD = 9;
    static final int IPSET_CMD_DEL = 10;
    static final int IPSET_CMD_TEST = 11;
    static final int IPSET_CMD_HEADER = 12;
    static final int IPSET_CMD_TYPE = 13;

    // command-level attributes
    static final int IPSET_ATTR_PROTOCOL = 1;
    static final int IPSET_ATTR_SETNAME = 2;
    static final int IPSET_ATTR_TYPENAME = 3;
    static final int IPSET_ATTR_REVISION = 4;
    static final int IPSET_ATTR_FAMILY = 5;
    static final int IPSET_ATTR_DATA = 7;
    /** Nest of IPSET_ATTR_DATA entries in an IPSET_CMD_LIST answer. */
    static final int IPSET_ATTR_ADT = 8;
    static final int IPSET_ATTR_PROTOCOL_MIN = 10;
    static final int IPSET_ATTR_REVISION_MIN = 10;

    // CADT attributes (inside IPSET_ATTR_DATA)
    static final int IPSET_ATTR_IP = 1;
    static final int IPSET_ATTR_TIMEOUT = 6;
    // inside IPSET_ATTR_IP
    static final int IPSET_ATTR_IPADDR_IPV4 = 1;
    static final int IPSET_ATTR_IPADDR_IPV6 = 2;

    // enum ipset_errno (returned as -errno in NLMSG_ERROR)
    static final int IPSET_ERR_PRIVATE = 4096;
    static final int IPSET_ERR_PROTOCOL = 4097;
    static final int IPSET_ERR_FIND_TYPE = 4098;
    static final int IPSET_ERR_MAX_SETS = 4099;
    static final int IPSET_ERR_BUSY = 4100;
    static final int IPSET_ERR_EXIST_SETNAME2 = 4101;
    static final int IPSET_ERR_TYPE_MISMATCH = 4102;
    static final int IPSET_ERR_EXIST = 4103;
    static final int IPSET_ERR_INVALID_FAMILY = 4106;
    static final int IPSET_ERR_TIMEOUT = 4107;
    static final int IPSET_ERR_REFERENCED = 4108;
    static final int IPSET_ERR_IPADDR_IPV4 = 4109;
    static final int IPSET_ERR_IPADDR_IPV6 = 4110;

    /** {@code NFPROTO_IPV4} (linux/netfilter.h). */
    static final int NFPROTO_IPV4 = 2;
    /** {@code NFPROTO_IPV6}. */
    static final int NFPROTO_IPV6 = 10;

    /** The set type we create. */
    static final String HASH_IP = "hash:ip";

    static int type(int cmd) {
        return Netlink.nfnlType(Netlink.NFNL_SUBSYS_IPSET, cmd);
    }

    private static MessageWriter begin(MessageWriter w, int cmd, int flags, int seq, int protocol) {
        return w.begin(type(cmd), flags, seq).nfgenmsg(Netlink.AF_INET, Netlink.NFNETLINK_V0, 0)
                .attrU8(IPSET_ATTR_PROTOCOL, protocol);
    }

    /** IPSET_CMD_PROTOCOL: asks which protocol versions the kernel speaks (answer: {@link #readProtocol}). */
    static void protocol(MessageWriter w, int seq) {
        begin(w, IPSET_CMD_PROTOCOL, NLM_F_REQUEST | NLM_F_ACK, seq, IPSET_PROTOCOL_MIN).end();
    }

    /** IPSET_CMD_TYPE: asks which revisions of {@code hash:ip} the kernel has for a family. */
    static void typeQuery(MessageWriter w, int seq, int protocol, int nfproto) {
        begin(w, IPSET_CMD_TYPE, NLM_F_REQUEST | NLM_F_ACK, seq, protocol)
                .attrString(IPSET_ATTR_TYPENAME, HASH_IP).attrU8(IPSET_ATTR_FAMILY, nfproto).end();
    }

    /**
     * IPSET_CMD_CREATE of a {@code hash:ip} set with timeout support; without NLM_F_EXCL an identical existing set is
     * accepted.
     */
    static void create(MessageWriter w, int seq, int protocol, String name, int nfproto, int revision,
            int defaultTimeoutSeconds) {
        begin(w, IPSET_CMD_CREATE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, seq, protocol)
                .attrString(IPSET_ATTR_SETNAME, name)
                .attrString(IPSET_ATTR_TYPENAME, HASH_IP)
                .attrU8(IPSET_ATTR_REVISION, revision)
                .attrU8(IPSET_ATTR_FAMILY, nfproto)
                .nestBegin(IPSET_ATTR_DATA)
                .attrU32(IPSET_ATTR_TIMEOUT | NLA_F_NET_BYTEORDER, defaultTimeoutSeconds)
                .nestEnd().end();
    }

    /** IPSET_CMD_HEADER: asks for a set's type, family and revision (answer: {@link #readHeader}). */
    static void header(MessageWriter w, int seq, int protocol, String name) {
        begin(w, IPSET_CMD_HEADER, NLM_F_REQUEST | NLM_F_ACK, seq, protocol)
                .attrString(IPSET_ATTR_SETNAME, name).end();
    }

    /**
     * IPSET_CMD_ADD of one address ({@code addr[0..3]} IPv4 or {@code addr[0..15]} IPv6) with a timeout; re-adding
     * refreshes the timeout (no NLM_F_EXCL, so IPSET_FLAG_EXIST).
     */
    static void add(MessageWriter w, int seq, int protocol, String name, byte[] addr, int timeoutSeconds) {
        begin(w, IPSET_CMD_ADD, NLM_F_REQUEST | NLM_F_ACK, seq, protocol).attrString(IPSET_ATTR_SETNAME, name);
        w.nestBegin(IPSET_ATTR_DATA);
        ip(w, addr);
        w.attrU32(IPSET_ATTR_TIMEOUT | NLA_F_NET_BYTEORDER, timeoutSeconds);
        w.nestEnd().end();
    }

    /** IPSET_CMD_DEL of one address; a missing entry is not an error (no NLM_F_EXCL). */
    static void del(MessageWriter w, int seq, int protocol, String name, byte[] addr) {
        adt(w, IPSET_CMD_DEL, seq, protocol, name, addr);
    }

    /** IPSET_CMD_TEST of one address: ack = in the set, {@link #IPSET_ERR_EXIST} = not in it. */
    static void test(MessageWriter w, int seq, int protocol, String name, byte[] addr) {
        adt(w, IPSET_CMD_TEST, seq, protocol, name, addr);
    }

    private static void adt(MessageWriter w, int cmd, int seq, int protocol, String name, byte[] addr) {
        begin(w, cmd, NLM_F_REQUEST | NLM_F_ACK, seq, protocol).attrString(IPSET_ATTR_SETNAME, name);
        w.nestBegin(IPSET_ATTR_DATA);
        ip(w, addr);
        w.nestEnd().end();
    }

    /** IPSET_CMD_LIST dump of one set (answer: {@link #readEntries} per reply message). */
    static void list(MessageWriter w, int seq, int protocol, String name) {
        begin(w, IPSET_CMD_LIST, NLM_F_REQUEST | NLM_F_DUMP, seq, protocol).attrString(IPSET_ATTR_SETNAME, name).end();
    }

    /**
     * Appends the entries of one IPSET_CMD_LIST answer message to {@code out} (timeout 0 = the entry has none). Pure
     * apart from {@code out}; never throws; entries are appended only when the whole message is well formed.
     *
     * @param a scratch cursors for the four nesting levels (a: message, b: ADT, c: DATA, d: IP)
     * @return the number of entries appended, or -1 when the message is not a list answer or is malformed (broken
     *         attributes, an entry without an address or with an address of the wrong length, a timeout not u32)
     */
    static int readEntries(MessageCursor m, AttrCursor a, AttrCursor b, AttrCursor c, AttrCursor d,
            List<BanEntry> out) {
        if (m.nfSubsystem() != Netlink.NFNL_SUBSYS_IPSET || m.nfMessage() != IPSET_CMD_LIST || !m.nfAttributes(a)) {
            return -1;
        }
        int before = out.size();
        while (a.next()) {
            if (a.type() != IPSET_ATTR_ADT) {
                continue;
            }
            a.nested(b);
            while (b.next()) {
                if (b.type() != IPSET_ATTR_DATA) {
                    continue;
                }
                b.nested(c);
                byte[] addr = null;
                long timeout = 0;
                while (c.next()) {
                    if (c.type() == IPSET_ATTR_IP) {
                        c.nested(d);
                        while (d.next()) {
                            int len = d.valueLength();
                            if (d.type() == IPSET_ATTR_IPADDR_IPV4 && len == 4
                                    || d.type() == IPSET_ATTR_IPADDR_IPV6 && len == 16) {
                                addr = new byte[len];
                                for (int i = 0; i < len; i++) {
                                    addr[i] = (byte) d.u8At(i);
                                }
                            }
                        }
                        if (d.hasError()) {
                            return BanEntries.discardFrom(out, before);
                        }
                    } else if (c.type() == IPSET_ATTR_TIMEOUT) {
                        if (c.valueLength() != 4) {
                            return BanEntries.discardFrom(out, before);
                        }
                        timeout = Integer.toUnsignedLong(c.u32());
                    }
                }
                if (c.hasError() || addr == null) {
                    return BanEntries.discardFrom(out, before);
                }
                out.add(new BanEntry(BanEntries.address(addr), Duration.ofSeconds(timeout)));
            }
            if (b.hasError()) {
                return BanEntries.discardFrom(out, before);
            }
        }
        return a.hasError() ? BanEntries.discardFrom(out, before) : out.size() - before;
    }



    private static void ip(MessageWriter w, byte[] addr) {
        if (addr.length != 4 && addr.length != 16) {
            throw new IllegalArgumentException("address of " + addr.length + " bytes");
        }
        w.nestBegin(IPSET_ATTR_IP)
                .attrBytes((addr.length == 4 ? IPSET_ATTR_IPADDR_IPV4 : IPSET_ATTR_IPADDR_IPV6) | NLA_F_NET_BYTEORDER,
                        addr)
                .nestEnd();
    }

    /**
     * From an IPSET_CMD_PROTOCOL answer: the protocol to use, the newest both sides speak, or -1 when the kernel's
     * range does not meet ours (or the message is not such an answer). Pure; never throws.
     */
    static int readProtocol(MessageCursor m, AttrCursor a) {
        if (m.nfSubsystem() != Netlink.NFNL_SUBSYS_IPSET || m.nfMessage() != IPSET_CMD_PROTOCOL
                || !m.nfAttributes(a)) {
            return -1;
        }
        int max = -1;
        int min = -1;
        while (a.next()) {
            if (a.valueLength() < 1) {
                continue;
            }
            if (a.type() == IPSET_ATTR_PROTOCOL) {
                max = a.u8();
            } else if (a.type() == IPSET_ATTR_PROTOCOL_MIN) {
                min = a.u8();
            }
        }
        if (max < 0 || a.hasError()) {
            return -1;
        }
        if (min < 0) {
            min = max;                       // kernels before protocol 7 send only their one version
        }
        int use = Math.min(max, IPSET_PROTOCOL);
        return use >= IPSET_PROTOCOL_MIN && use >= min ? use : -1;
    }

    /** From an IPSET_CMD_TYPE answer: the newest revision of the type, or -1. Pure; never throws. */
    static int readTypeRevision(MessageCursor m, AttrCursor a) {
        if (m.nfSubsystem() != Netlink.NFNL_SUBSYS_IPSET || m.nfMessage() != IPSET_CMD_TYPE || !m.nfAttributes(a)) {
            return -1;
        }
        return a.seek(IPSET_ATTR_REVISION) && a.valueLength() >= 1 && !a.hasError() ? a.u8() : -1;
    }

    /**
     * A set's header from an IPSET_CMD_HEADER answer.
     *
     * @param typeName e.g. {@code hash:ip}
     * @param family   NFPROTO_IPV4 or NFPROTO_IPV6
     * @param revision the set type revision
     */
    record Header(String typeName, int family, int revision) { }

    /** Reads an IPSET_CMD_HEADER answer, or null when the message is not a complete one. Never throws. */
    static Header readHeader(MessageCursor m, AttrCursor a) {
        if (m.nfSubsystem() != Netlink.NFNL_SUBSYS_IPSET || m.nfMessage() != IPSET_CMD_HEADER
                || !m.nfAttributes(a)) {
            return null;
        }
        String type = null;
        int family = -1;
        int revision = -1;
        while (a.next()) {
            switch (a.type()) {
                case IPSET_ATTR_TYPENAME -> type = a.string();
                case IPSET_ATTR_FAMILY -> family = a.valueLength() >= 1 ? a.u8() : -1;
                case IPSET_ATTR_REVISION -> revision = a.valueLength() >= 1 ? a.u8() : -1;
                default -> { }
            }
        }
        return type == null || family < 0 || a.hasError() ? null : new Header(type, family, revision);
    }

    /** Symbolic name of an ipset error number (positive), falling back to the plain errno name. */
    static String errorName(int errno) {
        return switch (errno) {
            case IPSET_ERR_PROTOCOL -> "IPSET_ERR_PROTOCOL";
            case IPSET_ERR_FIND_TYPE -> "IPSET_ERR_FIND_TYPE";
            case IPSET_ERR_MAX_SETS -> "IPSET_ERR_MAX_SETS";
            case IPSET_ERR_BUSY -> "IPSET_ERR_BUSY";
            case IPSET_ERR_EXIST_SETNAME2 -> "IPSET_ERR_EXIST_SETNAME2";
            case IPSET_ERR_TYPE_MISMATCH -> "IPSET_ERR_TYPE_MISMATCH";
            case IPSET_ERR_EXIST -> "IPSET_ERR_EXIST";
            case IPSET_ERR_INVALID_FAMILY -> "IPSET_ERR_INVALID_FAMILY";
            case IPSET_ERR_TIMEOUT -> "IPSET_ERR_TIMEOUT";
            case IPSET_ERR_REFERENCED -> "IPSET_ERR_REFERENCED";
            case IPSET_ERR_IPADDR_IPV4 -> "IPSET_ERR_IPADDR_IPV4";
            case IPSET_ERR_IPADDR_IPV6 -> "IPSET_ERR_IPADDR_IPV6";
            default -> org.btblocker.netlink.Errno.name(errno);
        };
    }
}
