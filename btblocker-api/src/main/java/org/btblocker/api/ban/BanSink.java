package org.btblocker.api.ban;

import java.net.InetAddress;

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

    /** Releases resources. Bans stay in place (they expire on their own). */
    @Override
    void close();
}
