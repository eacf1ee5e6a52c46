package org.btblocker.app.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

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
        // SIGTERM/SIGINT stop the daemon and let run return 0: with only the JVM's default handling, a stop by
        // signal exits with 143/130, which systemd and scripts count as a failure. Installed before the start, so a
        // signal that arrives while starting is not lost; the shutdown hook stays as the fallback (other signals).
        CountDownLatch stopRequested = new CountDownLatch(1);
        for (String signal : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> stopRequested.countDown());
            } catch (IllegalArgumentException e) {
                // signal reserved (e.g. -Xrs): the JVM's shutdown sequence runs the hook instead
            }
        }
        Daemon daemon = Daemon.start(root);
        Thread hook = new Thread(daemon::close, "btblocker-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stopRequested.await();
        daemon.close();
        return 0;
    }
}
