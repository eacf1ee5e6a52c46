package org.btblocker.app.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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

    private Proc(String name, Process process) {
        this.name = name;
        this.process = process;
        this.outReader = reader(process.getInputStream(), out, name + "-out");
        this.errReader = reader(process.getErrorStream(), err, name + "-err");
    }

    /** Starts {@code argv}; stdin is closed at once. */
    static Proc start(String name, List<String> argv) {
        try {
            ProcessBuilder pb = new ProcessBuilder(argv);
            pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
            Process p = pb.start();
            p.getOutputStream().close();
            return new Proc(name, p);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + argv + ": " + e.getMessage(), e);
        }
    }

    private Thread reader(InputStream in, List<String> lines, String threadName) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (this) {
                        lines.add(line);
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                // stream closed with the process
            } finally {
                synchronized (this) {
                    notifyAll();
                }
            }
        }, threadName);
        t.setDaemon(true);
        t.start();
        return t;
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
