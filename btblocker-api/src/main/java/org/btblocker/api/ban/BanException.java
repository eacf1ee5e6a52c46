package org.btblocker.api.ban;

/**
 * A ban sink could not carry out an operation. {@link #isRetryable()} tells the daemon whether trying again later
 * can help (a remote API that is down) or not (the kernel refused, a set is missing): retryable failures are
 * retried with backoff and never lose the ban; others are counted and logged.
 */
public class BanException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    /** A permanent failure, with a message naming what failed and what to do. */
    public BanException(String message) {
        this(message, null, false);
    }

    /** A permanent failure, with a message and the underlying cause. */
    public BanException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /**
     * @param retryable true when the same request may succeed later (timeouts, HTTP 5xx, connection refused)
     */
    public BanException(String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** True when trying again later may succeed. */
    public boolean isRetryable() {
        return retryable;
    }
}
