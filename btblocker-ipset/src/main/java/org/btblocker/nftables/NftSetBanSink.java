package org.btblocker.nftables;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.btblocker.api.ban.BanEntry;
import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanRequest;
import org.btblocker.api.ban.BanSink;
import org.btblocker.api.ban.BanDurations;
import org.btblocker.netlink.AttrCursor;
import org.btblocker.netlink.Errno;
import org.btblocker.netlink.MessageWriter;
import org.btblocker.netlink.NetlinkChannel;
import org.btblocker.netlink.NetlinkException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bans into two nftables sets of our own {@code inet} table, over nf_tables netlink (no {@code nft} process, no
 * libnftables). A ban is one atomic batch "add, delete, add with timeout", so a re-ban refreshes the timeout on every
 * kernel (older kernels keep an existing element's timeout on a plain add) and never fails because the element
 * exists. One thread (the ban worker) uses it.
 */
final class NftSetBanSink implements BanSink {

    private static final Logger log = LoggerFactory.getLogger(NftSetBanSink.class);

    private final NetlinkChannel channel;
    private final NftSetSettings settings;
    private final AttrCursor top = new AttrCursor();
    private final AttrCursor list = new AttrCursor();
    private final AttrCursor elem = new AttrCursor();

    private NftSetBanSink(NetlinkChannel channel, NftSetSettings settings) {
        this.channel = channel;
        this.settings = settings;
    }

    /**
     * With {@code create}, creates the table and both sets when missing; without it creates nothing.
     *
     * @throws BanException one line naming what is wrong; the channel is left open (the caller owns it)
     */
    static NftSetBanSink open(NetlinkChannel channel, NftSetSettings settings, boolean create) throws BanException {
        if (!create) {
            return new NftSetBanSink(channel, settings);
        }
        MessageWriter w = channel.writer();
        NftSetCodec.batchBegin(w, channel.nextSeq());
        NftSetCodec.newTable(w, channel.nextSeq(), settings.table());
        NftSetCodec.newSet(w, channel.nextSeq(), settings.table(), settings.set4(), false, 1);
        NftSetCodec.newSet(w, channel.nextSeq(), settings.table(), settings.set6(), true, 2);
        NftSetCodec.batchEnd(w, channel.nextSeq());
        String what = "table inet " + settings.table() + " with sets " + settings.set4() + ", " + settings.set6();
        try {
            channel.request("nftables create " + what, w);
        } catch (NetlinkException e) {
            String hint = switch (e.errno()) {
                case Errno.EEXIST -> ": a set of that name exists with another definition; delete it (nft delete set"
                        + " inet " + settings.table() + " NAME) or change btblocker.nftables.set4/set6";
                case Errno.EPERM -> ": btblocker needs CAP_NET_ADMIN (run as root)";
                case Errno.EOPNOTSUPP, Errno.EPROTONOSUPPORT, Errno.EAFNOSUPPORT, Errno.ENOENT ->
                        ": the kernel lacks nf_tables set support; set btblocker.banSink = ipset";
                default -> "";
            };
            throw new BanException("nftables: cannot create " + what + " (" + describe(e) + ")" + hint, e);
        }
        log.info("nftables sink ready: {}", what);
        return new NftSetBanSink(channel, settings);
    }

    @Override
    public void ban(BanRequest request) throws BanException {
        byte[] addr = request.address().getAddress();
        String set = setFor(addr);
        long timeout = timeoutMillis(request.duration());
        MessageWriter w = channel.writer();
        NftSetCodec.batchBegin(w, channel.nextSeq());
        NftSetCodec.newElement(w, channel.nextSeq(), settings.table(), set, addr, timeout);
        NftSetCodec.deleteElement(w, channel.nextSeq(), settings.table(), set, addr);
        NftSetCodec.newElement(w, channel.nextSeq(), settings.table(), set, addr, timeout);
        NftSetCodec.batchEnd(w, channel.nextSeq());
        request("add element " + request.address().getHostAddress() + " timeout " + timeout + "ms to", set, w);
    }

    @Override
    public void unban(InetAddress address) throws BanException {
        byte[] addr = address.getAddress();
        String set = setFor(addr);
        MessageWriter w = channel.writer();
        // Add-then-delete in one batch: no error whether or not it was there.
        NftSetCodec.batchBegin(w, channel.nextSeq());
        NftSetCodec.newElement(w, channel.nextSeq(), settings.table(), set, addr, -1);
        NftSetCodec.deleteElement(w, channel.nextSeq(), settings.table(), set, addr);
        NftSetCodec.batchEnd(w, channel.nextSeq());
        request("delete element " + address.getHostAddress() + " from", set, w);
    }

    @Override
    public boolean isBanned(InetAddress address) throws BanException {
        return expiresMillis(address) >= 0;
    }

    /** Milliseconds until the ban of {@code address} expires (0 = never), or -1 when it is not banned. */
    long expiresMillis(InetAddress address) throws BanException {
        byte[] addr = address.getAddress();
        String set = setFor(addr);
        long[] expires = {-1};
        MessageWriter w = channel.writer();
        NftSetCodec.getElement(w, channel.nextSeq(), settings.table(), set, addr);
        try {
            channel.request("nftables get element", w, m -> {
                long e = NftSetCodec.readExpiresMillis(m, top, list, elem);
                if (e >= 0) {
                    expires[0] = e;
                }
            });
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENOENT) {
                return -1;
            }
            throw new BanException("nftables: get element " + address.getHostAddress() + " from " + where(set)
                    + ": " + describe(e), e);
        }
        return expires[0];
    }

    /** Dumps both sets (NFT_MSG_GETSETELEM); a missing table or set counts as empty. */
    @Override
    public boolean canList() {
        return true;
    }

    @Override
    public List<BanEntry> list() throws BanException {
        List<BanEntry> out = new ArrayList<>();
        listSet(settings.set4(), out);
        listSet(settings.set6(), out);
        return out;
    }

    private void listSet(String set, List<BanEntry> out) throws BanException {
        AttrCursor key = new AttrCursor();
        boolean[] malformed = {false};
        MessageWriter w = channel.writer();
        NftSetCodec.listElements(w, channel.nextSeq(), settings.table(), set);
        try {
            channel.request("nftables list elements", w, m -> {
                if (NftSetCodec.readElements(m, top, list, elem, key, out) < 0) {
                    malformed[0] = true;
                }
            });
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENOENT) {
                log.debug("{} does not exist: no bans in it", where(set));
                return;
            }
            String hint = e.errno() == Errno.EPERM ? "; btblocker needs CAP_NET_ADMIN (run as root)" : "";
            throw new BanException("nftables: list elements of " + where(set) + ": " + describe(e) + hint, e);
        }
        if (malformed[0]) {
            throw new BanException("nftables: list elements of " + where(set) + ": malformed answer from the kernel");
        }
    }

    private void request(String what, String set, MessageWriter w) throws BanException {
        try {
            channel.request("nftables " + what, w);
        } catch (NetlinkException e) {
            String hint = e.errno() == Errno.ENOENT
                    ? "; the table or set was removed while btblocker runs: restart it to recreate them" : "";
            throw new BanException("nftables: " + what + " " + where(set) + ": " + describe(e) + hint, e);
        }
    }

    private String where(String set) {
        return "set inet " + settings.table() + " " + set;
    }

    private String setFor(byte[] addr) {
        return addr.length == 4 ? settings.set4() : settings.set6();
    }

    /** Milliseconds, at least one second and at most {@link BanDurations#MAX_SECONDS}. */
    static long timeoutMillis(Duration d) {
        return Math.max(1000, Math.min(BanDurations.MAX_SECONDS * 1000, d.toMillis()));
    }

    private static String describe(NetlinkException e) {
        if ("ETIMEDOUT".equals(e.errnoName())) {
            // The kernel refuses an unprivileged batch at its begin message, which asks for no ack: silence.
            return "ETIMEDOUT (no answer from nf_tables: not root? btblocker needs CAP_NET_ADMIN)";
        }
        return e.extackMessage() == null || e.extackMessage().isEmpty() ? e.errnoName()
                : e.errnoName() + " (kernel: " + e.extackMessage() + ")";
    }

    /** Closes the netlink channel; the table, sets and bans stay. */
    @Override
    public void close() {
        channel.close();
    }
}
