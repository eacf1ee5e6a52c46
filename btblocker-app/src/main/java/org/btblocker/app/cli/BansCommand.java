package org.btblocker.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;

import org.btblocker.api.ban.BanDurations;
import org.btblocker.app.bans.BanJournal;
import org.btblocker.app.control.BanLine;
import org.btblocker.app.control.IpsetSaveFormat;
import org.btblocker.app.errors.ExitCodes;
import org.btblocker.app.errors.UserException;

import com.typesafe.config.Config;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code btblocker bans [list | add ADDR [--duration D] | del ADDR | export | import FILE]}: the ban list, through
 * the running daemon (its control socket) or, with none running, on the ban journal. {@code bans} alone lists.
 */
@Command(name = "bans", mixinStandardHelpOptions = true,
    description = "List, add, lift, export and import bans (alone: list).",
    subcommands = {BansCommand.ListBans.class, BansCommand.AddBan.class, BansCommand.DelBan.class,
        BansCommand.ExportBans.class, BansCommand.ImportBans.class},
    footer = {"", "With a daemon running, every change goes through it (runtimeDirectory/control.sock) and reaches "
        + "every ban sink at once. Without one, the ban journal (stateDirectory/bans.journal) is read and changed "
        + "under the instance lock; the next start restores it into the sinks. No set is ever created. Needs root.",
        "", "Exit status: 0 done, 1 the daemon or journal could not be reached (one line says why), 2 bad input."})
final class BansCommand implements Callable<Integer> {

    /** How a subcommand reaches the bans; tests pass one over a temporary journal. */
    static BiFunction<Config, ClassLoader, BanAccess> access = BanAccess::open;

    @Mixin
    ConfigOptions configOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return list(configOptions, spec);
    }

    static int list(ConfigOptions options, CommandSpec spec) {
        Config root = options.load();
        try (BanAccess bans = access.apply(root, options.classLoader())) {
            List<BanLine> lines = bans.list();
            PrintWriter out = spec.commandLine().getOut();
            format(lines).forEach(out::println);
            out.flush();
            note(spec, bans);
        }
        return ExitCodes.OK;
    }

    private static void note(CommandSpec spec, BanAccess bans) {
        String note = bans.note();
        if (note != null) {
            spec.commandLine().getErr().println("btblocker: " + note);
            spec.commandLine().getErr().flush();
        }
    }

    /**
     * The listing: one line per ban, IPv4 before IPv6, each in address order, columns aligned, then the count:
     * {@code 10.0.0.2  17995 s left  handshake: BEP 3 handshake}.
     */
    static List<String> format(List<BanLine> bans) {
        List<BanLine> sorted = new ArrayList<>(bans);
        sorted.sort(Comparator.comparing(BansCommand::sortKey, Arrays::compareUnsigned));
        int width = 0;
        int leftWidth = 0;
        for (BanLine b : sorted) {
            width = Math.max(width, b.address().length());
            leftWidth = Math.max(leftWidth, String.valueOf(b.secondsLeft()).length());
        }
        List<String> lines = new ArrayList<>();
        for (BanLine b : sorted) {
            String why = b.reason().isEmpty() ? b.detector() : b.detector() + ": " + b.reason();
            lines.add(String.format("%-" + width + "s  %" + leftWidth + "d s left  %s", b.address(), b.secondsLeft(),
                why));
        }
        lines.add(sorted.size() == 1 ? "1 ban" : sorted.size() + " bans");
        return lines;
    }

    private static byte[] sortKey(BanLine b) {
        InetAddress a = BanJournal.parseAddress(b.address());
        byte[] raw = a == null ? new byte[0] : a.getAddress();
        byte[] key = new byte[17];
        key[0] = (byte) raw.length;                 // IPv4 (4) before IPv6 (16)
        System.arraycopy(raw, 0, key, 1, raw.length);
        return key;
    }

    static InetAddress address(String text) {
        InetAddress a = BanJournal.parseAddress(text.strip());
        if (a == null) {
            throw new UserException(ExitCodes.CONFIG, "\"" + text + "\" is not an IP address (IPv4 or IPv6, no "
                + "host names)");
        }
        return a;
    }

    /** {@code bans list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
        description = "The bans in force and the time each has left.")
    static final class ListBans implements Callable<Integer> {
        @Mixin
        ConfigOptions configOptions;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return list(configOptions, spec);
        }
    }

    /** {@code bans add ADDR [--duration D]}. */
    @Command(name = "add", mixinStandardHelpOptions = true,
        description = "Ban an address now (for banDuration, or --duration).")
    static final class AddBan implements Callable<Integer> {
        @Mixin
        ConfigOptions configOptions;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ADDR", description = "an IPv4 or IPv6 address")
        String addr;

        @Option(names = "--duration", paramLabel = "D", description = "seconds (18000) or a duration (\"5h\", "
            + "\"30m\"); default: btblocker.banDuration")
        String duration;

        @Override
        public Integer call() {
            InetAddress a = address(addr);
            Duration d = null;
            if (duration != null) {
                long s = BanDurations.parseSeconds(duration);
                if (s <= 0 || s > BanDurations.MAX_SECONDS) {
                    throw new UserException(ExitCodes.CONFIG, "--duration: expected seconds (18000) or a duration "
                        + "(\"5h\") between 1 s and " + BanDurations.MAX_SECONDS + " s, got \"" + duration + "\"");
                }
                d = Duration.ofSeconds(s);
            }
            Config root = configOptions.load();
            try (BanAccess bans = access.apply(root, configOptions.classLoader())) {
                BanLine b = bans.add(a, d, "added by hand");
                spec.commandLine().getOut().println("banned " + b.address() + " for " + b.secondsLeft() + " s");
                spec.commandLine().getOut().flush();
                note(spec, bans);
            }
            return ExitCodes.OK;
        }
    }

    /** {@code bans del ADDR}. */
    @Command(name = "del", mixinStandardHelpOptions = true,
        description = "Lift the ban of an address now.")
    static final class DelBan implements Callable<Integer> {
        @Mixin
        ConfigOptions configOptions;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ADDR", description = "an IPv4 or IPv6 address")
        String addr;

        @Override
        public Integer call() {
            InetAddress a = address(addr);
            Config root = configOptions.load();
            try (BanAccess bans = access.apply(root, configOptions.classLoader())) {
                boolean removed = bans.remove(a);
                spec.commandLine().getOut().println(removed ? "unbanned " + BanLine.format(a)
                    : BanLine.format(a) + " was not banned");
                spec.commandLine().getOut().flush();
                note(spec, bans);
            }
            return ExitCodes.OK;
        }
    }

    /** {@code bans export}: ipset save format on stdout. */
    @Command(name = "export", mixinStandardHelpOptions = true,
        description = "Print the bans in `ipset save` format (for backups and ipset restore).")
    static final class ExportBans implements Callable<Integer> {
        @Mixin
        ConfigOptions configOptions;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Config root = configOptions.load();
            try (BanAccess bans = access.apply(root, configOptions.classLoader())) {
                List<BanLine> lines = new ArrayList<>(bans.list());
                lines.sort(Comparator.comparing(BansCommand::sortKey, Arrays::compareUnsigned));
                PrintWriter out = spec.commandLine().getOut();
                IpsetSaveFormat.write(root.getString("btblocker.ipsetName"), lines).forEach(out::println);
                out.flush();
            }
            return ExitCodes.OK;
        }
    }

    /** {@code bans import FILE}: the add lines of an {@code ipset save} (or {@code bans export}) file. */
    @Command(name = "import", mixinStandardHelpOptions = true,
        description = "Ban every address of an `ipset save` file (- for stdin), with its "
        + "timeout, or banDuration when it has none.")
    static final class ImportBans implements Callable<Integer> {
        @Mixin
        ConfigOptions configOptions;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "the file, or - for standard input")
        String file;

        @Override
        public Integer call() throws IOException {
            List<String> text;
            if (file.equals("-")) {
                text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            } else {
                Path p = Path.of(file);
                if (!Files.isRegularFile(p)) {
                    throw new UserException(ExitCodes.CONFIG, file + ": no such file");
                }
                text = Files.readAllLines(p, StandardCharsets.UTF_8);
            }
            IpsetSaveFormat.Parsed parsed = IpsetSaveFormat.parse(text);
            PrintWriter err = spec.commandLine().getErr();
            for (String problem : parsed.problems()) {
                err.println("btblocker: " + file + ": " + problem + " (skipped)");
            }
            err.flush();
            Config root = configOptions.load();
            try (BanAccess bans = access.apply(root, configOptions.classLoader())) {
                int n = bans.addAll(parsed.entries());
                spec.commandLine().getOut().println("imported " + n + (n == 1 ? " ban" : " bans") + " from " + file
                    + (parsed.entries().size() > n ? " (" + (parsed.entries().size() - n) + " allowlisted, not "
                    + "banned)" : "") + "; " + parsed.skipped() + " other lines skipped");
                spec.commandLine().getOut().flush();
                note(spec, bans);
            }
            return ExitCodes.OK;
        }
    }
}
