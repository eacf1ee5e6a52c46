package org.btblocker.app;

import org.btblocker.app.cli.BtblockerCommand;

/** Entry point of the {@code btblocker} command. */
public final class Main {

    private Main() {
    }

    /** Runs the command line and exits with its status (0 ok, 1 runtime failure, 2 configuration or usage). */
    public static void main(String[] args) {
        System.exit(BtblockerCommand.commandLine().execute(args));
    }
}
