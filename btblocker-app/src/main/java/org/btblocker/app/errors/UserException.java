package org.btblocker.app.errors;

/**
 * An error meant for the operator: its message is one line saying what is wrong (and what to do), printed as
 * {@code btblocker: <message>}, and the process exits with {@link #exitCode()}.
 */
public final class UserException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    /** An error with its exit code (see {@link ExitCodes}). */
    public UserException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /** An error with its exit code and the exception behind it (shown at debug log level). */
    public UserException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The process exit code for this error. */
    public int exitCode() {
        return exitCode;
    }
}
