package org.btblocker.netfilter.nfqueue;

import org.btblocker.netlink.MessageWriter;
import org.btblocker.netlink.NetlinkException;
import org.btblocker.netlink.NetlinkTransport;

/**
 * Collects verdicts into runs and sends each run as one message. A run is a sequence of packets, in the order the
 * kernel queued them, with the same verdict and mark; a run of one goes out as NFQNL_MSG_VERDICT, a longer run as one
 * NFQNL_MSG_VERDICT_BATCH for its last id (the kernel applies it to every still-queued packet up to that id, which
 * are exactly the run's packets because every earlier run was sent before this one began).
 *
 * <p>The run is sent when the next verdict differs, when it reaches {@code maxRun} packets, and when the caller
 * {@link #flush() flushes} because the socket has nothing more to read: no packet waits for a packet that may never
 * come. Mutable; owned by the queue thread; allocates nothing.
 */
final class VerdictBatch {

    private final NetlinkTransport transport;
    private final MessageWriter writer = new MessageWriter(256);
    private final int queueNum;
    private final int maxRun;
    private int count;
    private int lastId;
    private int verdict;
    private boolean setMark;
    private int mark;
    private long messagesSent;
    private long firstPendingNanos;
    private final LatencyHistogram latency = new LatencyHistogram();
    private final java.util.function.LongSupplier nanoClock;

    VerdictBatch(NetlinkTransport transport, int queueNum, int maxRun) {
        this(transport, queueNum, maxRun, System::nanoTime);
    }

    VerdictBatch(NetlinkTransport transport, int queueNum, int maxRun, java.util.function.LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        if (maxRun < 1) {
            throw new IllegalArgumentException("maxRun " + maxRun);
        }
        this.transport = transport;
        this.queueNum = queueNum;
        this.maxRun = maxRun;
    }

    /** Adds a packet's verdict; sends the current run first if this one cannot join it. */
    void add(int packetId, int verdict, boolean setMark, int mark) throws NetlinkException {
        add(packetId, verdict, setMark, mark, 0);
    }

    /**
     * Adds a packet's verdict, {@code receivedNanos} being when its datagram was read (0: not timed); sends the
     * current run first if this one cannot join it.
     */
    void add(int packetId, int verdict, boolean setMark, int mark, long receivedNanos) throws NetlinkException {
        if (count > 0 && (verdict != this.verdict || setMark != this.setMark || setMark && mark != this.mark)) {
            flush();
        }
        if (count == 0) {
            firstPendingNanos = receivedNanos;
            this.verdict = verdict;
            this.setMark = setMark;
            this.mark = mark;
        }
        lastId = packetId;
        count++;
        if (count >= maxRun) {
            flush();
        }
    }

    /** Sends the pending run, if any. */
    void flush() throws NetlinkException {
        if (count == 0) {
            return;
        }
        writer.reset();
        if (count == 1) {
            NfqueueCodec.writeVerdict(writer, queueNum, lastId, verdict, setMark, mark);
        } else {
            NfqueueCodec.writeBatchVerdict(writer, queueNum, lastId, verdict, setMark, mark);
        }
        count = 0;
        transport.send(writer.buffer());
        messagesSent++;
        if (firstPendingNanos != 0) {
            latency.record(nanoClock.getAsLong() - firstPendingNanos);
        }
    }

    /** Packets waiting in the current run. */
    int pending() {
        return count;
    }

    /** Verdict latency, one observation per message sent (the run's first packet, the longest wait). */
    LatencyHistogram latency() {
        return latency;
    }

    /** Verdict messages sent so far. */
    long messagesSent() {
        return messagesSent;
    }
}
