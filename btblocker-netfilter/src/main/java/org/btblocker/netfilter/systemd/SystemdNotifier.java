package org.btblocker.netfilter.systemd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.btblocker.netlink.Errno;
import org.btblocker.netlink.sys.Syscalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jnr.ffi.Pointer;

/**
 * Tells systemd how the service is doing, as {@code sd_notify(3)} does: one datagram per message to the AF_UNIX
 * socket named by {@code $NOTIFY_SOCKET} (a path, or an abstract name written with a leading '@'). Without that
 * variable every call does nothing. Sending never throws and never blocks: a failure is counted and logged once,
 * because a lost status line must not stop the daemon (systemd's watchdog is what notices a silent one).
 */
public final class SystemdNotifier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SystemdNotifier.class);
    private static final SystemdNotifier DISABLED = new SystemdNotifier(-1, null, 0, Duration.ZERO, () -> 0);

    private final int fd;
    private final Pointer address;
    private final int addressLength;
    private final Duration watchdogInterval;
    private final LongSupplier monotonicMicros;
    private final ByteBuffer message = ByteBuffer.allocateDirect(4096);
    private final AtomicLong failures = new AtomicLong();
    private boolean closed;

    private SystemdNotifier(int fd, Pointer address, int addressLength, Duration watchdogInterval,
            LongSupplier monotonicMicros) {
        this.fd = fd;
        this.address = address;
        this.addressLength = addressLength;
        this.watchdogInterval = watchdogInterval;
        this.monotonicMicros = monotonicMicros;
    }

    /** From this process's environment: NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID. */
    public static SystemdNotifier fromEnvironment() {
        // System.nanoTime is CLOCK_MONOTONIC on Linux, the clock systemd compares MONOTONIC_USEC with
        return from(System.getenv(), ProcessHandle.current().pid(), () -> System.nanoTime() / 1000);
    }

    static SystemdNotifier from(Map<String, String> env, long pid, LongSupplier monotonicMicros) {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty() || !Syscalls.isAvailable()) {
            return DISABLED;
        }
        byte[] path = socket.getBytes(StandardCharsets.UTF_8);
        boolean isAbstract = path[0] == '@';
        if (isAbstract) {
            path[0] = 0;
        } else if (path[0] != '/') {
            log.warn("NOTIFY_SOCKET={} is neither a path nor an abstract name: systemd will not hear from us", socket);
            return DISABLED;
        }
        Pointer address = Syscalls.unixAddress(path);
        int fd = address == null ? -1 : Syscalls.unixDatagramSocket();
        if (fd < 0) {
            log.warn("cannot notify systemd at {}: {}", socket, address == null ? "name too long" : Errno.name(-fd));
            return DISABLED;
        }
        // a path is sent with its terminating NUL; an abstract name is exactly its bytes
        int length = 2 + path.length + (isAbstract ? 0 : 1);
        return new SystemdNotifier(fd, address, length, watchdog(env, pid), monotonicMicros);
    }

    private static Duration watchdog(Map<String, String> env, long pid) {
        try {
            String forPid = env.get("WATCHDOG_PID");
            long usec = Long.parseLong(env.getOrDefault("WATCHDOG_USEC", "0"));
            return usec > 0 && (forPid == null || Long.parseLong(forPid) == pid) ? Duration.ofNanos(usec * 1000)
                : Duration.ZERO;
        } catch (NumberFormatException e) {
            return Duration.ZERO;
        }
    }

    /** True when NOTIFY_SOCKET named a socket; false makes every other method a no-op. */
    public boolean isEnabled() {
        return fd >= 0;
    }

    /** The service is up (after start or after a reload), with a human-readable status line. */
    public void ready(String status) {
        send("READY=1\nSTATUS=" + status);
    }

    /** Updates the status line {@code systemctl status} shows. */
    public void status(String status) {
        send("STATUS=" + status);
    }

    /** A reload has begun; {@link #ready} ends it. */
    public void reloading() {
        send("RELOADING=1\nMONOTONIC_USEC=" + monotonicMicros.getAsLong());
    }

    /** The daemon is shutting down. */
    public void stopping() {
        send("STOPPING=1");
    }

    /** The watchdog keep-alive; send it at least every {@link #watchdogInterval()} (half of it is the custom). */
    public void watchdog() {
        send("WATCHDOG=1");
    }

    /** WatchdogSec of the unit when it is meant for this process, else {@link Duration#ZERO} (no pings wanted). */
    public Duration watchdogInterval() {
        return watchdogInterval;
    }

    /** Messages that could not be sent since the start. */
    public long failures() {
        return failures.get();
    }

    private synchronized void send(String text) {
        if (fd < 0 || closed) {
            return;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        message.clear();
        message.put(bytes, 0, Math.min(bytes.length, message.capacity())).flip();
        long r = Syscalls.sendTo(fd, message, Syscalls.MSG_DONTWAIT, address, addressLength);
        if (r < 0 && failures.getAndIncrement() == 0) {
            log.warn("systemd notification failed ({}); further failures are counted, not logged", Errno.name(
                (int) -r));
        }
    }

    @Override
    public synchronized void close() {
        if (fd >= 0 && !closed) {
            closed = true;
            Syscalls.close(fd);
        }
    }
}
