package org.btblocker.app.cli;

import java.util.concurrent.Callable;
import org.btblocker.app.errors.ErrorHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The top-level {@code btblocker} command; the work is done by its subcommands. */
@Command(name = "btblocker", mixinStandardHelpOptions = true, versionProvider = BtblockerCommand.Version.class,
    description = "Finds BitTorrent traffic and blocks it.",
    subcommands = CommandLine.HelpCommand.class)
public final class BtblockerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** The command line with every subcommand and the error handler, ready for {@code execute(args)}. */
    public static CommandLine commandLine() {
        return commandLine(ScanEngines.DEFAULT);
    }

    static CommandLine commandLine(ScanEngine.Factory engines) {
        CommandLine cl = new CommandLine(new BtblockerCommand());
        cl.addSubcommand(new ScanCommand(engines));
        cl.addSubcommand(new DetectorsCommand());
        cl.addSubcommand(new CheckConfigCommand());
        cl.addSubcommand(new RunCommand());
        cl.addSubcommand(new FirewallCommand());
        cl.addSubcommand(new BansCommand());
        cl.addSubcommand(new StatusCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        return cl;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand");
    }

    /** The version from the jar manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = BtblockerCommand.class.getPackage().getImplementationVersion();
            return new String[] {"btblocker " + (v == null ? "(development build)" : v)};
        }
    }
}
