/**
 * Shared pieces of the ban sinks: {@link org.btblocker.bansink.BanDurations} (the one reader of {@code banDuration})
 * and the {@code log} sink, which bans nothing and only logs (for dry runs and hosts without ipset or nftables).
 */
package org.btblocker.bansink;
