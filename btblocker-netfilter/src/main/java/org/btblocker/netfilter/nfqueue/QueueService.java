package org.btblocker.netfilter.nfqueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;

import org.btblocker.netlink.AttrCursor;
import org.btblocker.netlink.Capabilities;
import org.btblocker.netlink.Errno;
import org.btblocker.netlink.MessageCursor;
import org.btblocker.netlink.MessageWriter;
import org.btblocker.netlink.NetNs;
import org.btblocker.netlink.Netlink;
import org.btblocker.netlink.NetlinkChannel;
import org.btblocker.netlink.NetlinkException;
import org.btblocker.netlink.NetlinkSocket;
import org.btblocker.netlink.NetlinkTransport;
import org.btblocker.netlink.sys.Syscalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One NFQUEUE queue: binds it, runs the receive loop on its own platform thread, asks a {@link PacketHandler} about
 * every packet and sends the verdicts, then unbinds and closes on {@link #stop()}.
 *
 * <pre>
 *  kernel queue N ──NFQNL_MSG_PACKET──▶ recvmmsg (≤ 64, one reused buffer) ──▶ NfqueueCodec.parsePacket (in place)
 *        ▲                                                                    │
 *        └──── VERDICT / VERDICT_BATCH ◀── VerdictBatch (runs of equal verdicts) ◀── PacketHandler.onPacket
 * </pre>
 *
 * <p>One system call reads up to {@value #RECEIVE_BATCH} queued packets. Verdicts of consecutive packets with the
 * same verdict and mark go out as one batch message; the batch is sent as soon as the socket has nothing more to
 * read, so no packet waits for traffic that may not come. Socket overruns
 * (ENOBUFS) are counted, never fatal: with fail-open the kernel accepts what it could not deliver, and the gaps in
 * packet ids count those packets. The loop allocates nothing per packet.
 */
public final class QueueService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueueService.class);

    /** Longest run of verdicts sent as one batch: bounds how long a packet can wait while the socket stays busy. */
    static final int MAX_RUN = 64;
    /** Datagrams read with one recvmmsg: one system call per this many queued packets while the queue is full. */
    static final int RECEIVE_BATCH = 64;
    /** How long one blocking wait lasts; bounds how quickly {@link #stop()} is noticed. */
    static final int IDLE_WAIT_MILLIS = 200;
    private static final long OVERRUN_LOG_INTERVAL_NANOS = 60_000_000_000L;

    /** Opens the transport for a queue; called on the queue thread, so namespace switches apply to it. */
    @FunctionalInterface
    public interface SocketOpener {
        NetlinkTransport open(QueueConfig config) throws NetlinkException;
    }

    // counter slots, published with opaque writes (one writer: the queue thread)
    private static final int RECEIVED = 0;
    private static final int ACCEPTED = 1;
    private static final int DROPPED = 2;
    private static final int OVERRUNS = 3;
    private static final int GAPS = 4;
    private static final int VERDICT_ERRORS = 5;
    private static final int HANDLER_ERRORS = 6;
    private static final int MALFORMED = 7;
    private static final int TRUNCATED = 8;
    private static final int LOOPS = 9;
    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);

    private final QueueConfig config;
    private final PacketHandler handler;
    private final NetlinkTransport transport;
    private final NetlinkChannel channel;
    private final VerdictBatch batch;
    private ByteBuffer rx;
    private final boolean rxMapped;
    private final int slotBytes;
    private final int[] lengths = new int[RECEIVE_BATCH];
    private final MessageCursor msg = new MessageCursor();
    private final AttrCursor attrs = new AttrCursor();
    private final QueuedPacket packet = new QueuedPacket();
    private final long[] counts = new long[10];
    private long receivedNanos;
    private final LongSupplier nanoClock;
    private boolean seenPacket;
    private int lastPacketId;
    private long overrunsLogged;
    private long lastOverrunLogNanos;
    private volatile boolean running = true;
    private volatile boolean bound;
    private volatile Throwable failure;
    private Thread thread;

    QueueService(QueueConfig config, PacketHandler handler, NetlinkTransport transport, LongSupplier nanoClock) {
        this.config = config;
        this.handler = handler;
        this.transport = transport;
        this.nanoClock = nanoClock;
        // room for a full copy range plus the attributes around it (headers, L2 header, conntrack, ...)
        int rxBytes = Netlink.align(config.copyRange()) + 8192;
        this.slotBytes = rxBytes;
        // one slot per datagram of a batch; mapped memory, so that a slot costs only the pages its datagrams reach
        // (allocateDirect would zero, and so make resident, all 4.5 MiB)
        ByteBuffer mapped = Syscalls.isAvailable() ? Syscalls.mapAnonymous(rxBytes * RECEIVE_BATCH) : null;
        this.rxMapped = mapped != null;
        this.rx = mapped != null ? mapped : ByteBuffer.allocateDirect(rxBytes * RECEIVE_BATCH);
        this.channel = new NetlinkChannel(transport, rxBytes, NetlinkChannel.DEFAULT_TIMEOUT_MILLIS);
        this.channel.setUnsolicitedHandler(this::dispatch);
        this.batch = new VerdictBatch(transport, config.queueNum(), MAX_RUN, nanoClock);
    }

    /** Binds the queue in the current network namespace and starts its thread. */
    public static QueueService start(QueueConfig config, PacketHandler handler) throws QueueBindException {
        return start(config, handler, QueueService::openSocket);
    }

    /**
     * Binds the queue on a socket from {@code opener} (called on the queue thread) and starts the loop. Returns once
     * the queue is bound.
     *
     * @throws QueueBindException with a one-line operator message when opening or binding fails
     */
    public static QueueService start(QueueConfig config, PacketHandler handler, SocketOpener opener)
            throws QueueBindException {
        CompletableFuture<QueueService> started = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            QueueService s;
            try {
                s = new QueueService(config, handler, opener.open(config), System::nanoTime);
            } catch (NetlinkException e) {
                started.completeExceptionally(new QueueBindException(config.queueNum(),
                        openMessage(config.queueNum(), e), e));
                return;
            } catch (RuntimeException e) {
                started.completeExceptionally(e);
                return;
            }
            try {
                s.bind();
            } catch (QueueBindException | RuntimeException e) {
                s.transport.close();
                s.releaseReceiveBuffer();
                started.completeExceptionally(e);
                return;
            }
            s.thread = Thread.currentThread();
            started.complete(s);
            s.run();
        }, "nfqueue-" + config.queueNum());
        t.setDaemon(true);
        t.start();
        try {
            return started.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding queue " + config.queueNum(), e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof QueueBindException q) {
                throw q;
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(c);
        }
    }

    /** An opener that enters {@code /run/netns/<netns>} on the queue thread first (for tests and containers). */
    public static SocketOpener inNamespace(String netns) {
        return c -> {
            try (NetNs ns = NetNs.enter(netns)) {
                return openSocket(c);
            }
        };
    }

    /**
     * The default socket: NETLINK_NETFILTER with the configured receive buffer and ENOBUFS reporting left on, so
     * overruns are counted.
     */
    public static NetlinkTransport openSocket(QueueConfig config) throws NetlinkException {
        NetlinkSocket s = NetlinkSocket.open(Netlink.NETLINK_NETFILTER);
        try {
            s.setReceiveBufferSize(config.receiveBufferBytes());
            return s;
        } catch (NetlinkException e) {
            s.close();
            throw e;
        }
    }

    /** The bind sequence; on success the queue sends packets. Package-private for the scripted-kernel tests. */
    void bind() throws QueueBindException {
        int q = config.queueNum();
        String step = "bind";
        try {
            // Kernels before 3.8 needed the protocol family (un)bound first; newer ones accept and ignore it.
            for (int pf : new int[] {Netlink.AF_INET, Netlink.AF_INET6}) {
                step = "unbind protocol family " + pf;
                command(step, 0, NfqueueCodec.NFQNL_CFG_CMD_PF_UNBIND, pf);
                step = "bind protocol family " + pf;
                command(step, 0, NfqueueCodec.NFQNL_CFG_CMD_PF_BIND, pf);
            }
            step = "bind queue " + q;
            command(step, q, NfqueueCodec.NFQNL_CFG_CMD_BIND, Netlink.AF_UNSPEC);
            bound = true;
            step = "set copy mode of queue " + q;
            MessageWriter w = channel.writer();
            NfqueueCodec.writeParams(w, channel.nextSeq(), q, NfqueueCodec.NFQNL_COPY_PACKET, config.copyRange());
            channel.request(step, w);
            step = "set max length of queue " + q;
            w = channel.writer();
            NfqueueCodec.writeMaxLength(w, channel.nextSeq(), q, config.maxLength());
            channel.request(step, w);
            step = "set flags of queue " + q;
            int flags = NfqueueCodec.flagsOf(config);
            w = channel.writer();
            NfqueueCodec.writeFlags(w, channel.nextSeq(), q, flags,
                    NfqueueCodec.NFQA_CFG_F_FAIL_OPEN | NfqueueCodec.NFQA_CFG_F_GSO);
            channel.request(step, w);
            batch.flush(); // verdicts for packets that arrived while binding
            log.info("bound NFQUEUE queue {} (copyRange={}, maxLength={}, failOpen={}, gso={})", q,
                    config.copyRange(), config.maxLength(), config.failOpen(), config.gso());
        } catch (NetlinkException e) {
            throw new QueueBindException(q, bindMessage(q, step, e), e);
        }
    }

    private void command(String op, int queueNum, int command, int pf) throws NetlinkException {
        MessageWriter w = channel.writer();
        NfqueueCodec.writeCommand(w, channel.nextSeq(), queueNum, command, pf);
        channel.request(op, w);
    }

    static String openMessage(int queueNum, NetlinkException e) {
        return switch (e.errno()) {
            case Errno.EPROTONOSUPPORT -> "cannot open a netfilter netlink socket for queue " + queueNum
                    + ": the kernel has no nfnetlink support (EPROTONOSUPPORT)";
            case Errno.EPERM, Errno.EACCES -> "cannot open a netfilter netlink socket for queue " + queueNum
                    + " (" + e.errnoName() + "): need root or CAP_NET_ADMIN";
            default -> "cannot open a netfilter netlink socket for queue " + queueNum + ": " + e.getMessage();
        };
    }

    static String bindMessage(int queueNum, String step, NetlinkException e) {
        return switch (e.errno()) {
            case Errno.EPERM -> Capabilities.hasNetAdmin()
                    ? "queue " + queueNum + " is already bound by another process (EPERM); stop it or set "
                            + "btblocker.queueNum"
                    : "cannot bind NFQUEUE queue " + queueNum + " (EPERM): need root or CAP_NET_ADMIN";
            case Errno.EBUSY -> "queue " + queueNum + " is already bound by another process (EBUSY); stop it or set "
                    + "btblocker.queueNum";
            case Errno.EINVAL, Errno.ENOENT -> Files.exists(Path.of("/proc/net/netfilter/nfnetlink_queue"))
                    ? "cannot " + step + ": the kernel refused it (" + e.getMessage() + ")"
                    : "cannot bind NFQUEUE queue " + queueNum + ": kernel module nfnetlink_queue is not loaded "
                            + "(" + e.errnoName() + "); run: modprobe nfnetlink_queue";
            case Errno.EOPNOTSUPP -> "cannot " + step + ": this kernel does not support the requested NFQUEUE flags ("
                    + e.errnoName() + "); try btblocker.queue.gso = false";
            default -> "cannot " + step + ": " + e.getMessage();
        };
    }

    private void run() {
        try {
            while (running) {
                step(IDLE_WAIT_MILLIS);
            }
            batch.flush();
        } catch (NetlinkException | RuntimeException e) {
            failure = e;
            log.error("NFQUEUE queue {} stopped: {}", config.queueNum(), e.getMessage(), e);
        } finally {
            shutdown();
        }
    }

    /**
     * One loop iteration: receives a batch of datagrams with one call (without waiting while verdicts are pending,
     * else waiting up to {@code waitMillis} for the first) and handles their packets in order; when the batch came
     * back short (the socket had nothing more to read) or nothing arrived, sends the pending verdicts, so no packet
     * waits for traffic that may not come.
     */
    void step(int waitMillis) throws NetlinkException {
        inc(LOOPS);
        int n = transport.receiveBatch(rx, slotBytes, lengths, batch.pending() > 0 ? 0 : waitMillis);
        if (n == NetlinkTransport.TIMEOUT) {
            batch.flush();
            return;
        }
        if (n < 0) {
            if (n == -Errno.ENOBUFS) {
                inc(OVERRUNS);
                logOverruns();
            } else {
                inc(TRUNCATED);
            }
            return;
        }
        receivedNanos = nanoClock.getAsLong();
        for (int i = 0; i < n; i++) {
            int len = lengths[i];
            if (len < 0) {
                inc(TRUNCATED);
                continue;
            }
            msg.reset(rx, i * slotBytes, len);
            while (msg.next()) {
                dispatch(msg);
            }
            if (msg.hasError()) {
                inc(MALFORMED);
            }
        }
        if (n < lengths.length) {
            batch.flush();
        }
    }

    private void dispatch(MessageCursor m) throws NetlinkException {
        if (m.type() == NfqueueCodec.TYPE_PACKET) {
            handlePacket(m);
        } else if (m.isError() && m.errorCode() < 0) {
            // an NLMSG_ERROR for a verdict (they carry no NLM_F_ACK, the kernel reports failures anyway)
            inc(VERDICT_ERRORS);
            if (counts[VERDICT_ERRORS] == 1) {
                log.warn("NFQUEUE queue {}: the kernel rejected a verdict ({}); further rejections are only counted",
                        config.queueNum(), Errno.name(m.errorCode()));
            }
        }
    }

    private void handlePacket(MessageCursor m) throws NetlinkException {
        if (!NfqueueCodec.parsePacket(m, attrs, packet)) {
            inc(MALFORMED);
            return;
        }
        inc(RECEIVED);
        int id = packet.packetId();
        if (seenPacket) {
            int step = id - lastPacketId; // unsigned distance, wraps with the kernel's u32 counter
            if (step > 1) {
                COUNTS.setOpaque(counts, GAPS, counts[GAPS] + (step - 1));
            }
        }
        seenPacket = true;
        lastPacketId = id;
        int verdict = PacketHandler.ACCEPT;
        if (packet.payloadOffset >= 0) {
            try {
                verdict = handler.onPacket(m.buffer(), packet.payloadOffset, packet.payloadLength, packet);
            } catch (RuntimeException e) {
                inc(HANDLER_ERRORS);
                if (counts[HANDLER_ERRORS] == 1) {
                    log.warn("NFQUEUE queue {}: packet handler failed, packet accepted; further failures are only "
                            + "counted", config.queueNum(), e);
                }
                verdict = PacketHandler.ACCEPT;
            }
        }
        if (verdict == PacketHandler.DROP) {
            inc(DROPPED);
        } else {
            verdict = PacketHandler.ACCEPT;
            inc(ACCEPTED);
        }
        batch.add(id, verdict, packet.hasVerdictMark(), packet.verdictMark(), receivedNanos);
    }

    private void logOverruns() {
        long now = nanoClock.getAsLong();
        long total = counts[OVERRUNS];
        if (overrunsLogged == 0 || now - lastOverrunLogNanos >= OVERRUN_LOG_INTERVAL_NANOS) {
            log.warn("NFQUEUE queue {}: receive buffer overrun (ENOBUFS): {} overrun(s) since the last report; "
                    + "packets were {} unseen", config.queueNum(), total - overrunsLogged,
                    config.failOpen() ? "accepted" : "dropped");
            overrunsLogged = total;
            lastOverrunLogNanos = now;
        }
    }

    private void inc(int slot) {
        COUNTS.setOpaque(counts, slot, counts[slot] + 1);
    }

    private long read(int slot) {
        return (long) COUNTS.getOpaque(counts, slot);
    }

    /** A snapshot of the counters; callable from any thread. */
    public QueueStats stats() {
        return new QueueStats(read(RECEIVED), read(ACCEPTED), read(DROPPED), read(OVERRUNS), read(GAPS),
                batch.messagesSent(), read(VERDICT_ERRORS), read(HANDLER_ERRORS), read(MALFORMED), read(TRUNCATED));
    }

    /**
     * Receive-loop iterations so far; the loop runs at least every {@value #IDLE_WAIT_MILLIS} ms even without
     * traffic, so a count that stops growing while {@link #isRunning()} means the thread is stuck (a supervisor
     * checks it).
     */
    public long loops() {
        return read(LOOPS);
    }

    /** Verdict latency of this queue. */
    public LatencyHistogram latency() {
        return batch.latency();
    }

    /** The queue number. */
    public int queueNum() {
        return config.queueNum();
    }

    /** True until the loop has ended (after {@link #stop()} or a fatal error). */
    public boolean isRunning() {
        Thread t = thread;
        return running && (t == null || t.isAlive());
    }

    /** The error that ended the loop, or null. */
    public Throwable failure() {
        return failure;
    }

    /**
     * Stops the loop, sends pending verdicts, unbinds the queue and closes the socket; waits for the queue thread
     * (up to a few seconds) unless called from it.
     */
    public void stop() {
        running = false;
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (t == null) {
            shutdown(); // never started a thread (tests drive step() directly)
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    private void shutdown() {
        try {
            batch.flush();
            if (bound) {
                bound = false;
                command("unbind queue " + config.queueNum(), config.queueNum(), NfqueueCodec.NFQNL_CFG_CMD_UNBIND,
                        Netlink.AF_UNSPEC);
                batch.flush();
                log.info("unbound NFQUEUE queue {}", config.queueNum());
            }
        } catch (NetlinkException | RuntimeException e) {
            // closing the socket unbinds as well; the failure is worth a line, not an exception
            log.warn("NFQUEUE queue {}: unbind failed ({}); closing the socket releases it", config.queueNum(),
                    e.getMessage());
        } finally {
            transport.close();
            releaseReceiveBuffer();
        }
    }

    private void releaseReceiveBuffer() {
        ByteBuffer b = rx;
        rx = null; // a step after this fails on null instead of touching unmapped memory
        if (b != null && rxMapped) {
            Syscalls.unmap(b);
        }
    }
}
