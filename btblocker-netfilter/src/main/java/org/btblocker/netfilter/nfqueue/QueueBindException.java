package org.btblocker.netfilter.nfqueue;

import java.io.IOException;

import org.btblocker.netlink.NetlinkException;

/**
 * Binding an NFQUEUE queue failed. The message is one line for the operator saying what is wrong and what to do,
 * e.g. {@code "queue 0 is already bound by another process (EPERM); stop it or set btblocker.queueNum"}; the
 * {@link NetlinkException} with the raw facts is the cause.
 */
public final class QueueBindException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int queueNum;
    private final int errno;

    QueueBindException(int queueNum, String message, NetlinkException cause) {
        super(message, cause);
        this.queueNum = queueNum;
        this.errno = cause.errno();
    }

    /** The queue that could not be bound. */
    public int queueNum() {
        return queueNum;
    }

    /** The errno of the failed step. */
    public int errno() {
        return errno;
    }
}
