/**
 * Shared pieces of the built-in ban sinks: the {@code log} sink, which bans nothing and only logs (for dry runs and
 * hosts without ipset or nftables), and {@link org.btblocker.bansink.BanEntries} for the kernel listings.
 */
package org.btblocker.bansink;
