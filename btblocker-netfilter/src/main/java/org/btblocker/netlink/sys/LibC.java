package org.btblocker.netlink.sys;

import java.nio.ByteBuffer;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls the netlink layer needs, mapped by jnr-ffi. The mapping interface is nested and public only because
 * jnr-ffi generates its implementation in another class loader, which the JVM lets implement public interfaces only;
 * the enclosing class keeps it out of reach of code outside this package. Every call saves errno so {@link Syscalls}
 * can read it from jnr's per-thread last error.
 *
 * <p>Direct {@link ByteBuffer} arguments are passed as {@code address + position}: callers set the position to the
 * first byte to send or fill.
 */
final class LibC {

    private LibC() {
    }

    /** The mapped functions; see the enclosing class. */
    public interface Functions {

        @SaveError
        int socket(int domain, int type, int protocol);

        @SaveError
        int bind(int fd, @In ByteBuffer addr, int addrlen);

        @SaveError
        int getsockname(int fd, @Out ByteBuffer addr, IntByReference addrlen);

        @SaveError
        @ssize_t long sendto(int fd, @In ByteBuffer buf, @size_t long len, int flags, Pointer destAddr, int addrlen);

        @SaveError
        @ssize_t long recvfrom(int fd, @Out ByteBuffer buf, @size_t long len, int flags, Pointer srcAddr,
                Pointer addrlen);

        @SaveError
        int recvmmsg(int fd, ByteBuffer msgvec, int vlen, int flags, Pointer timeout);

        @SaveError
        int setsockopt(int fd, int level, int optname, @In IntByReference optval, int optlen);

        @SaveError
        int getsockopt(int fd, int level, int optname, @Out IntByReference optval, IntByReference optlen);

        @SaveError
        int poll(ByteBuffer fds, long nfds, int timeoutMillis);

        @SaveError
        long mmap(Pointer addr, @size_t long length, int prot, int flags, int fd, long offset);

        @SaveError
        int munmap(long addr, @size_t long length);

        @SaveError
        int close(int fd);

        @SaveError
        int open(String path, int flags);

        @SaveError
        int setns(int fd, int nstype);
    }
}
