package org.btblocker.netlink.sys;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;

/**
 * Linux system calls for netlink sockets, in the kernel's own convention: each returns a non-negative result or
 * {@code -errno}, and never throws. The only public face of the jnr-ffi mapping; the mapping itself stays in this
 * package.
 *
 * <p>Values from {@code <sys/socket.h>}, {@code <poll.h>}, {@code <fcntl.h>}, {@code <sched.h>} for Linux (all
 * architectures the JVM runs on share them).
 */
public final class Syscalls {

    /** {@code AF_NETLINK} from bits/socket.h. */
    public static final int AF_NETLINK = 16;
    /** {@code AF_UNIX}. */
    public static final int AF_UNIX = 1;
    /** {@code SOCK_DGRAM}. */
    public static final int SOCK_DGRAM = 2;
    /** Size of {@code struct sockaddr_un}: a 2-byte family and 108 bytes of path. */
    public static final int SOCKADDR_UN_SIZE = 110;
    /** {@code SOCK_RAW}. */
    public static final int SOCK_RAW = 3;
    /** {@code SOCK_CLOEXEC}: no fd leaks into iptables/ipset child processes. */
    public static final int SOCK_CLOEXEC = 0x80000;
    /** {@code SOL_SOCKET}. */
    public static final int SOL_SOCKET = 1;
    /** {@code SO_SNDBUF}. */
    public static final int SO_SNDBUF = 7;
    /** {@code SO_RCVBUF}. */
    public static final int SO_RCVBUF = 8;
    /** {@code SO_RCVBUFFORCE}: like SO_RCVBUF but ignores net.core.rmem_max; needs CAP_NET_ADMIN. */
    public static final int SO_RCVBUFFORCE = 33;
    /** {@code SOL_NETLINK} from linux/socket.h. */
    public static final int SOL_NETLINK = 270;
    /** {@code MSG_TRUNC}: recvfrom returns the real length even when the buffer was too small. */
    public static final int MSG_TRUNC = 0x20;
    /** {@code MSG_DONTWAIT}. */
    public static final int MSG_DONTWAIT = 0x40;
    /** {@code MSG_WAITFORONE}: recvmmsg blocks for the first datagram only, then takes what is already there. */
    public static final int MSG_WAITFORONE = 0x10000;
    /** Size of {@code struct mmsghdr} on LP64 Linux: a 56-byte {@code struct msghdr} and {@code msg_len}, padded. */
    public static final int MMSGHDR_SIZE = 64;
    /** Offset of {@code msg_len} in {@code struct mmsghdr}. */
    private static final int MMSGHDR_LEN = 56;
    /** Offset of {@code msg_iov} in {@code struct msghdr}. */
    private static final int MSGHDR_IOV = 16;
    /** Offset of {@code msg_iovlen} in {@code struct msghdr}. */
    private static final int MSGHDR_IOVLEN = 24;
    /** Offset of {@code msg_flags} in {@code struct msghdr}. */
    private static final int MSGHDR_FLAGS = 48;
    /** Size of {@code struct iovec} on LP64 Linux. */
    private static final int IOVEC_SIZE = 16;
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    /** {@code POLLIN}. */
    public static final int POLLIN = 0x1;
    /** {@code O_RDONLY}. */
    public static final int O_RDONLY = 0;
    /** {@code O_CLOEXEC}. */
    public static final int O_CLOEXEC = 0x80000;
    /** {@code CLONE_NEWNET} from linux/sched.h. */
    public static final int CLONE_NEWNET = 0x40000000;
    /** Size of {@code struct sockaddr_nl}. */
    public static final int SOCKADDR_NL_SIZE = 12;
    /** Size of {@code struct pollfd}. */
    public static final int POLLFD_SIZE = 8;

    private Syscalls() {
    }

    /** Lazily loaded so pure-Java users of the codecs never touch native code. */
    private static final class Holder {
        static final LibC.Functions LIBC = LibraryLoader.create(LibC.Functions.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    }

    private static int errno() {
        int e = LastError.getLastError(Holder.RUNTIME);
        return e > 0 ? -e : -5; // EIO when libc failed without setting errno (should not happen)
    }

    private static int result(int r) {
        return r >= 0 ? r : errno();
    }

    /** True when libc can be loaded (false on non-Linux or when native access is denied). */
    public static boolean isAvailable() {
        try {
            return Holder.LIBC != null;
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    /** {@code socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol)}: fd or -errno. */
    public static int netlinkSocket(int protocol) {
        return result(Holder.LIBC.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol));
    }

    /** Binds to {@code struct sockaddr_nl {AF_NETLINK, 0, portId, groups}}; 0 or -errno. */
    public static int bindNetlink(int fd, int portId, int groups) {
        ByteBuffer addr = ByteBuffer.allocateDirect(SOCKADDR_NL_SIZE).order(ByteOrder.nativeOrder());
        addr.putShort(0, (short) AF_NETLINK).putShort(2, (short) 0).putInt(4, portId).putInt(8, groups);
        return result(Holder.LIBC.bind(fd, addr, SOCKADDR_NL_SIZE));
    }

    /**
     * The port id (nl_pid) the kernel assigned at bind, or -errno. Unsigned in the kernel; returned as int, negative
     * values other than -errno do not occur for autobound sockets (the kernel hands out positive ids).
     */
    public static int netlinkPortId(int fd) {
        ByteBuffer addr = ByteBuffer.allocateDirect(SOCKADDR_NL_SIZE).order(ByteOrder.nativeOrder());
        IntByReference len = new IntByReference(SOCKADDR_NL_SIZE);
        int r = Holder.LIBC.getsockname(fd, addr, len);
        return r < 0 ? errno() : addr.getInt(4);
    }

    /**
     * Sends {@code buf[position, limit)} to the kernel (port 0); bytes sent or -errno. {@code buf} must be direct.
     */
    public static long send(int fd, ByteBuffer buf, int flags) {
        long r = Holder.LIBC.sendto(fd, buf, buf.remaining(), flags, null, 0);
        return r >= 0 ? r : errno();
    }

    /**
     * Receives one datagram into {@code buf[position, limit)}; its real length (may exceed the room with
     * {@link #MSG_TRUNC}) or -errno. {@code buf} must be direct. Allocates nothing.
     */
    public static long receive(int fd, ByteBuffer buf, int flags) {
        long r = Holder.LIBC.recvfrom(fd, buf, buf.remaining(), flags, null, null);
        return r >= 0 ? r : errno();
    }

    /**
     * A native vector for {@link #receiveMany}: {@code count} {@code struct mmsghdr} entries, each with one
     * {@code struct iovec} pointing at its own {@code slotBytes} slice of {@code buf} (datagram i lands at
     * {@code i * slotBytes}). Built once and reused: {@code buf} must stay reachable while the vector is used, and
     * must be direct and hold {@code count * slotBytes} bytes. Null on a platform whose C structs are not laid out
     * as on LP64 Linux (32-bit JVMs), where callers receive one datagram per call instead.
     */
    public static ByteBuffer messageVector(ByteBuffer buf, int slotBytes, int count) {
        if (!buf.isDirect() || slotBytes <= 0 || count <= 0 || (long) slotBytes * count > buf.capacity()) {
            throw new IllegalArgumentException("a direct buffer of " + count + " x " + slotBytes + " bytes needed, got "
                    + buf);
        }
        if (Holder.RUNTIME.addressSize() != Long.BYTES) {
            return null;
        }
        ByteBuffer vector = ByteBuffer.allocateDirect(count * (MMSGHDR_SIZE + IOVEC_SIZE))
                .order(ByteOrder.nativeOrder());
        long data = Pointer.wrap(Holder.RUNTIME, buf).address();
        long iovecs = Pointer.wrap(Holder.RUNTIME, vector).address() + (long) count * MMSGHDR_SIZE;
        for (int i = 0; i < count; i++) {
            int iov = count * MMSGHDR_SIZE + i * IOVEC_SIZE;
            vector.putLong(iov, data + (long) i * slotBytes).putLong(iov + 8, slotBytes);
            int h = i * MMSGHDR_SIZE; // msg_name, msg_namelen, msg_control, msg_controllen stay 0
            vector.putLong(h + MSGHDR_IOV, iovecs + (long) i * IOVEC_SIZE).putLong(h + MSGHDR_IOVLEN, 1);
        }
        return vector;
    }

    /**
     * {@code recvmmsg(fd, vector, count, flags, NULL)} over a {@link #messageVector}: the number of datagrams
     * received (each one's real length from {@link #messageLength}, which exceeds the slot with {@link #MSG_TRUNC}
     * when it was cut) or -errno. An error after the first datagram is kept by the kernel for the next call.
     * Allocates nothing.
     */
    public static int receiveMany(int fd, ByteBuffer vector, int count, int flags) {
        return result(Holder.LIBC.recvmmsg(fd, vector, count, flags, null));
    }

    /** The length of datagram {@code i} of the last {@link #receiveMany} on {@code vector}. */
    public static int messageLength(ByteBuffer vector, int i) {
        return vector.getInt(i * MMSGHDR_SIZE + MMSGHDR_LEN);
    }

    /** The {@code msg_flags} the kernel returned for datagram {@code i} ({@link #MSG_TRUNC} when it was cut). */
    public static int messageFlags(ByteBuffer vector, int i) {
        return vector.getInt(i * MMSGHDR_SIZE + MSGHDR_FLAGS);
    }

    /**
     * A direct buffer over {@code bytes} of fresh anonymous memory ({@code mmap}): unlike
     * {@link ByteBuffer#allocateDirect}, which zeroes (and so makes resident) every page, a page here costs memory
     * only once something is written to it, so a receive buffer sized for the largest datagrams costs what the
     * datagrams actually fill. Must be given back with {@link #unmap} once nothing uses the buffer any more (a use
     * after that crashes the process). Null when native memory cannot be mapped; callers fall back to
     * {@code allocateDirect}.
     */
    public static ByteBuffer mapAnonymous(int bytes) {
        try {
            long address = Holder.LIBC.mmap(null, bytes, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0);
            if (address == -1 || address == 0) {
                return null;
            }
            return com.kenai.jffi.MemoryIO.getInstance().newDirectByteBuffer(address, bytes);
        } catch (LinkageError | RuntimeException e) {
            return null;
        }
    }

    /** Gives back a buffer from {@link #mapAnonymous}; 0 or -errno. */
    public static int unmap(ByteBuffer mapped) {
        return result(Holder.LIBC.munmap(Pointer.wrap(Holder.RUNTIME, mapped).address(), mapped.capacity()));
    }

    /** {@code socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)}: fd or -errno. */
    public static int unixDatagramSocket() {
        return result(Holder.LIBC.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    }

    /**
     * A native {@code struct sockaddr_un} for {@code path} (at most 107 bytes), to pass to {@link #sendTo}: a path
     * in the file system, or an abstract name whose first byte is 0 (systemd writes those with a leading '@').
     * Returns null when the path does not fit.
     */
    public static Pointer unixAddress(byte[] path) {
        if (path.length == 0 || path.length > SOCKADDR_UN_SIZE - 3) {
            return null;
        }
        Pointer addr = Memory.allocateDirect(Holder.RUNTIME, SOCKADDR_UN_SIZE, true);
        addr.putShort(0, (short) AF_UNIX);
        addr.put(2, path, 0, path.length);
        return addr;
    }

    /**
     * Sends {@code buf[position, limit)} as one datagram to {@code addr} ({@link #unixAddress}) of length
     * {@code addrLen}; bytes sent or -errno. {@code buf} must be direct.
     */
    public static long sendTo(int fd, ByteBuffer buf, int flags, Pointer addr, int addrLen) {
        long r = Holder.LIBC.sendto(fd, buf, buf.remaining(), flags, addr, addrLen);
        return r >= 0 ? r : errno();
    }

    /** {@code setsockopt(fd, level, name, &int, 4)}: 0 or -errno. */
    public static int setIntOption(int fd, int level, int name, int value) {
        return result(Holder.LIBC.setsockopt(fd, level, name, new IntByReference(value), Integer.BYTES));
    }

    /** {@code getsockopt(fd, level, name, &int, &4)}: the value (non-negative for the options we read) or -errno. */
    public static int getIntOption(int fd, int level, int name) {
        IntByReference value = new IntByReference(0);
        IntByReference len = new IntByReference(Integer.BYTES);
        int r = Holder.LIBC.getsockopt(fd, level, name, value, len);
        return r < 0 ? errno() : value.getValue();
    }

    /**
     * Waits until {@code fd} is readable: 1 when readable (or in error, so the next receive reports it), 0 on
     * timeout, -errno on failure. {@code pollfd} is a caller-owned direct buffer of {@link #POLLFD_SIZE} bytes in
     * native order, reused so the wait allocates nothing. A negative timeout waits forever.
     */
    public static int pollIn(ByteBuffer pollfd, int fd, int timeoutMillis) {
        pollfd.clear();
        pollfd.putInt(0, fd).putShort(4, (short) POLLIN).putShort(6, (short) 0);
        return result(Holder.LIBC.poll(pollfd, 1, timeoutMillis));
    }

    /** {@code close(fd)}: 0 or -errno. */
    public static int close(int fd) {
        return result(Holder.LIBC.close(fd));
    }

    /** {@code open(path, O_RDONLY | O_CLOEXEC)}: fd or -errno. */
    public static int openReadOnly(String path) {
        return result(Holder.LIBC.open(path, O_RDONLY | O_CLOEXEC));
    }

    /** {@code setns(fd, CLONE_NEWNET)} for the calling thread only: 0 or -errno. */
    public static int setNetNamespace(int fd) {
        return result(Holder.LIBC.setns(fd, CLONE_NEWNET));
    }
}
