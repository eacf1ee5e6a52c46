package org.btblocker.app.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.btblocker.api.packet.PacketView;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Reads every capture of the shared corpus ({@code -Dbtblocker.corpus=DIR}, default {@code ../shared/corpus} from
 * the repository root). Skipped when the corpus is absent.
 */
class CaptureCorpusIT {

    /** Captures that are deliberately broken: their first record claims 524501 bytes with 199 left. */
    static final Set<String> KNOWN_BROKEN = Set.of("fuzz-2021-10-13.pcap");

    static Path corpus() {
        String configured = System.getProperty("btblocker.corpus");
        if (configured != null) {
            return Path.of(configured);
        }
        // default: ../shared/corpus from the repository root, run from the root or from the module directory
        Path fromRoot = Path.of("..", "shared", "corpus");
        return Files.isDirectory(fromRoot) ? fromRoot : Path.of("..", "..", "shared", "corpus");
    }

    @Test
    void everyCorpusCaptureReadsExceptTheKnownBrokenOnes() throws IOException {
        Path pcaps = corpus().resolve("pcap");
        Assumptions.assumeTrue(Files.isDirectory(pcaps),
            "corpus not found at " + pcaps.toAbsolutePath().normalize() + " (set -Dbtblocker.corpus=DIR)");
        List<Path> files;
        try (Stream<Path> s = Files.list(pcaps)) {
            files = s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        }
        Map<String, String> failures = new TreeMap<>();
        PacketView view = new PacketView();
        long packets = 0, ip = 0, tcpUdp = 0, skipped = 0;
        for (Path file : files) {
            try (CaptureReader r = CaptureReader.open(file)) {
                while (r.next()) {
                    ip++;
                    view.reset(r.buffer(), r.ipOffset(), r.ipLength());
                    if (view.isParseable() && (view.isTcp() || view.isUdp())) {
                        tcpUdp++;
                    }
                }
                packets += r.packets();
                skipped += r.skippedPackets();
            } catch (CaptureFormatException e) {
                failures.put(file.getFileName().toString(), e.getMessage());
            }
        }
        System.out.printf("corpus: %d captures, %d packets, %d IP, %d TCP/UDP, %d skipped (not IP), %d unreadable%n",
            files.size(), packets, ip, tcpUdp, skipped, failures.size());
        failures.values().forEach(m -> System.out.println("  unreadable: " + m));

        assertThat(files).hasSizeGreaterThan(500);
        assertThat(failures.keySet()).isEqualTo(KNOWN_BROKEN);
        assertThat(tcpUdp).isGreaterThan(100_000);
    }
}
