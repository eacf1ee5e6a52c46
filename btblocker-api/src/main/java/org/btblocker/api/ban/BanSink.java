package org.btblocker.api.ban;

import java.net.InetAddress;
import java.util.List;

/**
 * Where bans go: a kernel set (ipset, nftables) that drops banned addresses, or just a log. Called from one ban
 * worker thread, never from the packet path, so implementations may block on I/O.
 */
public interface BanSink extends AutoCloseable {

    /** Bans {@code request.address()} for {@code request.duration()}; re-banning refreshes the timeout. */
    void ban(BanRequest request) throws BanException;

    /** Lifts a ban; no error when the address is not banned. */
    void unban(InetAddress address) throws BanException;

    /** True when the address is banned now. */
    boolean isBanned(InetAddress address) throws BanException;

    /**
     * The bans in place now, with the time each has left (for {@code btblocker bans}). Sinks that cannot read their
     * bans back (e.g. the log sink) keep this default, which throws.
     *
     * @return the current bans, in no particular order; empty when there are none
     * @throws BanException when the sink cannot list its bans or the kernel refuses
     */
    default List<BanEntry> list() throws BanException {
        throw new BanException("this ban sink cannot list its bans");
    }

    /** Releases resources. Bans stay in place (they expire on their own). */
    @Override
    void close();
}
