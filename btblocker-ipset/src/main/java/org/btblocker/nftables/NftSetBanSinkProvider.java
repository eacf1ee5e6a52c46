package org.btblocker.nftables;

import com.typesafe.config.Config;
import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanSink;
import org.btblocker.api.ban.BanSinkProvider;
import org.btblocker.bansink.BanDurations;
import org.btblocker.netlink.Netlink;
import org.btblocker.netlink.NetlinkChannel;
import org.btblocker.netlink.NetlinkException;
import org.btblocker.netlink.NetlinkSocket;

/**
 * The {@code nftables} ban sink ({@code btblocker.banSink = nftables}): bans go into the sets
 * {@code btblocker.nftables.set4} / {@code set6} of the table {@code inet btblocker.nftables.table}, over nf_tables
 * netlink.
 */
public final class NftSetBanSinkProvider implements BanSinkProvider {

    /** For {@link java.util.ServiceLoader}. */
    public NftSetBanSinkProvider() { }

    @Override
    public String name() {
        return "nftables";
    }

    @Override
    public BanSink create(Config btblocker) throws BanException {
        NftSetSettings settings = NftSetSettings.from(btblocker);
        BanDurations.parse(btblocker, "banDuration");      // checked at startup like every other key
        NetlinkSocket socket;
        try {
            socket = NetlinkSocket.open(Netlink.NETLINK_NETFILTER);
        } catch (NetlinkException e) {
            throw new BanException("nftables: cannot open a netfilter netlink socket (" + e.getMessage() + ")", e);
        }
        NetlinkChannel channel = new NetlinkChannel(socket);
        try {
            return NftSetBanSink.open(channel, settings);
        } catch (BanException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }
}
