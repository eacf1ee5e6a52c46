package org.btblocker.netlink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway network namespace for integration tests: {@code ip netns add btb-<prefix>-<random>} on create,
 * {@code ip netns delete} on close (even after failures, via try-with-resources). Also root detection for
 * {@code Assumptions}.
 */
public final class TestNetns implements AutoCloseable {

    private final String name;

    private TestNetns(String name) {
        this.name = name;
    }

    /** True when running as uid 0 and {@code ip} (iproute2) is installed. */
    public static boolean canCreate() {
        return isRoot() && (Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")));
    }

    /** True when the effective uid is 0. */
    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** Creates a namespace named {@code btb-<prefix>-<random>} with loopback up. */
    public static TestNetns create(String prefix) throws IOException, InterruptedException {
        String name = "btb-" + prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        run("ip", "netns", "add", name);
        TestNetns ns = new TestNetns(name);
        try {
            ns.exec("ip", "link", "set", "lo", "up");
        } catch (IOException | RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** The namespace name (under /run/netns). */
    public String name() {
        return name;
    }

    /** Runs a command inside the namespace; throws with its output when it fails. */
    public String exec(String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(command));
        return run(cmd.toArray(new String[0]));
    }

    /** Runs a command; returns its output, throws when it exits non-zero or hangs for 30 s. */
    public static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }

    /** Deletes the namespace. */
    @Override
    public void close() throws IOException, InterruptedException {
        run("ip", "netns", "delete", name);
    }
}
