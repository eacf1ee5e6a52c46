package org.btblocker.packaging;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The host's systemd booted as PID 1 of its own PID, mount, network, UTS, IPC and cgroup namespaces, over an
 * overlay of the host's root (guest/boot.sh says what is shared and what is kept away). Commands run inside with
 * nsenter. The guest lives in its own cgroup2 directory, so {@link #close()} can end every process of it and leave
 * nothing behind: the namespaces, mounts and tmpfs disappear with the last process.
 */
final class SystemdGuest implements AutoCloseable {

    private static final String SYSTEMD = "/lib/systemd/systemd";

    private final Path dir;
    private final Path cgroup;
    private final Bg unshare;
    private final long pid1;

    private SystemdGuest(Path dir, Path cgroup, Bg unshare, long pid1) {
        this.dir = dir;
        this.cgroup = cgroup;
        this.unshare = unshare;
        this.pid1 = pid1;
    }

    /** Why this machine cannot boot a guest, or empty when it can. */
    static Optional<String> unavailable() {
        if (!Cmd.isRoot()) {
            return Optional.of("needs root (namespaces, mounts, cgroups)");
        }
        if (!Files.isExecutable(Path.of(SYSTEMD))) {
            return Optional.of("no systemd at " + SYSTEMD + " (Debian: apt-get install systemd)");
        }
        for (String tool : List.of("unshare", "nsenter", "ip", "python3", "dpkg")) {
            if (!Cmd.onPath(tool)) {
                return Optional.of("`" + tool + "` is not installed");
            }
        }
        if (!readable("/proc/filesystems").contains("overlay")) {
            Cmd.run(List.of("modprobe", "overlay"));
            if (!readable("/proc/filesystems").contains("overlay")) {
                return Optional.of("the kernel has no overlay file system");
            }
        }
        if (cgroup2Root().isEmpty()) {
            return Optional.of("no writable cgroup2 hierarchy is mounted (systemd needs one for the guest)");
        }
        return Optional.empty();
    }

    /** Where cgroup2 is mounted: /sys/fs/cgroup (unified) or /sys/fs/cgroup/unified (hybrid). */
    private static Optional<Path> cgroup2Root() {
        return readable("/proc/self/mounts").lines().map(l -> l.split(" "))
            .filter(f -> f.length > 2 && f[2].equals("cgroup2")).map(f -> Path.of(f[1]))
            .filter(p -> Files.isWritable(p.resolve("cgroup.procs"))).findFirst();
    }

    private static String readable(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            return "";
        }
    }

    /** Boots a guest and waits until its systemd reports running (60 s at most). */
    static SystemdGuest boot(Path workDir) {
        String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        Path dir = workDir.resolve("guest-" + id);
        Path cgroup = cgroup2Root().orElseThrow().resolve("btbguest-" + id);
        try {
            Files.createDirectories(dir.resolve("mnt"));
            Files.createDirectory(cgroup);
            try (InputStream in = SystemdGuest.class.getResourceAsStream("/guest/boot.sh")) {
                Files.copy(in, dir.resolve("boot.sh"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // the shell joins the new cgroup before unshare, so the guest's cgroup namespace is rooted there
        Bg unshare = Bg.start(List.of("sh", "-c", "echo $$ > \"$1/cgroup.procs\" && exec unshare --pid --fork"
            + " --mount --net --uts --ipc --cgroup -- sh \"$2/boot.sh\" \"$2/mnt\"", "sh", cgroup.toString(),
            dir.toString()));
        long pid1 = -1;
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        SystemdGuest guest = null;
        try {
            while (pid1 < 0) {
                pid1 = ProcessHandle.of(unshare.pid()).flatMap(p -> p.children().findFirst())
                    .filter(c -> c.info().command().map(s -> s.endsWith("systemd")).orElse(false))
                    .map(ProcessHandle::pid).orElse(-1L);
                if (Instant.now().isAfter(deadline) || !unshare.isAlive()) {
                    throw new AssertionError("the guest's systemd did not start:\n" + unshare.output());
                }
                Bg.pause();
            }
            guest = new SystemdGuest(dir, cgroup, unshare, pid1);
            while (true) {
                String state = guest.exec("systemctl", "is-system-running").out().strip();
                if (state.equals("running") || state.equals("degraded")) {
                    return guest;
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("the guest did not finish booting (" + state + "):\n"
                        + guest.exec("systemctl", "list-jobs", "--no-pager").out());
                }
                Bg.pause();
            }
        } catch (RuntimeException | Error e) {
            if (guest != null) {
                guest.close();
            } else {
                unshare.close();
                removeCgroup(cgroup);
            }
            throw e;
        }
    }

    /** The guest's PID 1 as the host sees it (for `ip link set ... netns PID`). */
    long pid() {
        return pid1;
    }

    /** Runs {@code argv} inside every namespace of the guest, to completion. */
    Cmd.Result exec(String... argv) {
        return Cmd.run(enter(argv), java.util.Map.of(), Duration.ofMinutes(2));
    }

    /** Writes {@code text} to {@code path} inside the guest. */
    void write(String path, String text) {
        exec("sh", "-c", "mkdir -p \"$(dirname \"$1\")\" && printf '%s' \"$2\" > \"$1\"", "sh", path, text).ok();
    }

    private List<String> enter(String... argv) {
        List<String> a = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid1), "-m", "-p", "-n", "-u", "-i",
            "-C", "--"));
        a.addAll(List.of(argv));
        return a;
    }

    /** Ends every process of the guest (PID 1 first: the kernel kills the rest of its PID namespace). */
    @Override
    public void close() {
        ProcessHandle.of(pid1).ifPresent(ProcessHandle::destroyForcibly);
        unshare.close();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        // cgroup.events says "populated 0" once no process is left in the cgroup or any of its descendants
        while (readable(cgroup.resolve("cgroup.events").toString()).contains("populated 1")
                && Instant.now().isBefore(deadline)) {
            Bg.pause();
        }
        removeCgroup(cgroup);
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // the tmpfs was in the guest's mount namespace: what is left here is empty directories
        }
    }

    private static void removeCgroup(Path cgroup) {
        if (!Files.isDirectory(cgroup)) {
            return;
        }
        // the guest's systemd made sub-cgroups (init.scope, system.slice/...); rmdir them deepest first
        try (Stream<Path> s = Files.walk(cgroup)) {
            s.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a cgroup still busy stays; it is empty of processes and harmless
        }
    }
}
