/**
 * Netlink core: a socket ({@link org.btblocker.netlink.NetlinkSocket}, the only native code, through
 * {@code netlink.sys}), a codec ({@link org.btblocker.netlink.MessageWriter} writes,
 * {@link org.btblocker.netlink.MessageCursor} and {@link org.btblocker.netlink.AttrCursor} read in place) and
 * request/ack exchanges ({@link org.btblocker.netlink.NetlinkChannel}) over the
 * {@link org.btblocker.netlink.NetlinkTransport} seam that tests replace with a scripted kernel.
 *
 * <p>Layout follows {@code /usr/include/linux/netlink.h} and {@code linux/netfilter/nfnetlink.h}: headers in host
 * byte order, netfilter attribute values big-endian.
 */
package org.btblocker.netlink;
