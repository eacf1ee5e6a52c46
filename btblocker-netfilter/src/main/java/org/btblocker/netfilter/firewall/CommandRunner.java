package org.btblocker.netfilter.firewall;

import java.io.IOException;

/**
 * Runs one {@link Command} and reports how it ended. The real one starts a process ({@link #system()}); tests script
 * one; the firewall integration test prefixes {@code ip netns exec <name>}.
 */
public interface CommandRunner {

    /**
     * Runs the command to completion.
     *
     * @throws IOException when the program could not be started at all (missing binary)
     */
    Result run(Command command) throws IOException;

    /**
     * How a command ended.
     *
     * @param exitCode the process exit code, 0 = success
     * @param stdout   what it printed on standard output
     * @param stderr   what it printed on standard error
     */
    record Result(int exitCode, String stdout, String stderr) {

        /** A success with the given output. */
        public static Result ok(String stdout) {
            return new Result(0, stdout, "");
        }

        /** A failure with an exit code and an error text. */
        public static Result failed(int exitCode, String stderr) {
            return new Result(exitCode, "", stderr);
        }

        /** True when the exit code is 0. */
        public boolean isSuccess() {
            return exitCode == 0;
        }

        /** The first non-blank line of stderr (or stdout), for one-line error messages. */
        public String firstErrorLine() {
            for (String text : new String[] {stderr, stdout}) {
                for (String line : text.split("\n")) {
                    if (!line.isBlank()) {
                        return line.strip();
                    }
                }
            }
            return "exit code " + exitCode;
        }
    }

    /** Runs commands as child processes of this JVM. */
    static CommandRunner system() {
        return new ProcessCommandRunner();
    }
}
