package org.btblocker.api;

import org.btblocker.api.packet.PacketView;

/**
 * Inspects the packets of one flow, one at a time, and says whether the flow is BitTorrent.
 *
 * <p>One instance serves all flows (and, in the daemon, all packets of one queue thread): keep no per-flow fields,
 * use {@link FlowContext#slot(int)} instead. {@code inspect} runs on the packet path, so it must not allocate,
 * block, log or throw; malformed bytes are data, answered with {@link Verdict#UNDECIDED} or
 * {@link Verdict#NOT_MINE}. Should it throw anyway, the engine counts it, removes this detector from the flow
 * and carries on (fail open).
 *
 * <p>The engine calls a detector only for packets its {@link DetectorProvider#interest()} selects, and stops
 * calling it for a flow once it answered {@link Verdict#NOT_MINE}, once any detector matched, or once the flow
 * reached {@code btblocker.maxPacketsPerFlow}.
 *
 * <p>After a detector's MATCH, that detector (only) keeps seeing the flow's packets with payload, up to
 * {@code maxPacketsPerFlow}, and its verdicts are ignored: this is its chance to learn endpoints from the replies
 * (peers in a DHT response or a tracker reply, see {@link FlowContext#endpoints()}).
 */
@FunctionalInterface
public interface Detector {

    /**
     * @param packet the current packet; {@link PacketView#isParseable()} is always true here
     * @param flow   the flow it belongs to, with this detector's state slots
     * @return a constant {@link Verdict}
     */
    Verdict inspect(PacketView packet, FlowContext flow);
}
