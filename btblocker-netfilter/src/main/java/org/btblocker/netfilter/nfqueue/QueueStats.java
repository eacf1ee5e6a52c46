package org.btblocker.netfilter.nfqueue;

/**
 * Counters of one queue since it was bound; a snapshot from {@link QueueService#stats()}.
 *
 * @param received packets handed to the handler (or accepted unseen because they carried no payload)
 * @param accepted packets given ACCEPT
 * @param dropped packets given DROP
 * @param overruns times the socket's receive buffer overflowed (ENOBUFS): the kernel lost packet messages; with
 *        fail-open those packets were accepted unseen, never fatal
 * @param gaps packet ids skipped in the kernel's sequence: packets numbered for us whose message was lost to a full
 *        socket buffer (accepted unseen with fail-open, dropped without). Packets bypassed because the queue itself
 *        was full (maxLength) get no id and are invisible to user space
 * @param verdictMessages verdict messages sent (a batch counts once)
 * @param verdictErrors error answers the kernel sent for verdicts (e.g. unknown packet id)
 * @param handlerErrors packets whose handler threw (they were accepted)
 * @param malformed queue messages that could not be parsed (no verdict possible)
 * @param truncated datagrams larger than the receive buffer (lost)
 */
public record QueueStats(long received, long accepted, long dropped, long overruns, long gaps, long verdictMessages,
        long verdictErrors, long handlerErrors, long malformed, long truncated) {

    /** All zero. */
    public static final QueueStats ZERO = new QueueStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** The sums of this and {@code o} (a queue bound again keeps counting from where its last binding stopped). */
    public QueueStats plus(QueueStats o) {
        return new QueueStats(received + o.received, accepted + o.accepted, dropped + o.dropped,
                overruns + o.overruns, gaps + o.gaps, verdictMessages + o.verdictMessages,
                verdictErrors + o.verdictErrors, handlerErrors + o.handlerErrors, malformed + o.malformed,
                truncated + o.truncated);
    }
}
