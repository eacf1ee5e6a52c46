package org.btblocker.netlink;

import org.btblocker.netlink.sys.Syscalls;

/**
 * Moves the <em>calling thread</em> into a network namespace (setns(2) with CLONE_NEWNET) and back. Sockets opened by
 * the thread afterwards belong to that namespace for their whole life, even after the thread returns. Needs
 * CAP_SYS_ADMIN. Used by integration and end-to-end tests with namespaces made by {@code ip netns add NAME}.
 *
 * <pre>{@code
 * try (NetNs ns = NetNs.enter("btb-test")) {   // this thread is now inside /run/netns/btb-test
 *     socket = NetlinkSocket.open(Netlink.NETLINK_NETFILTER);
 * }                                             // back in the original namespace
 * }</pre>
 */
public final class NetNs implements AutoCloseable {

    private static final String SELF = "/proc/thread-self/ns/net";

    private final Thread owner;
    private int originalFd;

    private NetNs(int originalFd) {
        this.originalFd = originalFd;
        this.owner = Thread.currentThread();
    }

    /** Enters {@code /run/netns/<name>} (as created by {@code ip netns add}). */
    public static NetNs enter(String name) throws NetlinkException {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("bad namespace name: " + name);
        }
        return enterPath("/run/netns/" + name);
    }

    /** Enters the namespace behind {@code path} (a bind-mounted nsfs file or /proc/PID/ns/net). */
    public static NetNs enterPath(String path) throws NetlinkException {
        int original = Syscalls.openReadOnly(SELF);
        if (original < 0) {
            throw new NetlinkException("open " + SELF, -original, null);
        }
        int target = Syscalls.openReadOnly(path);
        if (target < 0) {
            Syscalls.close(original);
            throw new NetlinkException("open network namespace " + path, -target, null);
        }
        int r = Syscalls.setNetNamespace(target);
        Syscalls.close(target);
        if (r < 0) {
            Syscalls.close(original);
            throw new NetlinkException("setns " + path, -r, null);
        }
        return new NetNs(original);
    }

    /**
     * Returns this thread to the namespace it was in before {@link #enter}. Must be called on the same thread;
     * idempotent.
     *
     * @throws IllegalStateException when called from another thread or when the kernel refuses to switch back
     */
    @Override
    public void close() {
        if (originalFd < 0) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("NetNs must be closed by the thread that entered it");
        }
        int r = Syscalls.setNetNamespace(originalFd);
        Syscalls.close(originalFd);
        originalFd = -1;
        if (r < 0) {
            throw new IllegalStateException("setns back to the original network namespace failed: " + Errno.name(r));
        }
    }
}
