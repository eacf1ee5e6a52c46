package org.btblocker.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A background process whose output goes to a file the test waits on, line by line, with a deadline. */
final class Bg implements AutoCloseable {

    private final Process process;
    private final Path log;

    private Bg(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static Bg start(List<String> argv) {
        try {
            Path log = Files.createTempFile("btbpkg-bg", ".log");
            log.toFile().deleteOnExit();
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
            return new Bg(pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + argv, e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for a line matching {@code regex}; fails with the output so far when the deadline passes. */
    Matcher await(String regex, Duration timeout) {
        Pattern p = Pattern.compile(regex, Pattern.MULTILINE);
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Matcher m = p.matcher(output());
            if (m.find()) {
                return m;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no line matching " + regex + " within " + timeout + "; output:\n"
                    + output());
            }
            pause();
        }
    }

    /** A fresh matcher over what was printed so far, when {@code regex} matches. */
    Optional<Matcher> find(String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(output());
        return m.find() ? Optional.of(m) : Optional.empty();
    }

    static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(100); // polling for an outside process, never for logic
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
