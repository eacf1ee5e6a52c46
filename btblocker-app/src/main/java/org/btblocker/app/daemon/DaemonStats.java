package org.btblocker.app.daemon;

import java.time.Instant;
import java.util.List;

import org.btblocker.app.bans.BanWorker;
import org.btblocker.engine.EndpointMemory;
import org.btblocker.engine.EngineStats;
import org.btblocker.netfilter.nfqueue.LatencyHistogram;
import org.btblocker.netfilter.nfqueue.QueueStats;

/**
 * One published picture of the running daemon, taken by the supervisor every second; the periodic log line,
 * {@code /metrics} and {@code btblocker status} all read the same one ({@link Daemon#stats()}), so they never
 * disagree and no reader touches a queue thread's state.
 *
 * @param taken            when it was taken
 * @param startedAt        when the daemon started
 * @param version          the build's version
 * @param queues           per queue
 * @param detectors        the detectors in force, in order
 * @param sinks            the ban sinks in force
 * @param bans             the ban worker and its sinks
 * @param endpoints        the endpoint memory
 * @param reloadsOk        reloads applied
 * @param reloadsFailed    reloads refused (the old configuration stayed)
 * @param lastReload       when the last reload was tried, or null
 * @param lastReloadResult "ok", or the one-line reason it failed; null when none was tried
 * @param firewallRepairs  times our rules were found changed and reinstalled
 * @param bypassedPackets  packets the kernel let through our queue rules unseen (full queue), -1 when unknown
 */
public record DaemonStats(Instant taken, Instant startedAt, String version, List<Queue> queues,
                          List<String> detectors, List<String> sinks, BanWorker.Stats bans,
                          EndpointMemory.Snapshot endpoints, long reloadsOk, long reloadsFailed, Instant lastReload,
                          String lastReloadResult, long firewallRepairs, long bypassedPackets) {

    /**
     * One queue.
     *
     * @param queueNum the NFQUEUE number
     * @param alive    its thread runs and its loop advances
     * @param restarts times the supervisor restarted it
     * @param queue    the queue's counters (since its current binding)
     * @param engine   its engine's counters (since its current engine)
     * @param latency  verdict latency
     */
    public record Queue(int queueNum, boolean alive, int restarts, QueueStats queue, EngineStats.Snapshot engine,
                        LatencyHistogram.Snapshot latency) {
    }
}
