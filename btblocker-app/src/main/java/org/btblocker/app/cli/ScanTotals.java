package org.btblocker.app.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;

/** Counters for the {@code scan --format table} summary. Mutable, owned by the scanning thread. */
final class ScanTotals {

    long captures;
    long unreadable;
    long packets;
    long ipPackets;
    long skippedPackets;
    long flows;
    long allowed;
    final Map<String, Long> blockedByDetector = new TreeMap<>();

    void count(FlowVerdict v) {
        flows++;
        if (v.blocked()) {
            blockedByDetector.merge(v.detector() == null ? "(none)" : v.detector(), 1L, Long::sum);
        } else {
            allowed++;
        }
    }

    long blocked() {
        return flows - allowed;
    }

    void print(PrintWriter out) {
        out.printf("captures  %d%s%n", captures, unreadable == 0 ? "" : " (" + unreadable + " unreadable)");
        out.printf("packets   %d (%d IP, %d not IP)%n", packets, ipPackets, skippedPackets);
        out.printf("flows     %d%n", flows);
        out.printf("blocked   %d%n", blocked());
        blockedByDetector.forEach((detector, n) -> out.printf("  %-14s %d%n", detector, n));
        out.printf("allowed   %d%n", allowed);
    }
}
