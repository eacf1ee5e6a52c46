package org.btblocker.app.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.btblocker.app.errors.ExitCodes;
import org.btblocker.app.errors.UserException;

/**
 * At most one daemon per network namespace: a second {@code btblocker run} would take over our chains and its stop
 * would remove every rule while the first keeps running blind. The lock is an {@code flock}-style file lock on
 * {@code runtimeDirectory/netns-<inode>.lock} (the inode of {@code /proc/self/ns/net} names the namespace, so
 * daemons in different namespaces never collide), holding the owner's PID. The kernel releases it when the process
 * dies, even by {@code kill -9}, so a stale file never blocks a restart.
 */
public final class InstanceLock implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private InstanceLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of this process's network namespace.
     *
     * @throws UserException exit 1, naming the PID that holds it, when another daemon runs in this namespace; or
     *         naming the directory when it cannot be created
     */
    public static InstanceLock acquire(Path runtimeDirectory) {
        Path file = runtimeDirectory.resolve("netns-" + netnsId() + ".lock");
        try {
            Files.createDirectories(runtimeDirectory);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                String holder = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).strip();
                channel.close();
                throw new UserException(ExitCodes.RUNTIME, "another btblocker runs in this network namespace (pid "
                        + (holder.isEmpty() ? "unknown" : holder) + ", lock " + file + "); stop it first, or run "
                        + "this one in another namespace");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
                    0);
            channel.force(false);
            return new InstanceLock(file, channel, lock);
        } catch (IOException e) {
            throw new UserException(ExitCodes.RUNTIME, "btblocker.runtimeDirectory " + runtimeDirectory
                    + ": cannot take the instance lock (" + e.getMessage() + "); create it writable or set "
                    + "btblocker.runtimeDirectory", e);
        }
    }

    /** The inode of this process's network namespace, or "host" when /proc does not say. */
    static String netnsId() {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString(); // net:[4026531840]
            return link.replaceAll("[^0-9]", "");
        } catch (IOException | UnsupportedOperationException e) {
            return "host";
        }
    }

    /** The lock file. */
    public Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            // the file stays: deleting it could let two daemons lock two different inodes of one name
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the lock dies with the process anyway
        }
    }
}
