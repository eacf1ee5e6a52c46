package org.btblocker.ipset;

import static org.btblocker.ipset.IpsetCodec.IPSET_ERR_EXIST;
import static org.btblocker.ipset.IpsetCodec.NFPROTO_IPV4;
import static org.btblocker.ipset.IpsetCodec.NFPROTO_IPV6;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.btblocker.api.ban.BanEntry;
import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanRequest;
import org.btblocker.api.ban.BanSink;
import org.btblocker.api.ban.BanDurations;
import org.btblocker.netfilter.firewall.ConnectionCut;
import org.btblocker.netlink.AttrCursor;
import org.btblocker.netlink.Errno;
import org.btblocker.netlink.MessageWriter;
import org.btblocker.netlink.NetlinkChannel;
import org.btblocker.netlink.NetlinkException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bans into two ipsets over netlink: {@code ipsetName} ({@code hash:ip family inet}) and {@code ipsetName6}
 * ({@code family inet6}), both created with timeout support when missing. One thread (the ban worker) uses it.
 */
final class IpsetBanSink implements BanSink {

    private static final Logger log = LoggerFactory.getLogger(IpsetBanSink.class);

    private final NetlinkChannel channel;
    private final IpsetSettings settings;
    private final int protocol;
    /** The rule layout lets connections found clean skip the ban drop: their conntrack entries go on a ban. */
    private final ConnectionCut cut = ConnectionCut.system();

    private IpsetBanSink(NetlinkChannel channel, IpsetSettings settings, int protocol) {
        this.channel = channel;
        this.settings = settings;
        this.protocol = protocol;
    }

    /**
     * Negotiates the protocol and, with {@code create}, makes sure both sets exist with the right type; without it
     * nothing is created (a missing set shows up as an error of the operation that needs it).
     *
     * @throws BanException one line naming what is wrong; the channel is left open (the caller owns it)
     */
    static IpsetBanSink open(NetlinkChannel channel, IpsetSettings settings, boolean create) throws BanException {
        int protocol = negotiate(channel);
        IpsetBanSink sink = new IpsetBanSink(channel, settings, protocol);
        if (create) {
            sink.ensureSet(settings.ipsetName(), NFPROTO_IPV4);
            sink.ensureSet(settings.ipsetName6(), NFPROTO_IPV6);
            log.info("ipset sink ready: sets {} and {} (ipset protocol {})", settings.ipsetName(),
                    settings.ipsetName6(), protocol);
        }
        return sink;
    }

    private static int negotiate(NetlinkChannel channel) throws BanException {
        int[] result = {-1};
        AttrCursor a = new AttrCursor();
        MessageWriter w = channel.writer();
        IpsetCodec.protocol(w, channel.nextSeq());
        try {
            channel.request("ipset protocol", w, m -> result[0] = IpsetCodec.readProtocol(m, a));
        } catch (NetlinkException e) {
            if (e.errno() == Errno.EPERM) {
                throw new BanException("ipset: the kernel refused the ipset protocol (EPERM); btblocker needs "
                        + "CAP_NET_ADMIN (run as root)", e);
            }
            throw new BanException("ipset: the kernel does not answer the ipset protocol (" + describe(e)
                    + "); load the ip_set module or set btblocker.banSink = nftables", e);
        }
        if (result[0] < 0) {
            throw new BanException("ipset: the kernel speaks no ipset protocol between "
                    + IpsetCodec.IPSET_PROTOCOL_MIN + " and " + IpsetCodec.IPSET_PROTOCOL);
        }
        return result[0];
    }

    private void ensureSet(String name, int nfproto) throws BanException {
        String family = nfproto == NFPROTO_IPV4 ? "inet" : "inet6";
        int[] revision = {-1};
        AttrCursor a = new AttrCursor();
        MessageWriter w = channel.writer();
        IpsetCodec.typeQuery(w, channel.nextSeq(), protocol, nfproto);
        try {
            channel.request("ipset type hash:ip", w, m -> revision[0] = IpsetCodec.readTypeRevision(m, a));
        } catch (NetlinkException e) {
            throw new BanException("ipset: the kernel has no hash:ip set type for " + family + " (" + describe(e)
                    + "); load ip_set_hash_ip", e);
        }
        if (revision[0] < 0) {
            throw new BanException("ipset: the kernel did not say which hash:ip revisions it has");
        }
        w = channel.writer();
        IpsetCodec.create(w, channel.nextSeq(), protocol, name, nfproto, revision[0], timeoutSeconds(
                settings.banDuration()));
        try {
            channel.request("ipset create " + name, w);
            return;
        } catch (NetlinkException e) {
            // The kernel answers EEXIST (or IPSET_ERR_EXIST on older ones) when a set of that name differs from ours.
            if (e.errno() != Errno.EEXIST && e.errno() != IPSET_ERR_EXIST) {
                throw new BanException("ipset create " + name + " hash:ip family " + family + ": " + describe(e)
                        + hint(e), e);
            }
        }
        // It exists with other parameters (timeout, size): fine if it is a hash:ip set of the right family.
        IpsetCodec.Header[] header = {null};
        w = channel.writer();
        IpsetCodec.header(w, channel.nextSeq(), protocol, name);
        try {
            channel.request("ipset header " + name, w, m -> header[0] = IpsetCodec.readHeader(m, a));
        } catch (NetlinkException e) {
            throw new BanException("ipset header " + name + ": " + describe(e), e);
        }
        IpsetCodec.Header h = header[0];
        if (h == null || !h.typeName().equals(IpsetCodec.HASH_IP) || h.family() != nfproto) {
            String found = h == null ? "an unknown type" : h.typeName() + " family "
                    + (h.family() == NFPROTO_IPV4 ? "inet" : h.family() == NFPROTO_IPV6 ? "inet6" : h.family());
            throw new BanException("ipset " + name + " exists as " + found + " but btblocker needs hash:ip family "
                    + family + "; destroy it (ipset destroy " + name + ") or set btblocker.ipsetName");
        }
        log.info("ipset {} exists (hash:ip family {}); using it", name, family);
    }

    @Override
    public void ban(BanRequest request) throws BanException {
        byte[] addr = request.address().getAddress();
        String name = setFor(addr);
        int timeout = timeoutSeconds(request.duration());
        MessageWriter w = channel.writer();
        IpsetCodec.add(w, channel.nextSeq(), protocol, name, addr, timeout);
        try {
            channel.request("ipset add", w);
        } catch (NetlinkException e) {
            if (e.errno() == IpsetCodec.IPSET_ERR_TIMEOUT) {
                throw new BanException("ipset " + name + " has no timeout support; destroy it (ipset destroy " + name
                        + ") so btblocker recreates it, or set btblocker.ipsetName", e);
            }
            throw new BanException("ipset add " + name + " " + request.address().getHostAddress() + " timeout "
                    + timeout + ": " + describe(e) + hint(e), e);
        }
        int cutCount = cut.cut(request.address());
        if (cutCount > 0) {
            log.debug("ipset: cut {} open connection(s) of {}", cutCount, request.address().getHostAddress());
        }
    }

    @Override
    public void unban(InetAddress address) throws BanException {
        byte[] addr = address.getAddress();
        String name = setFor(addr);
        MessageWriter w = channel.writer();
        IpsetCodec.del(w, channel.nextSeq(), protocol, name, addr);
        try {
            channel.request("ipset del", w);
        } catch (NetlinkException e) {
            if (e.errno() == IPSET_ERR_EXIST) {
                return;                         // not banned: fine
            }
            throw new BanException("ipset del " + name + " " + address.getHostAddress() + ": " + describe(e)
                    + hint(e), e);
        }
    }

    @Override
    public boolean isBanned(InetAddress address) throws BanException {
        byte[] addr = address.getAddress();
        String name = setFor(addr);
        MessageWriter w = channel.writer();
        IpsetCodec.test(w, channel.nextSeq(), protocol, name, addr);
        try {
            channel.request("ipset test", w);
            return true;
        } catch (NetlinkException e) {
            if (e.errno() == IPSET_ERR_EXIST) {
                return false;
            }
            throw new BanException("ipset test " + name + " " + address.getHostAddress() + ": " + describe(e)
                    + hint(e), e);
        }
    }

    /** Dumps both sets (IPSET_CMD_LIST); a set that vanished counts as empty. */
    @Override
    public boolean canList() {
        return true;
    }

    @Override
    public List<BanEntry> list() throws BanException {
        List<BanEntry> out = new ArrayList<>();
        listSet(settings.ipsetName(), out);
        listSet(settings.ipsetName6(), out);
        return out;
    }

    private void listSet(String name, List<BanEntry> out) throws BanException {
        AttrCursor a = new AttrCursor();
        AttrCursor b = new AttrCursor();
        AttrCursor c = new AttrCursor();
        AttrCursor d = new AttrCursor();
        boolean[] malformed = {false};
        MessageWriter w = channel.writer();
        IpsetCodec.list(w, channel.nextSeq(), protocol, name);
        try {
            channel.request("ipset list " + name, w, m -> {
                if (IpsetCodec.readEntries(m, a, b, c, d, out) < 0) {
                    malformed[0] = true;
                }
            });
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENOENT) {
                log.debug("ipset {} does not exist: no bans in it", name);
                return;
            }
            throw new BanException("ipset list " + name + ": " + describe(e) + hint(e), e);
        }
        if (malformed[0]) {
            throw new BanException("ipset list " + name + ": malformed answer from the kernel");
        }
    }

    private String setFor(byte[] addr) {
        return addr.length == 4 ? settings.ipsetName() : settings.ipsetName6();
    }

    /** Whole seconds, rounded up, within what ipset accepts. */
    static int timeoutSeconds(Duration d) {
        long s = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
        return (int) Math.max(1, Math.min(BanDurations.MAX_SECONDS, s));
    }

    private static String describe(NetlinkException e) {
        String text = IpsetCodec.errorName(e.errno());
        return e.extackMessage() == null || e.extackMessage().isEmpty() ? text
                : text + " (kernel: " + e.extackMessage() + ")";
    }

    private static String hint(NetlinkException e) {
        return switch (e.errno()) {
            case Errno.EPERM -> "; btblocker needs CAP_NET_ADMIN (run as root)";
            case Errno.ENOENT -> "; the set was removed while btblocker runs: restart it to recreate the set";
            default -> "";
        };
    }

    /** Closes the netlink channel; the sets and their entries stay. */
    @Override
    public void close() {
        channel.close();
    }
}
