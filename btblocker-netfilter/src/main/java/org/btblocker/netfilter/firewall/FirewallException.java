package org.btblocker.netfilter.firewall;

/** Installing or removing the firewall rules failed; the message is one line naming the step and the tool's error. */
public final class FirewallException extends Exception {

    private static final long serialVersionUID = 1L;

    /** With a one-line message. */
    public FirewallException(String message) {
        super(message);
    }

    /** With a one-line message and the cause. */
    public FirewallException(String message, Throwable cause) {
        super(message, cause);
    }
}
