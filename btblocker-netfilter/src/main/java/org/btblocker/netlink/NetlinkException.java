package org.btblocker.netlink;

import java.io.IOException;

/**
 * A failed netlink operation: which operation, the errno (positive, e.g. {@link Errno#EPERM}) and, when the kernel
 * sent one through {@code NETLINK_EXT_ACK}, its extended-ack text. The message reads
 * {@code "<op>: EPERM (kernel: <text>)"}; callers that know the context turn it into an operator hint.
 */
public final class NetlinkException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String op;
    private final int errno;
    private final String extackMessage;

    /**
     * @param op what was being done, e.g. {@code "bind nfqueue 0"}
     * @param errno the error number, either sign accepted (stored positive)
     * @param extackMessage the kernel's extended-ack text, or null
     */
    public NetlinkException(String op, int errno, String extackMessage) {
        super(format(op, Math.abs(errno), extackMessage));
        this.op = op;
        this.errno = Math.abs(errno);
        this.extackMessage = extackMessage;
    }

    /** Same, with a cause (e.g. a native-library failure). */
    public NetlinkException(String op, int errno, String extackMessage, Throwable cause) {
        this(op, errno, extackMessage);
        initCause(cause);
    }

    private static String format(String op, int errno, String extack) {
        String s = op + ": " + Errno.name(errno);
        return extack == null || extack.isEmpty() ? s : s + " (kernel: " + extack + ")";
    }

    /** The operation that failed. */
    public String op() {
        return op;
    }

    /** The positive errno. */
    public int errno() {
        return errno;
    }

    /** Symbolic errno name, e.g. {@code "EBUSY"}. */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** The kernel's extended-ack message, or null when it sent none. */
    public String extackMessage() {
        return extackMessage;
    }
}
