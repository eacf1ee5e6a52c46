package org.btblocker.app.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;

import org.btblocker.app.Logging;
import org.btblocker.app.daemon.Daemon;
import org.btblocker.app.errors.ExitCodes;

import com.typesafe.config.Config;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code btblocker run}: the inline-blocking daemon. Runs until SIGTERM or SIGINT, then removes its firewall rules
 * and unbinds its queues.
 */
@Command(name = "run", description = "Block BitTorrent inline: bind NFQUEUE, install rules, ban offenders.",
    footer = {"", "Needs root (CAP_NET_ADMIN). Stop with SIGTERM or Ctrl-C: the rules it installed are removed. "
        + "SIGHUP re-reads the configuration (an invalid one is refused in one line; the running one stays).",
        "Exit status: 0 stopped cleanly, 1 could not start (the message says why), 2 bad configuration."})
final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    @Override
    public Integer call() throws InterruptedException {
        Config root = configOptions.load();
        Logging.configure(root);
        // SIGTERM/SIGINT stop the daemon and let run return 0: with only the JVM's default handling, a stop by
        // signal exits with 143/130, which systemd and scripts count as a failure. SIGHUP reloads the configuration
        // (without a handler it would kill the JVM with 129). Installed before the start, so a signal that arrives
        // while starting is not lost; the shutdown hook stays as the fallback (other signals).
        CountDownLatch stopRequested = new CountDownLatch(1);
        Semaphore reloadRequested = new Semaphore(0);
        handle("TERM", stopRequested::countDown);
        handle("INT", stopRequested::countDown);
        handle("HUP", reloadRequested::release);
        Daemon daemon = Daemon.start(configOptions::load, configOptions.classLoader());
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "btblocker-shutdown"));
        Thread reloader = new Thread(() -> {
            while (true) {
                try {
                    reloadRequested.acquire();
                } catch (InterruptedException e) {
                    return;
                }
                reloadRequested.drainPermits();           // several SIGHUPs in a row: one reload
                daemon.reload();
            }
        }, "btblocker-reload");
        reloader.setDaemon(true);
        reloader.start();
        Thread failureWatch = new Thread(() -> {
            try {
                if (daemon.awaitStop() != null) {
                    stopRequested.countDown();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "btblocker-failure-watch");
        failureWatch.setDaemon(true);
        failureWatch.start();
        stopRequested.await();
        daemon.close();
        return daemon.failure() == null ? ExitCodes.OK : ExitCodes.RUNTIME;
    }

    private static void handle(String signal, Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> action.run());
        } catch (IllegalArgumentException e) {
            // signal reserved (e.g. -Xrs): the JVM's shutdown sequence runs the hook instead
        }
    }
}
