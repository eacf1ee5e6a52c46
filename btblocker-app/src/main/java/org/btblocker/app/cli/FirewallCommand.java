package org.btblocker.app.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.btblocker.api.ban.BanFeed;
import org.btblocker.app.bans.ConfiguredSinks;
import org.btblocker.netfilter.firewall.FirewallPlan;
import org.btblocker.netfilter.firewall.FirewallSettings;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code btblocker firewall print}: the rules {@code run} installs, for operators who manage their own firewall. */
@Command(name = "firewall", description = "Show the firewall rules btblocker uses.",
    subcommands = FirewallCommand.Print.class)
final class FirewallCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }

    /** Prints the iptables and nftables commands for the configuration. */
    @Command(name = "print", description = "Print the rules (iptables and nftables) for the configuration; "
        + "install them yourself with btblocker.firewall.manage = false.")
    static final class Print implements Callable<Integer> {

        @Mixin
        ConfigOptions configOptions;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            var root = configOptions.load();
            PrintWriter out = spec.commandLine().getOut();
            out.print(FirewallPlan.of(FirewallSettings.from(root.getConfig("btblocker"), ConfiguredSinks.configure(root,
                configOptions.classLoader(), BanFeed.NONE).enforcements())).print());
            out.flush();
            return 0;
        }
    }
}
