/**
 * The jnr-ffi mapping of libc (package-private {@code LibC}) behind {@link org.btblocker.netlink.sys.Syscalls},
 * whose methods return {@code -errno} instead of throwing.
 */
package org.btblocker.netlink.sys;
