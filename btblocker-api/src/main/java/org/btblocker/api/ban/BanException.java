package org.btblocker.api.ban;

/** A ban sink could not carry out an operation (kernel refused, set missing, ...). */
public class BanException extends Exception {

    private static final long serialVersionUID = 1L;

    /** With a message naming what failed and what to do. */
    public BanException(String message) {
        super(message);
    }

    /** With a message and the underlying cause. */
    public BanException(String message, Throwable cause) {
        super(message, cause);
    }
}
