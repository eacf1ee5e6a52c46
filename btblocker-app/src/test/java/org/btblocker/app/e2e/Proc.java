package org.btblocker.app.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process whose stdout and stderr lines are collected by two reader threads, so a test can wait for a line
 * (with a deadline, without sleeping) and look at everything printed so far.
 */
final class Proc implements AutoCloseable {

    private final String name;
    private final Process process;
    private final List<String> out = new ArrayList<>();
    private final List<String> err = new ArrayList<>();
    private final Thread outReader;
    private final Thread errReader;

    private Proc(String name, Process process, Path outFile, Path errFile) {
        this.name = name;
        this.process = process;
        this.outReader = reader(outFile, out, name + "-out");
        this.errReader = reader(errFile, err, name + "-err");
    }

    /**
     * Starts {@code argv}; stdin is closed at once. stdout and stderr go to files that are followed: reading pipes
     * directly loses the last lines of a process that exits right after writing them (the JDK drains and closes the
     * pipe on exit under the reader's feet).
     */
    static Proc start(String name, List<String> argv) {
        try {
            Path outFile = Files.createTempFile("btbe2e-out", ".log");
            Path errFile = Files.createTempFile("btbe2e-err", ".log");
            outFile.toFile().deleteOnExit();
            errFile.toFile().deleteOnExit();
            ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(outFile.toFile())
                .redirectError(errFile.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File(
                    "/dev/null")));
            pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
            return new Proc(name, pb.start(), outFile, errFile);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + argv + ": " + e.getMessage(), e);
        }
    }

    /** Follows {@code file} line by line until the process has exited and everything it wrote is read. */
    private Thread reader(Path file, List<String> lines, String threadName) {
        Thread t = new Thread(() -> {
            try (InputStream in = Files.newInputStream(file)) {
                java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();
                byte[] buf = new byte[8192];
                boolean exited = false;
                while (true) {
                    int n = in.read(buf);
                    if (n > 0) {
                        for (int i = 0; i < n; i++) {
                            if (buf[i] == '\n') {
                                add(lines, partial.toString(StandardCharsets.UTF_8));
                                partial.reset();
                            } else {
                                partial.write(buf[i]);
                            }
                        }
                        continue;
                    }
                    if (exited) {
                        if (partial.size() > 0) {
                            add(lines, partial.toString(StandardCharsets.UTF_8));
                        }
                        break;
                    }
                    // at the end of what was written: one more pass after the exit picks up the rest
                    exited = process.waitFor(20, TimeUnit.MILLISECONDS);
                }
            } catch (IOException e) {
                // temp file gone: nothing more to read
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                synchronized (this) {
                    notifyAll();
                }
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // temp file
                }
            }
        }, threadName);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private synchronized void add(List<String> lines, String line) {
        lines.add(line);
        notifyAll();
    }

    /** The process id (of {@code ip netns exec}, which execs the program itself, so it is the program's). */
    long pid() {
        return process.pid();
    }

    /** stdout lines so far. */
    synchronized List<String> out() {
        return List.copyOf(out);
    }

    /** stderr lines so far. */
    synchronized List<String> err() {
        return List.copyOf(err);
    }

    /**
     * Waits until a stdout line matches {@code regex} (find) and returns its matcher.
     *
     * @throws AssertionError when the deadline passes or the process ends first
     */
    Matcher awaitOut(String regex, Duration timeout) {
        return await(out, regex, timeout, "stdout");
    }

    /** Like {@link #awaitOut} for stderr (the daemon's log). */
    Matcher awaitErr(String regex, Duration timeout) {
        return await(err, regex, timeout, "stderr");
    }

    /** Like {@link #awaitErr}, but returns null instead of failing. */
    Matcher findErr(String regex, Duration timeout) {
        return find(err, Pattern.compile(regex), 0, timeout);
    }

    private Matcher await(List<String> lines, String regex, Duration timeout, String stream) {
        Matcher m = find(lines, Pattern.compile(regex), 0, timeout);
        if (m == null) {
            throw new AssertionError(name + ": no " + stream + " line matching /" + regex + "/ within " + timeout
                + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")") + "\nstdout: " + out()
                + "\nstderr: " + err());
        }
        return m;
    }

    private synchronized Matcher find(List<String> lines, Pattern p, int from, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = from;
        while (true) {
            for (; seen < lines.size(); seen++) {
                Matcher m = p.matcher(lines.get(seen));
                if (m.find()) {
                    return m;
                }
            }
            long left = deadline - System.nanoTime();
            boolean readersDone = !outReader.isAlive() && !errReader.isAlive();
            if (left <= 0 || (readersDone && !process.isAlive())) {
                return null;
            }
            try {
                wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** Waits until {@code n} stderr lines match {@code regex}; returns them. */
    List<String> awaitErrCount(String regex, int n, Duration timeout) {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                List<String> hits = err.stream().filter(l -> p.matcher(l).find()).toList();
                long left = deadline - System.nanoTime();
                if (hits.size() >= n) {
                    return hits;
                }
                if (left <= 0 || (!process.isAlive() && !errReader.isAlive())) {
                    throw new AssertionError(name + ": " + hits.size() + " of " + n + " stderr lines matching /"
                        + regex + "/ within " + timeout + "\nstderr: " + err);
                }
                try {
                    wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }
    }

    /** Lines of stderr matching {@code regex}. */
    List<String> errMatching(String regex) {
        Pattern p = Pattern.compile(regex);
        return err().stream().filter(l -> p.matcher(l).find()).toList();
    }

    /** Waits for the exit and for both streams to be read fully; returns the exit code. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " did not exit within " + timeout + "\nstdout: " + out()
                    + "\nstderr: " + err());
            }
            outReader.join(5000);
            errReader.join(5000);
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM. */
    void terminate() {
        process.destroy();
    }

    /** Sends a signal by name ({@code HUP}, {@code STOP}, ...) to the process. */
    void signal(String name) {
        try {
            Process p = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL. */
    void kill() {
        process.destroyForcibly();
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }

    /** A finished command's output. */
    record Result(int exit, String out, String err) {
        /** stdout, failing when the exit code is not 0. */
        String ok() {
            if (exit != 0) {
                throw new AssertionError("exit " + exit + ": " + err + out);
            }
            return out;
        }
    }

    /** Runs {@code argv} to completion (60 s at most). */
    static Result run(List<String> argv) {
        try (Proc p = start(argv.get(0), argv)) {
            int exit = p.awaitExit(Duration.ofSeconds(60));
            return new Result(exit, String.join("\n", p.out()), String.join("\n", p.err()));
        }
    }
}
