package org.btblocker.nftables;

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
 * The {@code nftables} ban sink ({@code btblocker.banSinks = [nftables]}): bans go into the sets
 * {@code btblocker.nftables.set4} / {@code set6} of the table {@code inet btblocker.nftables.table}, over nf_tables
 * netlink; the firewall adds the chains that drop their members.
 */
public final class NftSetBanSinkProvider implements BanSinkProvider {

    /** For {@link java.util.ServiceLoader}. */
    public NftSetBanSinkProvider() { }

    @Override
    public String name() {
        return "nftables";
    }

    @Override
    public String description() {
        return "nftables sets (flags timeout) in our own inet table, btblocker.nftables.*";
    }

    @Override
    public BanSinkSetup configure(BanSinkContext context) {
        return NftSetSettings.from(context);
    }

    /** Opens a netlink channel and the sink; {@code create}: make the table and sets when missing. */
    static BanSink open(NftSetSettings settings, boolean create) throws BanException {
        NetlinkSocket socket;
        try {
            socket = NetlinkSocket.open(Netlink.NETLINK_NETFILTER);
        } catch (NetlinkException e) {
            throw new BanException("nftables: cannot open a netfilter netlink socket (" + e.getMessage() + ")", e);
        }
        NetlinkChannel channel = new NetlinkChannel(socket);
        try {
            return NftSetBanSink.open(channel, settings, create);
        } catch (BanException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }
}
