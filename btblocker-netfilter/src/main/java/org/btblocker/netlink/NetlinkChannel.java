package org.btblocker.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Request/acknowledge exchanges over a {@link NetlinkTransport}: sends the messages of a {@link MessageWriter} and
 * waits until the kernel has answered every one that asked for it (NLM_F_ACK → NLMSG_ERROR with its sequence number;
 * a dump → NLMSG_DONE). A negative error becomes {@link NetlinkException}{@code (op, errno, extack text)}. Replies of
 * other sequence numbers (late answers to an earlier, failed request) are skipped.
 *
 * <p>For configuration traffic (NFQUEUE bind, ipset, nftables), not the packet path. Owned by one thread.
 *
 * <pre>{@code
 * try (NetlinkChannel ch = new NetlinkChannel(NetlinkSocket.open(Netlink.NETLINK_NETFILTER))) {
 *     MessageWriter w = ch.writer();
 *     w.begin(type, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK, ch.nextSeq()).nfgenmsg(...).attrU32(...).end();
 *     ch.request("create ipset btblocker", w);
 * }
 * }</pre>
 */
public final class NetlinkChannel implements AutoCloseable {

    /** Receive buffer large enough for the biggest netlink datagram the kernel builds for a dump (32 KiB pages). */
    public static final int DEFAULT_RECEIVE_BYTES = 64 * 1024;
    /** How long to wait for the kernel's answer. */
    public static final int DEFAULT_TIMEOUT_MILLIS = 5_000;
    private static final int MAX_PENDING = 1024;

    private final NetlinkTransport transport;
    private final ByteBuffer rx;
    private final int timeoutMillis;
    private final MessageWriter writer;
    private final MessageCursor msg = new MessageCursor();
    private final MessageCursor out = new MessageCursor();
    private final AttrCursor scratch = new AttrCursor();
    private final int[] pendingSeq = new int[MAX_PENDING];
    private final boolean[] pendingDump = new boolean[MAX_PENDING];
    private int seq;

    /** A channel with the default buffer sizes and timeout; closing it closes the transport. */
    public NetlinkChannel(NetlinkTransport transport) {
        this(transport, DEFAULT_RECEIVE_BYTES, DEFAULT_TIMEOUT_MILLIS);
    }

    /**
     * @param receiveBytes size of the receive buffer
     * @param timeoutMillis how long to wait for each answer before failing with ETIMEDOUT
     */
    public NetlinkChannel(NetlinkTransport transport, int receiveBytes, int timeoutMillis) {
        if (receiveBytes < Netlink.NLMSG_HDRLEN || timeoutMillis <= 0) {
            throw new IllegalArgumentException("receiveBytes " + receiveBytes + ", timeoutMillis " + timeoutMillis);
        }
        this.transport = transport;
        this.rx = ByteBuffer.allocateDirect(receiveBytes).order(ByteOrder.nativeOrder());
        this.timeoutMillis = timeoutMillis;
        this.writer = new MessageWriter(receiveBytes);
        // distinct start values make answers from a previous process's socket easy to tell apart in traces
        this.seq = (int) (System.nanoTime() >>> 10) & 0x3fffffff;
    }

    /** The transport underneath. */
    public NetlinkTransport transport() {
        return transport;
    }

    /** A fresh sequence number (never 0). */
    public int nextSeq() {
        seq++;
        if (seq == 0) {
            seq = 1;
        }
        return seq;
    }

    /** The channel's own writer, {@linkplain MessageWriter#reset() reset}, for building the next request. */
    public MessageWriter writer() {
        return writer.reset();
    }

    /** Sends the writer's messages and waits for their acks; replies other than acks are ignored. */
    public void request(String op, MessageWriter message) throws NetlinkException {
        request(op, message, null);
    }

    /**
     * Sends the writer's messages and waits until each one flagged NLM_F_ACK is acknowledged and each dump
     * (NLM_F_DUMP) is done, passing every other reply with a matching sequence number to {@code replies}.
     *
     * @param op names the operation in the exception, e.g. {@code "bind nfqueue 3"}
     * @param replies receives GET/dump answers; may be null
     * @throws NetlinkException the first error the kernel answers with, or ETIMEDOUT, or ENOBUFS when answers were
     *         lost
     */
    public void request(String op, MessageWriter message, ReplyHandler replies) throws NetlinkException {
        ByteBuffer b = message.buffer();
        int pending = 0;
        out.reset(b, 0, b.limit());
        while (out.next()) {
            boolean dump = (out.flags() & Netlink.NLM_F_DUMP) == Netlink.NLM_F_DUMP
                    && (out.flags() & Netlink.NLM_F_REQUEST) != 0;
            if ((out.flags() & Netlink.NLM_F_ACK) != 0 || dump) {
                if (pending == MAX_PENDING) {
                    throw new IllegalArgumentException("more than " + MAX_PENDING + " acknowledged messages");
                }
                pendingSeq[pending] = out.seq();
                pendingDump[pending] = dump;
                pending++;
            }
        }
        transport.send(b);
        while (pending > 0) {
            int n = transport.receive(rx, timeoutMillis);
            if (n == NetlinkTransport.TIMEOUT) {
                throw new NetlinkException(op + ": no answer from the kernel within " + timeoutMillis + " ms",
                        Errno.ETIMEDOUT, null);
            }
            if (n < 0) {
                throw new NetlinkException(op, -n, n == -Errno.ENOBUFS ? "answers lost: receive buffer overrun"
                        : "answer larger than " + rx.capacity() + " bytes");
            }
            msg.reset(rx, 0, n);
            while (msg.next()) {
                int i = indexOf(pendingSeq, pending, msg.seq());
                if (i < 0) {
                    continue;
                }
                int t = msg.type();
                if (t == Netlink.NLMSG_ERROR) {
                    int code = msg.errorCode();
                    if (code < 0) {
                        throw new NetlinkException(op, -code, msg.extackMessage(scratch));
                    }
                    if (!pendingDump[i]) {
                        pending = remove(i, pending);
                    }
                } else if (t == Netlink.NLMSG_DONE && pendingDump[i]) {
                    int code = msg.errorCode();
                    if (code < 0) {
                        throw new NetlinkException(op, -code, null);
                    }
                    pending = remove(i, pending);
                } else if (t != Netlink.NLMSG_NOOP && t != Netlink.NLMSG_DONE && replies != null) {
                    replies.onReply(msg);
                }
            }
            if (msg.hasError()) {
                throw new NetlinkException(op + ": malformed answer from the kernel", Errno.EPROTO, null);
            }
        }
    }

    private static int indexOf(int[] seqs, int n, int seq) {
        for (int i = 0; i < n; i++) {
            if (seqs[i] == seq) {
                return i;
            }
        }
        return -1;
    }

    private int remove(int i, int pending) {
        int last = pending - 1;
        pendingSeq[i] = pendingSeq[last];
        pendingDump[i] = pendingDump[last];
        return last;
    }

    /** Closes the transport. */
    @Override
    public void close() {
        transport.close();
    }
}
