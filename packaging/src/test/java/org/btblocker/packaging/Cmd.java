package org.btblocker.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs a command to completion with a deadline; stdout and stderr are collected through files (no pipe races). */
final class Cmd {

    /** What a finished command left: its exit code and everything it printed. */
    record Result(List<String> argv, int exit, String out, String err) {

        /** The output when the command exited 0; otherwise an AssertionError naming the command and its stderr. */
        String ok() {
            if (exit != 0) {
                throw new AssertionError(String.join(" ", argv) + " exited " + exit + ":\n" + err + out);
            }
            return out;
        }
    }

    private Cmd() {
    }

    static Result run(List<String> argv) {
        return run(argv, Map.of(), Duration.ofMinutes(2));
    }

    static Result run(List<String> argv, Map<String, String> env, Duration timeout) {
        try {
            Path out = Files.createTempFile("btbpkg-out", ".log");
            Path err = Files.createTempFile("btbpkg-err", ".log");
            try {
                ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor();
                    throw new AssertionError(String.join(" ", argv) + " did not finish within " + timeout);
                }
                return new Result(List.copyOf(argv), p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + argv, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + argv, e);
        }
    }

    /** True when {@code tool} is an executable in one of the usual directories. */
    static boolean onPath(String tool) {
        return Stream.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
            .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    /** True when this process runs as root (uid 0). */
    static boolean isRoot() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("Uid:")).findFirst()
                .map(l -> l.split("\\s+")[2].equals("0")).orElse(false);
        } catch (IOException e) {
            return false;
        }
    }
}
