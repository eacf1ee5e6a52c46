package org.btblocker.ipset;

import com.typesafe.config.Config;
import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanSink;
import org.btblocker.api.ban.BanSinkProvider;
import org.btblocker.netlink.Netlink;
import org.btblocker.netlink.NetlinkChannel;
import org.btblocker.netlink.NetlinkException;
import org.btblocker.netlink.NetlinkSocket;

/**
 * The {@code ipset} ban sink ({@code btblocker.banSink = ipset}): bans go into the {@code hash:ip} sets
 * {@code btblocker.ipsetName} (IPv4) and {@code ipsetName + "6"} (IPv6), talking ipset's netlink protocol directly.
 */
public final class IpsetBanSinkProvider implements BanSinkProvider {

    /** For {@link java.util.ServiceLoader}. */
    public IpsetBanSinkProvider() { }

    @Override
    public String name() {
        return "ipset";
    }

    @Override
    public BanSink create(Config btblocker) throws BanException {
        IpsetSettings settings = IpsetSettings.from(btblocker);
        NetlinkSocket socket;
        try {
            socket = NetlinkSocket.open(Netlink.NETLINK_NETFILTER);
        } catch (NetlinkException e) {
            throw new BanException("ipset: cannot open a netfilter netlink socket (" + e.getMessage() + ")", e);
        }
        NetlinkChannel channel = new NetlinkChannel(socket);
        try {
            return IpsetBanSink.open(channel, settings);
        } catch (BanException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }
}
