package org.btblocker.app.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

import org.btblocker.api.ban.BanEntry;
import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanSink;
import org.btblocker.api.packet.Addresses;
import org.btblocker.api.ban.BanFeed;
import org.btblocker.app.bans.ConfiguredSinks;
import org.btblocker.app.errors.ExitCodes;
import org.btblocker.app.errors.UserException;

import com.typesafe.config.Config;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code btblocker bans}: the bans in place now, read back from the configured ban sink ({@code btblocker.banSink}),
 * one line per address with the time it has left, then a count.
 */
@Command(name = "bans", description = "List the addresses banned now and the time each ban has left.",
    footer = {"", "Reads the first sink of btblocker.banSinks that can list its bans (ipset or nftables); creates "
        + "nothing. Needs root (CAP_NET_ADMIN).",
        "", "Exit status: 0 listed, 1 the sink cannot be read (one line says why), 2 invalid configuration."})
final class BansCommand implements Callable<Integer> {

    /** Opens the configured sink to read existing bans (creating nothing); the first listable sink outside tests. */
    @FunctionalInterface
    interface SinkFactory {
        /** @throws UserException one line, when the sink cannot be opened */
        BanSink create(Config root);
    }

    @Mixin
    ConfigOptions configOptions;

    @Spec
    CommandSpec spec;

    private final SinkFactory sinks;

    BansCommand() {
        this(BansCommand::openListableSink);
    }

    BansCommand(SinkFactory sinks) {
        this.sinks = sinks;
    }

    @Override
    public Integer call() {
        Config root = configOptions.load();
        List<BanEntry> bans;
        try (BanSink sink = sinks.create(root)) {
            bans = new ArrayList<>(sink.list());
        } catch (BanException e) {
            throw new UserException(ExitCodes.RUNTIME, "listing the bans of " + root.getStringList(
                "btblocker.banSinks") + " failed: " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        for (String line : format(bans)) {
            out.println(line);
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The first configured sink that can list its bans, opened without creating anything. */
    static BanSink openListableSink(Config root) {
        ConfiguredSinks configured = ConfiguredSinks.configure(root, BansCommand.class.getClassLoader(),
            BanFeed.NONE);
        for (ConfiguredSinks.ConfiguredSink s : configured.sinks()) {
            BanSink sink;
            try {
                sink = s.setup().openExisting();
            } catch (BanException e) {
                throw new UserException(ExitCodes.RUNTIME, "ban sink " + s.name() + ": " + e.getMessage(), e);
            }
            if (sink.canList()) {
                return sink;
            }
            sink.close();
        }
        throw new UserException(ExitCodes.RUNTIME, "none of btblocker.banSinks " + configured.names()
            + " can list its bans");
    }

    /**
     * The listing: one line per ban, IPv4 before IPv6, each in address order, addresses padded to one column, then
     * the count.
     */
    static List<String> format(List<BanEntry> bans) {
        List<BanEntry> sorted = new ArrayList<>(bans);
        sorted.sort(Comparator.comparing((BanEntry e) -> e.address().getAddress().length)
            .thenComparing((x, y) -> Arrays.compareUnsigned(x.address().getAddress(), y.address().getAddress())));
        List<String> names = new ArrayList<>();
        int width = 0;
        for (BanEntry e : sorted) {
            InetAddress a = e.address();
            String name = Addresses.formatAddress(Addresses.hi(a), Addresses.lo(a));
            names.add(name);
            width = Math.max(width, name.length());
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            BanEntry e = sorted.get(i);
            String left = e.remaining().isZero() ? "no timeout" : e.remaining().getSeconds() + " s left";
            lines.add(String.format("%-" + width + "s  %s", names.get(i), left));
        }
        lines.add(sorted.size() == 1 ? "1 ban" : sorted.size() + " bans");
        return lines;
    }
}
