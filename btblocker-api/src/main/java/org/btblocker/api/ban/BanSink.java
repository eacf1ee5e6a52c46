package org.btblocker.api.ban;

import java.net.InetAddress;
import java.util.List;

/**
 * Where bans go: a kernel set (ipset, nftables) that drops banned addresses, a fleet's ban list, or just a log.
 * Each sink is called from its own delivery thread, never from the packet path, so implementations may block on
 * I/O; one sink is never called from two threads at once.
 */
public interface BanSink extends AutoCloseable {

    /** Bans {@code request.address()} for {@code request.duration()}; re-banning refreshes the timeout. */
    void ban(BanRequest request) throws BanException;

    /**
     * Bans several addresses; sinks with a per-request cost (an HTTP API) override it to send one request. The
     * default calls {@link #ban} for each and stops at the first failure.
     */
    default void banAll(List<BanRequest> requests) throws BanException {
        for (BanRequest request : requests) {
            ban(request);
        }
    }

    /** Lifts a ban; no error when the address is not banned. */
    void unban(InetAddress address) throws BanException;

    /** True when the address is banned now. */
    boolean isBanned(InetAddress address) throws BanException;

    /**
     * True when {@link #list()} reads the bans back, so the daemon can re-add the ones the sink lost (an
     * {@code ipset flush}, a reboot).
     */
    default boolean canList() {
        return false;
    }

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
