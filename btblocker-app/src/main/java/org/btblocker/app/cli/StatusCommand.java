package org.btblocker.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.btblocker.app.control.ControlClient;
import org.btblocker.app.control.StatusReport;
import org.btblocker.app.errors.ExitCodes;
import org.btblocker.app.errors.UserException;
import org.btblocker.app.json.Json;

import com.typesafe.config.Config;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code btblocker status}: what the running daemon is doing (queues, flows, detectors, bans, sinks, endpoint
 * memory, last reload), from its published stats snapshot over the control socket.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show what the running daemon is doing (queues, flows, bans, sinks).",
    footer = {"", "Asks the daemon on btblocker.runtimeDirectory/control.sock (root only). The numbers are at most "
        + "a second old.", "", "Exit status: 0 shown, 1 no daemon runs (the line names the socket)."})
final class StatusCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the daemon's answer as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        Config root = configOptions.load();
        ControlClient client = ControlClient.of(Path.of(root.getString("btblocker.runtimeDirectory")));
        if (!client.isRunning()) {
            throw new UserException(ExitCodes.RUNTIME, "no btblocker daemon runs here (nothing answers on "
                + client.path() + "); start it with `btblocker run`, or pass the --config it runs with");
        }
        List<Map<String, Object>> answer = client.call(Map.of("cmd", "status"));
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) answer.get(answer.size() - 1).get("status");
        if (status == null) {
            throw new UserException(ExitCodes.RUNTIME, "the daemon on " + client.path() + " sent no status");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.value(new StringBuilder(), status));
        } else {
            StatusReport.render(status, Instant.now()).forEach(out::println);
        }
        out.flush();
        return ExitCodes.OK;
    }
}
