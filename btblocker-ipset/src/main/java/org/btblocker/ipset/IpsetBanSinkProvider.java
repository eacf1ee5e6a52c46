package org.btblocker.ipset;

import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanSink;
import org.btblocker.api.ban.BanSinkContext;
import org.btblocker.api.ban.BanSinkProvider;
import org.btblocker.api.ban.BanSinkSetup;
import org.btblocker.netlink.Netlink;
import org.btblocker.netlink.NetlinkChannel;
import org.btblocker.netlink.NetlinkException;
import org.btblocker.netlink.NetlinkSocket;

/**
 * The {@code ipset} ban sink ({@code btblocker.banSinks = [ipset]}): bans go into the {@code hash:ip} sets
 * {@code btblocker.ipsetName} (IPv4) and {@code ipsetName + "6"} (IPv6), talking ipset's netlink protocol directly;
 * the firewall drops their members with {@code -m set --match-set NAME src}.
 */
public final class IpsetBanSinkProvider implements BanSinkProvider {

    /** For {@link java.util.ServiceLoader}. */
    public IpsetBanSinkProvider() { }

    @Override
    public String name() {
        return "ipset";
    }

    @Override
    public String description() {
        return "kernel ipsets (hash:ip with timeouts), btblocker.ipsetName and its IPv6 sibling";
    }

    @Override
    public BanSinkSetup configure(BanSinkContext context) {
        return IpsetSettings.from(context);
    }

    /** Opens a netlink channel and the sink; {@code create}: make the sets when missing. */
    static BanSink open(IpsetSettings settings, boolean create) throws BanException {
        NetlinkSocket socket;
        try {
            socket = NetlinkSocket.open(Netlink.NETLINK_NETFILTER);
        } catch (NetlinkException e) {
            throw new BanException("ipset: cannot open a netfilter netlink socket (" + e.getMessage() + ")", e);
        }
        NetlinkChannel channel = new NetlinkChannel(socket);
        try {
            return IpsetBanSink.open(channel, settings, create);
        } catch (BanException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }
}
