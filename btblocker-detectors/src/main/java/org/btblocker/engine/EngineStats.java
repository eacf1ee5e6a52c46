package org.btblocker.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The counters of one engine. Written only by the engine's thread, with plain arithmetic and opaque stores (no
 * lock, no allocation on the packet path); read from any thread by {@link #snapshot()}, which sees each counter's
 * latest published value. Detections are counted per detector name, so they survive a reload that changes the
 * detector set.
 */
public final class EngineStats {

    static final int PACKETS = 0;
    static final int FLOWS_CREATED = 1;
    static final int FLOWS_BLOCKED = 2;
    static final int ALLOWED_WHITELIST = 3;
    static final int ALLOWED_ALLOWLIST = 4;
    static final int ALLOWED_NO_DETECTOR = 5;
    static final int ALLOWED_MAX_PACKETS = 6;
    static final int RETIRED_IDLE = 7;
    static final int EVICTED = 8;
    static final int DETECTOR_ERRORS = 9;
    static final int CLAIMS_REFUSED = 10;
    static final int RECONFIGURED = 11;
    static final int UNVERIFIED_PACKETS = 12;
    static final int MID_STREAM_FLOWS = 13;
    private static final int COUNTERS = 14;
    /** Distinct detector names counted over the engine's life (reloads may bring new ones). */
    static final int MAX_NAMES = 64;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle ACTIVE;

    static {
        try {
            ACTIVE = MethodHandles.lookup().findVarHandle(EngineStats.class, "activeFlows", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long[] counts = new long[COUNTERS];
    private final long[] detections = new long[MAX_NAMES];
    /** Names of {@link #detections}' slots; replaced (never changed in place) when a name is added. */
    private volatile String[] names = new String[0];
    @SuppressWarnings("unused") // through ACTIVE
    private int activeFlows;

    void inc(int counter) {
        LONGS.setOpaque(counts, counter, counts[counter] + 1);
    }

    void detected(int nameSlot) {
        if (nameSlot >= 0) {
            LONGS.setOpaque(detections, nameSlot, detections[nameSlot] + 1);
        }
    }

    void activeFlows(int n) {
        ACTIVE.setOpaque(this, n);
    }

    /** The detection slot of {@code name}, added when new (engine thread, on build and reconfigure only). */
    int nameSlot(String name) {
        String[] current = names;
        for (int k = 0; k < current.length; k++) {
            if (current[k].equals(name)) {
                return k;
            }
        }
        if (current.length == MAX_NAMES) {
            return -1;
        }
        String[] grown = java.util.Arrays.copyOf(current, current.length + 1);
        grown[current.length] = name;
        names = grown;
        return current.length;
    }

    private long read(int counter) {
        return (long) LONGS.getOpaque(counts, counter);
    }

    /** The counters now; callable from any thread. */
    public Snapshot snapshot() {
        String[] current = names;
        Map<String, Long> byDetector = new LinkedHashMap<>();
        for (int k = 0; k < current.length; k++) {
            byDetector.put(current[k], (long) LONGS.getOpaque(detections, k));
        }
        return new Snapshot(read(PACKETS), read(FLOWS_CREATED), read(FLOWS_BLOCKED), read(ALLOWED_WHITELIST),
                read(ALLOWED_ALLOWLIST), read(ALLOWED_NO_DETECTOR), read(ALLOWED_MAX_PACKETS), read(RETIRED_IDLE),
                read(EVICTED), read(DETECTOR_ERRORS), read(CLAIMS_REFUSED), read(RECONFIGURED),
                read(UNVERIFIED_PACKETS), read(MID_STREAM_FLOWS), (int) ACTIVE.getOpaque(this),
                Map.copyOf(byDetector));
    }

    /**
     * The counters of an engine at one moment.
     *
     * @param packets           packets inspected (parseable TCP/UDP)
     * @param flowsCreated      flows added to the table
     * @param flowsBlocked      flows decided BitTorrent
     * @param allowedWhitelist  flows allowed for a whitelisted port
     * @param allowedAllowlist  flows allowed for an allowlisted address
     * @param allowedNoDetector flows allowed because every detector said "not mine"
     * @param allowedMaxPackets flows allowed at {@code maxPacketsPerFlow} without a match
     * @param retiredIdle       undecided flows forgotten after their idle timeout
     * @param evicted           flows pushed out of a full table
     * @param detectorErrors    detector calls that threw (that detector left the flow)
     * @param claimsRefused     endpoint claims refused (one-way flow, per-packet or per-source budget)
     * @param reconfigured      reloads applied
     * @param unverifiedPackets packets whose source failed the reverse-path check (likely forged)
     * @param midStreamFlows    flows whose opening, or bytes of a stream, passed without being inspected
     * @param activeFlows       flows in the table
     * @param detections        flows blocked, per detector name
     */
    public record Snapshot(long packets, long flowsCreated, long flowsBlocked, long allowedWhitelist,
                           long allowedAllowlist, long allowedNoDetector, long allowedMaxPackets, long retiredIdle,
                           long evicted, long detectorErrors, long claimsRefused, long reconfigured,
                           long unverifiedPackets, long midStreamFlows, int activeFlows, Map<String, Long> detections) {

        /** Flows decided clean, for whatever reason. */
        public long flowsAllowed() {
            return allowedWhitelist + allowedAllowlist + allowedNoDetector + allowedMaxPackets;
        }

        /**
         * The counters of this (an earlier engine of the same queue) and {@code later} added up, with the flows
         * in the table of {@code later}: a queue restarted with a fresh engine keeps counting where it stopped, so
         * counters never go backwards within one process.
         */
        public Snapshot plus(Snapshot later) {
            Map<String, Long> sum = new LinkedHashMap<>(detections);
            later.detections.forEach((k, v) -> sum.merge(k, v, Long::sum));
            return new Snapshot(packets + later.packets, flowsCreated + later.flowsCreated,
                    flowsBlocked + later.flowsBlocked, allowedWhitelist + later.allowedWhitelist,
                    allowedAllowlist + later.allowedAllowlist, allowedNoDetector + later.allowedNoDetector,
                    allowedMaxPackets + later.allowedMaxPackets, retiredIdle + later.retiredIdle,
                    evicted + later.evicted, detectorErrors + later.detectorErrors,
                    claimsRefused + later.claimsRefused, reconfigured + later.reconfigured,
                    unverifiedPackets + later.unverifiedPackets, midStreamFlows + later.midStreamFlows,
                    later.activeFlows, Map.copyOf(sum));
        }
    }
}
