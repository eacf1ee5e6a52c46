package org.btblocker.nftables;

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
 * The nf_tables netlink messages ({@code NFNL_SUBSYS_NFTABLES}) a ban set needs: a table, two sets with timeouts, and
 * elements added, deleted and looked up. Constants carry their names from
 * {@code /usr/include/linux/netfilter/nf_tables.h}; the layout was checked against the kernel by tracing {@code nft}.
 * Changes go in a batch:
 * <pre>
 *  NFNL_MSG_BATCH_BEGIN  nfgenmsg {AF_UNSPEC, 0, res_id = NFNL_SUBSYS_NFTABLES}
 *  NFT_MSG_NEWTABLE      nfgenmsg {NFPROTO_INET, 0, 0}  NFTA_TABLE_NAME, NFTA_TABLE_FLAGS
 *  NFT_MSG_NEWSET        NFTA_SET_TABLE, NFTA_SET_NAME, NFTA_SET_FLAGS (NFT_SET_TIMEOUT), NFTA_SET_KEY_TYPE
 *                        (ipv4_addr 7 / ipv6_addr 8), NFTA_SET_KEY_LEN (4 / 16), NFTA_SET_ID, NFTA_SET_USERDATA
 *  NFT_MSG_NEWSETELEM    NFTA_SET_ELEM_LIST_TABLE, _SET, _ELEMENTS { NFTA_LIST_ELEM {
 *                            NFTA_SET_ELEM_TIMEOUT (u64 ms), NFTA_SET_ELEM_KEY { NFTA_DATA_VALUE: address } } }
 *  NFNL_MSG_BATCH_END
 * </pre>
 * Lookups ({@code NFT_MSG_GETSETELEM}) go outside a batch; with NLM_F_DUMP and only the table and set names, the
 * kernel answers with NLM_F_MULTI NFT_MSG_NEWSETELEM messages, each {@code NFTA_SET_ELEM_LIST_ELEMENTS { NFTA_LIST_ELEM
 * { NFTA_SET_ELEM_KEY { NFTA_DATA_VALUE }, [NFTA_SET_ELEM_TIMEOUT u64 ms, NFTA_SET_ELEM_EXPIRATION u64 ms] }* }}
 * (nests without NLA_F_NESTED), then NLMSG_DONE. All integer values are big-endian. Pure functions over a
 * {@link MessageWriter} / {@link MessageCursor}; nothing here does I/O.
 */
final class NftSetCodec {

    private NftSetCodec() { }

    /** {@code NFPROTO_INET} (linux/netfilter.h): the table family that holds IPv4 and IPv6. */
    static final int NFPROTO_INET = 1;

    // enum nf_tables_msg_types
    static final int NFT_MSG_NEWTABLE = 0;
    static final int NFT_MSG_GETTABLE = 1;
    static final int NFT_MSG_NEWSET = 9;
    static final int NFT_MSG_GETSET = 10;
    static final int NFT_MSG_NEWSETELEM = 12;
    static final int NFT_MSG_GETSETELEM = 13;
    static final int NFT_MSG_DELSETELEM = 14;

    // enum nft_table_attributes
    static final int NFTA_TABLE_NAME = 1;
    static final int NFTA_TABLE_FLAGS = 2;

    // enum nft_set_attributes
    static final int NFTA_SET_TABLE = 1;
    static final int NFTA_SET_NAME = 2;
    static final int NFTA_SET_FLAGS = 3;
    static final int NFTA_SET_KEY_TYPE = 4;
    static final int NFTA_SET_KEY_LEN = 5;
    static final int NFTA_SET_ID = 10;
    static final int NFTA_SET_USERDATA = 13;
    /** {@code NFT_SET_TIMEOUT}: the set's elements may carry timeouts. */
    static final int NFT_SET_TIMEOUT = 0x10;

    // enum nft_set_elem_list_attributes
    static final int NFTA_SET_ELEM_LIST_TABLE = 1;
    static final int NFTA_SET_ELEM_LIST_SET = 2;
    static final int NFTA_SET_ELEM_LIST_ELEMENTS = 3;
    // enum nft_list_attributes
    static final int NFTA_LIST_ELEM = 1;
    // enum nft_set_elem_attributes
    static final int NFTA_SET_ELEM_KEY = 1;
    static final int NFTA_SET_ELEM_TIMEOUT = 4;
    static final int NFTA_SET_ELEM_EXPIRATION = 5;
    // enum nft_data_attributes
    static final int NFTA_DATA_VALUE = 1;

    /** nft's data type ids (informational for the kernel, used by {@code nft list}): ipv4_addr and ipv6_addr. */
    static final int TYPE_IPADDR = 7;
    static final int TYPE_IP6ADDR = 8;

    /**
     * nft's set userdata (libnftnl NFTNL_UDATA_SET_KEYBYTEORDER = 0, length 4, value BYTEORDER_BIG_ENDIAN = 2 in host
     * order), so {@code nft list} prints addresses rather than raw numbers.
     */
    private static final int UDATA_SET_KEYBYTEORDER = 0;
    private static final int BYTEORDER_BIG_ENDIAN = 2;

    static int type(int msg) {
        return Netlink.nfnlType(Netlink.NFNL_SUBSYS_NFTABLES, msg);
    }

    /** NFNL_MSG_BATCH_BEGIN for the nf_tables subsystem. */
    static void batchBegin(MessageWriter w, int seq) {
        w.begin(Netlink.NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, seq)
                .nfgenmsg(Netlink.AF_UNSPEC, Netlink.NFNETLINK_V0, Netlink.NFNL_SUBSYS_NFTABLES).end();
    }

    /** NFNL_MSG_BATCH_END: the kernel commits everything since the begin, or nothing. */
    static void batchEnd(MessageWriter w, int seq) {
        w.begin(Netlink.NFNL_MSG_BATCH_END, NLM_F_REQUEST, seq)
                .nfgenmsg(Netlink.AF_UNSPEC, Netlink.NFNETLINK_V0, Netlink.NFNL_SUBSYS_NFTABLES).end();
    }

    private static MessageWriter begin(MessageWriter w, int msg, int flags, int seq) {
        return w.begin(type(msg), flags, seq).nfgenmsg(NFPROTO_INET, Netlink.NFNETLINK_V0, 0);
    }

    /** NFT_MSG_NEWTABLE (inet); an existing table is kept (no NLM_F_EXCL). */
    static void newTable(MessageWriter w, int seq, String table) {
        begin(w, NFT_MSG_NEWTABLE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, seq)
                .attrString(NFTA_TABLE_NAME, table).attrU32(NFTA_TABLE_FLAGS, 0).end();
    }

    /**
     * NFT_MSG_NEWSET of an address set with timeouts; an identical existing set is kept, a different one answers
     * EEXIST.
     */
    static void newSet(MessageWriter w, int seq, String table, String set, boolean ipv6, int setId) {
        begin(w, NFT_MSG_NEWSET, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, seq)
                .attrString(NFTA_SET_TABLE, table)
                .attrString(NFTA_SET_NAME, set)
                .attrU32(NFTA_SET_FLAGS, NFT_SET_TIMEOUT)
                .attrU32(NFTA_SET_KEY_TYPE, ipv6 ? TYPE_IP6ADDR : TYPE_IPADDR)
                .attrU32(NFTA_SET_KEY_LEN, ipv6 ? 16 : 4)
                .attrU32(NFTA_SET_ID, setId);
        int at = w.attr(NFTA_SET_USERDATA, 6);
        w.putU8At(at, UDATA_SET_KEYBYTEORDER);
        w.putU8At(at + 1, 4);
        w.putU32HostAt(at + 2, BYTEORDER_BIG_ENDIAN);
        w.end();
    }

    /**
     * NFT_MSG_NEWSETELEM of one address; {@code timeoutMillis} &lt; 0 adds it without a timeout. An existing element
     * is kept as it is (no NLM_F_EXCL).
     */
    static void newElement(MessageWriter w, int seq, String table, String set, byte[] addr, long timeoutMillis) {
        begin(w, NFT_MSG_NEWSETELEM, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, seq);
        elements(w, table, set, addr, timeoutMillis);
        w.end();
    }

    /** NFT_MSG_DELSETELEM of one address (ENOENT when absent). */
    static void deleteElement(MessageWriter w, int seq, String table, String set, byte[] addr) {
        begin(w, NFT_MSG_DELSETELEM, NLM_F_REQUEST | NLM_F_ACK, seq);
        elements(w, table, set, addr, -1);
        w.end();
    }

    /** NFT_MSG_GETSETELEM of one address: answered by a NEWSETELEM message, or ENOENT when absent. */
    static void getElement(MessageWriter w, int seq, String table, String set, byte[] addr) {
        begin(w, NFT_MSG_GETSETELEM, NLM_F_REQUEST | NLM_F_ACK, seq);
        elements(w, table, set, addr, -1);
        w.end();
    }

    /** NFT_MSG_GETSETELEM dump of a whole set (answer: {@link #readElements} per reply message). */
    static void listElements(MessageWriter w, int seq, String table, String set) {
        begin(w, NFT_MSG_GETSETELEM, NLM_F_REQUEST | NLM_F_DUMP, seq)
                .attrString(NFTA_SET_ELEM_LIST_TABLE, table).attrString(NFTA_SET_ELEM_LIST_SET, set).end();
    }

    /**
     * Appends the elements of one NEWSETELEM dump answer to {@code out}: the address and the time left (the
     * expiration, else the timeout, else {@link Duration#ZERO} for an element without timeout). Pure apart from
     * {@code out}; never throws; appends only when the whole message is well formed.
     *
     * @param top, list, elem, key scratch cursors for the four nesting levels
     * @return the number appended, or -1 when the message is not such an answer or is malformed (broken attributes,
     *         an element without a 4- or 16-byte key, a time that is not a u64 below 2^63 ms)
     */
    static int readElements(MessageCursor m, AttrCursor top, AttrCursor list, AttrCursor elem, AttrCursor key,
            List<BanEntry> out) {
        if (m.nfSubsystem() != Netlink.NFNL_SUBSYS_NFTABLES || m.nfMessage() != NFT_MSG_NEWSETELEM
                || !m.nfAttributes(top)) {
            return -1;
        }
        int before = out.size();
        while (top.next()) {
            if (top.type() != NFTA_SET_ELEM_LIST_ELEMENTS) {
                continue;
            }
            top.nested(list);
            while (list.next()) {
                if (list.type() != NFTA_LIST_ELEM) {
                    continue;
                }
                list.nested(elem);
                byte[] addr = null;
                long timeout = 0;
                long expiration = -1;
                while (elem.next()) {
                    switch (elem.type()) {
                        case NFTA_SET_ELEM_KEY -> {
                            elem.nested(key);
                            if (key.seek(NFTA_DATA_VALUE) && (key.valueLength() == 4 || key.valueLength() == 16)) {
                                addr = new byte[key.valueLength()];
                                for (int i = 0; i < addr.length; i++) {
                                    addr[i] = (byte) key.u8At(i);
                                }
                            }
                        }
                        case NFTA_SET_ELEM_TIMEOUT, NFTA_SET_ELEM_EXPIRATION -> {
                            long v = elem.valueLength() == 8 ? elem.u64() : -1;
                            if (v < 0) {
                                return BanEntries.discardFrom(out, before);
                            }
                            if (elem.type() == NFTA_SET_ELEM_TIMEOUT) {
                                timeout = v;
                            } else {
                                expiration = v;
                            }
                        }
                        default -> { }
                    }
                }
                if (elem.hasError() || addr == null) {
                    return BanEntries.discardFrom(out, before);
                }
                out.add(new BanEntry(BanEntries.address(addr), Duration.ofMillis(expiration >= 0 ? expiration : timeout)));
            }
            if (list.hasError()) {
                return BanEntries.discardFrom(out, before);
            }
        }
        return top.hasError() ? BanEntries.discardFrom(out, before) : out.size() - before;
    }



    private static void elements(MessageWriter w, String table, String set, byte[] addr, long timeoutMillis) {
        if (addr.length != 4 && addr.length != 16) {
            throw new IllegalArgumentException("address of " + addr.length + " bytes");
        }
        w.attrString(NFTA_SET_ELEM_LIST_TABLE, table).attrString(NFTA_SET_ELEM_LIST_SET, set)
                .nestBegin(NFTA_SET_ELEM_LIST_ELEMENTS).nestBegin(NFTA_LIST_ELEM);
        if (timeoutMillis >= 0) {
            w.attrU64(NFTA_SET_ELEM_TIMEOUT, timeoutMillis);
        }
        w.nestBegin(NFTA_SET_ELEM_KEY).attrBytes(NFTA_DATA_VALUE, addr).nestEnd();
        w.nestEnd().nestEnd();
    }

    /**
     * From a NEWSETELEM answer to {@link #getElement}: the milliseconds until the first element expires, its timeout
     * when the kernel sent no expiration, 0 for an element without timeout, or -1 when the message holds no element.
     * Pure; never throws.
     */
    static long readExpiresMillis(MessageCursor m, AttrCursor top, AttrCursor list, AttrCursor elem) {
        if (m.nfSubsystem() != Netlink.NFNL_SUBSYS_NFTABLES || m.nfMessage() != NFT_MSG_NEWSETELEM
                || !m.nfAttributes(top) || !top.seek(NFTA_SET_ELEM_LIST_ELEMENTS) || !top.nested(list)) {
            return -1;
        }
        while (list.next()) {
            if (list.type() != NFTA_LIST_ELEM || !list.nested(elem)) {
                continue;
            }
            long timeout = 0;
            long expiration = -1;
            boolean hasKey = false;
            while (elem.next()) {
                switch (elem.type()) {
                    case NFTA_SET_ELEM_KEY -> hasKey = true;
                    case NFTA_SET_ELEM_TIMEOUT -> timeout = elem.valueLength() == 8 ? elem.u64() : timeout;
                    case NFTA_SET_ELEM_EXPIRATION -> expiration = elem.valueLength() == 8 ? elem.u64() : expiration;
                    default -> { }
                }
            }
            if (hasKey && !elem.hasError()) {
                return expiration >= 0 ? expiration : timeout;
            }
        }
        return -1;
    }
}
