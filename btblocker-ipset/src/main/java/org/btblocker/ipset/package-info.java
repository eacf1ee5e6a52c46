/**
 * The {@code ipset} ban sink: {@link org.btblocker.ipset.IpsetCodec} writes and reads ipset's netlink messages
 * ({@code linux/netfilter/ipset/ip_set.h}), {@code IpsetBanSink} creates the {@code hash:ip} sets and adds, deletes
 * and tests addresses with per-entry timeouts.
 */
package org.btblocker.ipset;
