/**
 * The {@code nftables} ban sink: {@code NftSetCodec} writes nf_tables netlink batches
 * ({@code linux/netfilter/nf_tables.h}); {@code NftSetBanSink} keeps the table {@code inet btblocker} with the sets
 * {@code banned4} / {@code banned6} (per-element timeouts) and adds, deletes and looks up addresses. Talking netlink
 * directly (rather than libnftables through jnr-ffi) keeps native code to the one socket class in btblocker-netfilter
 * and needs no nft library on the host; the handful of messages a ban set needs is small.
 */
package org.btblocker.nftables;
