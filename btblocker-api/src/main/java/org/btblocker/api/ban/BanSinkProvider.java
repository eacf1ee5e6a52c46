package org.btblocker.api.ban;

import com.typesafe.config.Config;

/**
 * Creates a {@link BanSink}; found with {@link java.util.ServiceLoader} through
 * {@code META-INF/services/org.btblocker.api.ban.BanSinkProvider}. Selected by {@code btblocker.banSink = <name>}.
 */
public interface BanSinkProvider {

    /** The name used in {@code btblocker.banSink}, e.g. {@code ipset}, {@code nftables}, {@code log}. */
    String name();

    /**
     * Creates the sink, checking that what it needs exists (kernel support, permissions).
     *
     * @param btblocker the whole {@code btblocker} configuration block (for {@code ipsetName}, {@code banDuration}, ...)
     * @throws BanException with a one-line message naming what is missing and what to do
     */
    BanSink create(Config btblocker) throws BanException;
}
