package org.btblocker.app.errors;

/** Process exit codes of the {@code btblocker} command. */
public final class ExitCodes {

    /** Everything worked. */
    public static final int OK = 0;
    /** A runtime failure: a capture could not be read, the kernel refused something. */
    public static final int RUNTIME = 1;
    /** Bad configuration or command line: nothing was done. */
    public static final int CONFIG = 2;

    private ExitCodes() {
    }
}
