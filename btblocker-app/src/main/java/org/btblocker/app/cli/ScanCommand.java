package org.btblocker.app.cli;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.btblocker.api.packet.PacketView;
import org.btblocker.app.capture.CaptureReadAhead;
import org.btblocker.app.capture.CaptureReader;
import org.btblocker.app.errors.ErrorHandler;
import org.btblocker.app.errors.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code btblocker scan}: runs the detectors over pcap/pcapng captures offline, one fresh engine per capture, and
 * prints a verdict per flow ({@code --format jsonl}, the corpus scorer's input) or a summary ({@code table}).
 * A capture or a directory that cannot be read is reported on stderr and skipped; the exit code is then 1.
 */
@Command(name = "scan", sortOptions = false,
    description = "Detect BitTorrent flows in pcap/pcapng captures (offline).",
    footer = {"", "Exit status: 0 all captures read, 1 a capture or directory could not be read, 2 bad configuration "
        + "or usage."})
final class ScanCommand implements Callable<Integer> {

    enum Format { TABLE, JSONL }

    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
        description = "table (summary) or jsonl (one JSON object per flow). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Parameters(arity = "1..*", paramLabel = "PATH",
        description = "Capture files, or directories searched recursively for captures.")
    List<Path> paths;

    @Spec
    CommandSpec spec;

    private final ScanEngine.Factory engines;

    ScanCommand(ScanEngine.Factory engines) {
        this.engines = engines;
    }

    @Override
    public Integer call() throws IOException {
        Config root = configOptions.load();
        CaptureFiles.Found found = CaptureFiles.expand(paths);
        List<Path> files = found.files();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ScanTotals totals = new ScanTotals();
        int exitCode = ExitCodes.OK;
        for (String problem : found.problems()) {
            // an unreadable directory: said once, the rest is scanned, and the exit code tells a script
            err.println("btblocker: " + problem);
            exitCode = ExitCodes.RUNTIME;
        }
        err.flush();
        PacketView view = new PacketView();
        for (Path file : files) {
            String name = file.getFileName().toString();
            ScanEngine engine = engines.create(root, verdict -> {
                totals.count(verdict);
                if (format == Format.JSONL) {
                    out.println(verdict.jsonLine(name));
                }
            });
            totals.captures++;
            long now = 0;
            try (CaptureReader reader = CaptureReader.open(file)) {
                // a mapped capture is read on a second thread while this one inspects: no packet is copied
                try (CaptureReadAhead packets = new CaptureReadAhead(reader)) {
                    while (packets.next()) {
                        // the engine's clock must not run backwards; captures are not always in time order
                        now = Math.max(now, packets.timestampNanos());
                        view.reset(packets.buffer(), packets.ipOffset(), packets.ipLength());
                        engine.inspect(view, now);
                    }
                } finally {
                    totals.packets += reader.packets();
                    totals.skippedPackets += reader.skippedPackets();
                    totals.ipPackets += reader.packets() - reader.skippedPackets();
                }
            } catch (IOException e) {
                // a corrupt capture: report it, keep the flows read before the damage, go on with the next file
                totals.unreadable++;
                err.println("btblocker: " + ErrorHandler.message(e));
                err.flush();
                exitCode = ExitCodes.RUNTIME;
            }
            engine.flush(now);
        }
        if (format == Format.TABLE) {
            totals.print(out);
        }
        out.flush();
        return exitCode;
    }
}
