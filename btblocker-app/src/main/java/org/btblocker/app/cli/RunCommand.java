package org.btblocker.app.cli;

import java.util.concurrent.Callable;

import org.btblocker.app.Logging;
import org.btblocker.app.daemon.Daemon;

import com.typesafe.config.Config;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code btblocker run}: the inline-blocking daemon. Runs until SIGTERM or SIGINT, then removes its firewall rules
 * and unbinds its queues.
 */
@Command(name = "run", description = "Block BitTorrent inline: bind NFQUEUE, install rules, ban offenders.",
    footer = {"", "Needs root (CAP_NET_ADMIN). Stop with SIGTERM or Ctrl-C: the rules it installed are removed.",
        "Exit status: 0 stopped cleanly, 1 could not start (the message says why), 2 bad configuration."})
final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    @Override
    public Integer call() throws InterruptedException {
        Config root = configOptions.load();
        Logging.configure(root);
        Daemon daemon = Daemon.start(root);
        Thread hook = new Thread(daemon::close, "btblocker-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        daemon.awaitStop();
        return 0;
    }
}
