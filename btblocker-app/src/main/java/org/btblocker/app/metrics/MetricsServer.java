package org.btblocker.app.metrics;

import java.io.IOException;
import java.net.BindException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.btblocker.app.daemon.DaemonStats;
import org.btblocker.app.errors.ExitCodes;
import org.btblocker.app.errors.UserException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Serves {@code GET /metrics} (Prometheus text format) on {@code btblocker.metrics.address:port}, from its own
 * registry holding {@link DaemonMetrics} only. Two daemon threads answer; more concurrent scrapers wait in a small
 * queue or are refused, so a scrape storm costs a bounded amount of memory and never reaches a queue thread.
 */
public final class MetricsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

    private final HTTPServer server;
    private final ThreadPoolExecutor executor;
    private final MetricsSettings settings;

    private MetricsServer(HTTPServer server, ThreadPoolExecutor executor, MetricsSettings settings) {
        this.server = server;
        this.executor = executor;
        this.settings = settings;
    }

    /**
     * Starts listening.
     *
     * @throws UserException exit 1, one line naming the address and the key to change, when the port is taken or
     *         the address is not one of this host's
     */
    public static MetricsServer start(MetricsSettings settings, Supplier<DaemonStats> stats) {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new DaemonMetrics(stats));
        ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(8), r -> {
                    Thread t = new Thread(r, "btblocker-metrics");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.DiscardPolicy());
        try {
            HTTPServer server = HTTPServer.builder().inetAddress(settings.address()).port(settings.port())
                    .registry(registry).executorService(executor).buildAndStart();
            log.info("metrics: http://{}/metrics", settings.endpoint());
            return new MetricsServer(server, executor, settings);
        } catch (BindException e) {
            executor.shutdownNow();
            throw new UserException(ExitCodes.RUNTIME, "btblocker.metrics: cannot listen on " + settings.endpoint()
                    + " (" + e.getMessage() + "); stop what listens there, or set btblocker.metrics.port (or "
                    + "btblocker.metrics.enabled = false)", e);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UserException(ExitCodes.RUNTIME, "btblocker.metrics: cannot listen on " + settings.endpoint()
                    + ": " + e.getMessage(), e);
        }
    }

    /** The port listened on. */
    public int port() {
        return server.getPort();
    }

    /** Where it listens. */
    public MetricsSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        server.close();
        executor.shutdownNow();
    }
}
