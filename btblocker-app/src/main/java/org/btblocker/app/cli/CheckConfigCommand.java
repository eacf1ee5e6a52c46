package org.btblocker.app.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.btblocker.app.daemon.Daemon;

import com.typesafe.config.Config;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code btblocker check-config}: reads every setting the way {@code run} does (engine, detectors, ban policy,
 * queue, firewall, ban sink) without touching the system; exit 0 when valid, 2 with one line naming the key.
 */
@Command(name = "check-config", description = "Validate a configuration without changing anything.",
    footer = {"", "Exit status: 0 valid, 2 invalid (the message names the key and what is expected)."})
final class CheckConfigCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Config root = configOptions.load();
        PrintWriter out = spec.commandLine().getOut();
        out.println("configuration OK: " + Daemon.check(root, configOptions.classLoader()));
        out.flush();
        return 0;
    }
}
