package org.btblocker.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A fake kernel for protocol tests: records every datagram sent, lets a {@link Responder} answer each message, and
 * hands queued datagrams (or recoverable errnos) to {@link #receive} and {@link #receiveBatch}. When nothing is queued, receive reports
 * {@link NetlinkTransport#TIMEOUT} immediately, whatever the timeout (tests never wait).
 *
 * <p>Public so that other modules' tests can use it through this module's test-jar.
 */
public final class ScriptedKernel implements NetlinkTransport {

    /** Answers one message of a sent datagram, typically by {@link ScriptedKernel#deliver queuing} replies. */
    @FunctionalInterface
    public interface Responder {
        void respond(MessageCursor request, ScriptedKernel kernel);
    }

    private final Responder responder;
    private final List<byte[]> sent = new ArrayList<>();
    private final ArrayDeque<Object> inbox = new ArrayDeque<>();
    private final List<Integer> batchSizes = new ArrayList<>();
    private int idleReceives;
    private int receiveCalls;
    private boolean closed;

    public ScriptedKernel(Responder responder) {
        this.responder = responder;
    }

    /** A kernel that acks every message flagged NLM_F_ACK with error 0. */
    public static ScriptedKernel acking() {
        return new ScriptedKernel((m, k) -> {
            if ((m.flags() & Netlink.NLM_F_ACK) != 0) {
                k.deliver(ack(m.seq(), m.type(), 0, null));
            }
        });
    }

    /** A kernel that never answers. */
    public static ScriptedKernel silent() {
        return new ScriptedKernel((m, k) -> { });
    }

    @Override
    public void send(ByteBuffer message) throws NetlinkException {
        if (closed) {
            throw new NetlinkException("send", Errno.EBADF, null);
        }
        byte[] copy = new byte[message.remaining()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = message.get(message.position() + i);
        }
        sent.add(copy);
        MessageCursor c = new MessageCursor().reset(ByteBuffer.wrap(copy).order(ByteOrder.nativeOrder()), 0,
                copy.length);
        while (c.next()) {
            responder.respond(c, this);
        }
    }

    @Override
    public int receive(ByteBuffer into, int timeoutMillis) throws NetlinkException {
        if (closed) {
            throw new NetlinkException("receive", Errno.EBADF, null);
        }
        receiveCalls++;
        into.clear();
        Object next = inbox.poll();
        if (next == null) {
            idleReceives++;
            into.limit(0);
            return TIMEOUT;
        }
        if (next instanceof Integer errno) {
            into.limit(0);
            return errno;
        }
        byte[] d = (byte[]) next;
        int n = Math.min(d.length, into.capacity());
        for (int i = 0; i < n; i++) {
            into.put(i, d[i]);
        }
        into.limit(n).position(0);
        return d.length > into.capacity() ? -Errno.EMSGSIZE : n;
    }

    /**
     * Hands out what is queued, as recvmmsg does: every queued datagram up to {@code lengths.length}, stopping
     * before a queued errno (returned by the next call, or at once when it comes first). A datagram larger than the
     * slot is cut to it and reported as {@code -Errno.EMSGSIZE}.
     */
    @Override
    public int receiveBatch(ByteBuffer into, int slotBytes, int[] lengths, int timeoutMillis)
            throws NetlinkException {
        if (closed) {
            throw new NetlinkException("receive", Errno.EBADF, null);
        }
        receiveCalls++;
        into.limit(into.capacity()).position(0);
        int n = 0;
        while (n < lengths.length && inbox.peek() instanceof byte[] d) {
            inbox.poll();
            int at = n * slotBytes;
            int copied = Math.min(d.length, slotBytes);
            for (int i = 0; i < copied; i++) {
                into.put(at + i, d[i]);
            }
            lengths[n++] = d.length > slotBytes ? -Errno.EMSGSIZE : d.length;
        }
        if (n > 0) {
            batchSizes.add(n);
            return n;
        }
        Object next = inbox.poll();
        if (next == null) {
            idleReceives++;
            return TIMEOUT;
        }
        return (Integer) next;
    }

    /** The number of datagrams each {@link #receiveBatch} call that found some handed out, in order. */
    public List<Integer> batchSizes() {
        return batchSizes;
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Queues a datagram for receive. */
    public void deliver(byte[] datagram) {
        inbox.add(datagram);
    }

    /** Queues a recoverable receive result such as {@code -Errno.ENOBUFS}. */
    public void deliverErrno(int negativeErrno) {
        inbox.add(negativeErrno);
    }

    /** Every datagram sent so far, in order. */
    public List<byte[]> sent() {
        return sent;
    }

    /** Datagrams still queued. */
    public int pending() {
        return inbox.size();
    }

    /** How many receive calls found nothing queued. */
    public int idleReceives() {
        return idleReceives;
    }

    /** How many receive calls were made. */
    public int receiveCalls() {
        return receiveCalls;
    }

    /** True once closed. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * An NLMSG_ERROR as the kernel builds it with NETLINK_EXT_ACK on and the request capped: {@code int error},
     * the request's header (only seq and type matter here), then NLMSGERR_ATTR_MSG when {@code extack} is given.
     */
    public static byte[] ack(int seq, int requestType, int error, String extack) {
        MessageWriter w = new MessageWriter(512);
        int flags = Netlink.NLM_F_CAPPED | (extack != null ? Netlink.NLM_F_ACK_TLVS : 0);
        w.begin(Netlink.NLMSG_ERROR, flags, seq);
        int at = w.reserve(Netlink.NLMSGERR_SIZE);
        w.putU32HostAt(at, error);
        w.putU32HostAt(at + 4, Netlink.NLMSG_HDRLEN);
        w.putU16HostAt(at + 8, requestType);
        w.putU32HostAt(at + 12, seq);
        if (extack != null) {
            w.attrString(Netlink.NLMSGERR_ATTR_MSG, extack);
        }
        return bytes(w);
    }

    /** NLMSG_DONE ending a dump, with its int status 0. */
    public static byte[] done(int seq) {
        MessageWriter w = new MessageWriter(64);
        w.begin(Netlink.NLMSG_DONE, Netlink.NLM_F_MULTI, seq);
        w.reserve(4);
        return bytes(w);
    }

    /** The bytes a writer holds. */
    public static byte[] bytes(MessageWriter w) {
        ByteBuffer b = w.buffer();
        byte[] out = new byte[b.remaining()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i);
        }
        return out;
    }

    /** Concatenates datagrams' worth of messages into one datagram. */
    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
