package org.btblocker.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.btblocker.netlink.sys.Syscalls;

/**
 * A netlink socket ({@code AF_NETLINK, SOCK_RAW}) bound to a kernel-assigned port id, talking to the kernel (port 0).
 * Owned by one thread: {@link #send} and {@link #receive} are not synchronised; {@link #close()} is idempotent and
 * should be called by the owning thread.
 *
 * <p>Buffers passed to send/receive must be direct (they are handed to the kernel by address). {@link #receive}
 * allocates nothing, so it can run on the packet path.
 */
public final class NetlinkSocket implements NetlinkTransport {

    private final int protocol;
    private final int portId;
    private final ByteBuffer pollfd = ByteBuffer.allocateDirect(Syscalls.POLLFD_SIZE).order(ByteOrder.nativeOrder());
    private volatile int fd;
    // the recvmmsg vector of the last receiveBatch: rebuilt only when a caller passes another buffer or shape
    private ByteBuffer batchBuffer;
    private int batchSlotBytes;
    private int batchCount;
    private ByteBuffer batchVector;

    private NetlinkSocket(int fd, int protocol, int portId) {
        this.fd = fd;
        this.protocol = protocol;
        this.portId = portId;
    }

    /**
     * Opens and binds a socket for {@code protocol} (e.g. {@link Netlink#NETLINK_NETFILTER}) and asks for extended
     * acks (kernel error texts) where the kernel supports them.
     *
     * @throws NetlinkException EPROTONOSUPPORT when the kernel lacks the protocol, EPERM/EACCES when denied,
     *         EOPNOTSUPP when native access (libc through jnr-ffi) is unavailable
     */
    public static NetlinkSocket open(int protocol) throws NetlinkException {
        String op = "open netlink socket (protocol " + protocol + ")";
        int fd;
        try {
            fd = Syscalls.netlinkSocket(protocol);
        } catch (LinkageError | RuntimeException e) {
            throw new NetlinkException(op + ": cannot load libc through jnr-ffi", Errno.EOPNOTSUPP, null, e);
        }
        if (fd < 0) {
            throw new NetlinkException(op, -fd, null);
        }
        int r = Syscalls.bindNetlink(fd, 0, 0);
        int portId = r < 0 ? r : Syscalls.netlinkPortId(fd);
        if (r < 0 || portId < 0 && portId > -4096) {
            Syscalls.close(fd);
            throw new NetlinkException("bind netlink socket (protocol " + protocol + ")", r < 0 ? -r : -portId, null);
        }
        NetlinkSocket s = new NetlinkSocket(fd, protocol, portId);
        // Best effort: older kernels lack EXT_ACK and errors then simply carry no text.
        Syscalls.setIntOption(fd, Syscalls.SOL_NETLINK, Netlink.NETLINK_EXT_ACK, 1);
        return s;
    }

    /** The netlink protocol this socket was opened for. */
    public int protocol() {
        return protocol;
    }

    /** The port id (nl_pid) the kernel assigned; replies carry it in {@code nlmsg_pid}. */
    public int portId() {
        return portId;
    }

    /** The file descriptor, or -1 once closed. */
    public int fd() {
        return fd;
    }

    /**
     * Sets the receive buffer size: SO_RCVBUFFORCE first (ignores net.core.rmem_max, needs CAP_NET_ADMIN), then
     * SO_RCVBUF (capped by rmem_max).
     *
     * @return the size the kernel reports afterwards (it doubles the request for bookkeeping)
     */
    public int setReceiveBufferSize(int bytes) throws NetlinkException {
        int f = openFd("set receive buffer");
        int r = Syscalls.setIntOption(f, Syscalls.SOL_SOCKET, Syscalls.SO_RCVBUFFORCE, bytes);
        if (r < 0) {
            r = Syscalls.setIntOption(f, Syscalls.SOL_SOCKET, Syscalls.SO_RCVBUF, bytes);
            if (r < 0) {
                throw new NetlinkException("set SO_RCVBUF " + bytes, -r, null);
            }
        }
        return receiveBufferSize();
    }

    /** SO_RCVBUF as the kernel reports it. */
    public int receiveBufferSize() throws NetlinkException {
        int v = Syscalls.getIntOption(openFd("get receive buffer"), Syscalls.SOL_SOCKET, Syscalls.SO_RCVBUF);
        if (v < 0 && v > -4096) {
            throw new NetlinkException("get SO_RCVBUF", -v, null);
        }
        return v;
    }

    /**
     * NETLINK_NO_ENOBUFS: when on, the kernel stops reporting receive-buffer overruns as ENOBUFS (lost messages go
     * unnoticed). The NFQUEUE loop keeps it off to count overruns; fail-open bookkeeping needs them.
     */
    public void setNoEnobufs(boolean on) throws NetlinkException {
        setNetlinkOption("NETLINK_NO_ENOBUFS", Netlink.NETLINK_NO_ENOBUFS, on);
    }

    /** NETLINK_ADD_MEMBERSHIP: receive the multicast messages of {@code group} (e.g. rule-set changes). */
    public void joinGroup(int group) throws NetlinkException {
        int r = Syscalls.setIntOption(openFd("join group " + group), Syscalls.SOL_NETLINK,
                Netlink.NETLINK_ADD_MEMBERSHIP, group);
        if (r < 0) {
            throw new NetlinkException("join netlink group " + group, -r, null);
        }
    }

    /** NETLINK_EXT_ACK: error acks carry the kernel's text (on by default after {@link #open}). */
    public void setExtendedAck(boolean on) throws NetlinkException {
        setNetlinkOption("NETLINK_EXT_ACK", Netlink.NETLINK_EXT_ACK, on);
    }

    /** NETLINK_CAP_ACK: error acks do not echo the request back. */
    public void setCapAck(boolean on) throws NetlinkException {
        setNetlinkOption("NETLINK_CAP_ACK", Netlink.NETLINK_CAP_ACK, on);
    }

    private void setNetlinkOption(String name, int option, boolean on) throws NetlinkException {
        int r = Syscalls.setIntOption(openFd("set " + name), Syscalls.SOL_NETLINK, option, on ? 1 : 0);
        if (r < 0) {
            throw new NetlinkException("set " + name, -r, null);
        }
    }

    @Override
    public void send(ByteBuffer message) throws NetlinkException {
        requireDirect(message);
        while (true) {
            long r = Syscalls.send(openFd("send"), message, 0);
            if (r >= 0) {
                return;
            }
            if (r != -Errno.EINTR) {
                throw new NetlinkException("send netlink message", (int) -r, null);
            }
        }
    }

    /** What a failed receive ({@code -errno}) returns: TIMEOUT for EAGAIN, -ENOBUFS for an overrun; else it throws. */
    private static int receiveFailure(int negativeErrno, String what) throws NetlinkException {
        if (negativeErrno == -Errno.EAGAIN) {
            return TIMEOUT;
        }
        if (negativeErrno == -Errno.ENOBUFS) {
            return -Errno.ENOBUFS;
        }
        throw new NetlinkException(what, -negativeErrno, null);
    }

    /**
     * The receive flags for a wait of {@code timeoutMillis} (0: none, negative: block, with {@code blocking} added),
     * or -1 when the socket stayed unreadable that long.
     */
    private int receiveFlags(int fd, int timeoutMillis, int blocking) throws NetlinkException {
        if (timeoutMillis > 0) {
            return waitReadable(fd, timeoutMillis) == 0 ? -1 : Syscalls.MSG_TRUNC | Syscalls.MSG_DONTWAIT;
        }
        return Syscalls.MSG_TRUNC | (timeoutMillis == 0 ? Syscalls.MSG_DONTWAIT : blocking);
    }

    @Override
    public int receive(ByteBuffer into, int timeoutMillis) throws NetlinkException {
        requireDirect(into);
        int f = openFd("receive");
        into.clear();
        int flags = receiveFlags(f, timeoutMillis, 0);
        if (flags < 0) {
            return TIMEOUT;
        }
        long n;
        do {
            n = Syscalls.receive(f, into, flags);
        } while (n == -Errno.EINTR);
        if (n < 0) {
            return receiveFailure((int) n, "receive netlink message");
        }
        if (n > into.capacity()) {
            into.limit(into.capacity()).position(0);
            return -Errno.EMSGSIZE;
        }
        if (n == 0) {
            // netlink never sends empty datagrams; treat as nothing received
            into.limit(0);
            return TIMEOUT;
        }
        into.limit((int) n).position(0);
        return (int) n;
    }

    /**
     * One {@code recvmmsg(2)} for up to {@code lengths.length} datagrams into slots of {@code into} (see
     * {@link NetlinkTransport#receiveBatch}); the message vector is built at the first call for a buffer and reused,
     * so this allocates nothing after that. Where recvmmsg cannot be used (a 32-bit JVM) it receives one datagram.
     */
    @Override
    public int receiveBatch(ByteBuffer into, int slotBytes, int[] lengths, int timeoutMillis)
            throws NetlinkException {
        requireDirect(into);
        int count = lengths.length;
        if (into != batchBuffer || slotBytes != batchSlotBytes || count != batchCount) {
            batchVector = Syscalls.messageVector(into, slotBytes, count);
            batchBuffer = into;
            batchSlotBytes = slotBytes;
            batchCount = count;
        }
        if (batchVector == null) {
            return NetlinkTransport.super.receiveBatch(into, slotBytes, lengths, timeoutMillis);
        }
        int f = openFd("receive");
        into.limit(into.capacity()).position(0);
        int flags = receiveFlags(f, timeoutMillis, Syscalls.MSG_WAITFORONE);
        if (flags < 0) {
            return TIMEOUT;
        }
        int n;
        do {
            n = Syscalls.receiveMany(f, batchVector, count, flags);
        } while (n == -Errno.EINTR);
        if (n < 0) {
            return receiveFailure(n, "receive netlink messages");
        }
        for (int i = 0; i < n; i++) {
            int len = Syscalls.messageLength(batchVector, i);
            // netlink never sends empty datagrams; a 0 is passed on as such and holds no message
            lengths[i] = len > slotBytes || (Syscalls.messageFlags(batchVector, i) & Syscalls.MSG_TRUNC) != 0
                    ? -Errno.EMSGSIZE : len;
        }
        return n;
    }

    private int waitReadable(int f, int timeoutMillis) throws NetlinkException {
        int p;
        do {
            p = Syscalls.pollIn(pollfd, f, timeoutMillis);
        } while (p == -Errno.EINTR);
        if (p < 0) {
            throw new NetlinkException("poll netlink socket", -p, null);
        }
        return p;
    }

    @Override
    public void close() {
        int f = fd;
        if (f >= 0) {
            fd = -1;
            Syscalls.close(f);
        }
    }

    private int openFd(String op) throws NetlinkException {
        int f = fd;
        if (f < 0) {
            throw new NetlinkException(op + " on a closed netlink socket", Errno.EBADF, null);
        }
        return f;
    }

    private static void requireDirect(ByteBuffer b) {
        if (!b.isDirect()) {
            throw new IllegalArgumentException("netlink buffers must be direct");
        }
    }

    @Override
    public String toString() {
        return "NetlinkSocket[protocol=" + protocol + ", portId=" + Integer.toUnsignedString(portId) + ", fd=" + fd
                + "]";
    }
}
