package org.btblocker.engine;

import org.btblocker.api.Direction;
import org.btblocker.api.EndpointKnowledge;
import org.btblocker.api.FlowContext;
import org.btblocker.api.packet.PacketView;

/**
 * The engine's view of the current flow, handed to detectors: counters and slots of one flow table entry, the
 * current packet's direction and time, and endpoint knowledge. One instance per engine, re-pointed for every
 * detector call ({@link #point}); mutable, owned by the engine's thread.
 *
 * <p>Endpoint claims go through here so that the rules hold for every detector alike: only from a flow with
 * traffic both ways, at most {@code maxClaimsPerPacket} per packet, with the packet's sender as the source, and never
 * from a packet whose source failed the reverse-path check.
 */
final class FlowCursor implements FlowContext {

    private final FlowTable table;
    private final EndpointMemory memory;
    private final EngineStats stats;
    private DetectorSet detectors;
    private int maxClaimsPerPacket;

    int entry;
    int detector;
    private long[] slots;
    private int slotOffset;
    private int[] slotBase;
    Direction direction;
    private long now;
    private long senderHi;
    private long senderLo;
    private int senderPort;
    private int claimsThisPacket;
    private boolean sourceVerified;

    FlowCursor(FlowTable table, EndpointMemory memory, EngineStats stats) {
        this.table = table;
        this.memory = memory;
        this.stats = stats;
    }

    /** The detector set and limits in force (set on build and on every reconfigure). */
    void configure(DetectorSet detectors, int maxClaimsPerPacket) {
        this.detectors = detectors;
        this.maxClaimsPerPacket = maxClaimsPerPacket;
    }

    /** Re-points the cursor at flow entry {@code i} for packet {@code p} from one side, at time {@code nowNanos}. */
    FlowCursor point(int i, PacketView p, boolean fromInitiator, boolean verified, long nowNanos) {
        entry = i;
        sourceVerified = verified;
        slots = table.slotArray(i);
        slotOffset = table.slotOffset(i);
        slotBase = table.protocol[i] == PacketView.TCP ? detectors.slotBaseTcp : detectors.slotBaseUdp;
        direction = fromInitiator ? Direction.INITIATOR : Direction.RESPONDER;
        now = nowNanos;
        senderHi = p.srcHi();
        senderLo = p.srcLo();
        senderPort = p.srcPort();
        claimsThisPacket = 0;
        return this;
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public int packetIndex() {
        return table.packets[2 * entry] + table.packets[2 * entry + 1];
    }

    @Override
    public int packetIndexInDirection() {
        return table.packets[2 * entry + direction.ordinal()];
    }

    @Override
    public int payloadIndex() {
        return table.payloadPackets[2 * entry] + table.payloadPackets[2 * entry + 1];
    }

    @Override
    public int payloadIndexInDirection() {
        return table.payloadPackets[2 * entry + direction.ordinal()];
    }

    @Override
    public long bytesSoFar() {
        return table.bytes[2 * entry] + table.bytes[2 * entry + 1];
    }

    @Override
    public long bytesInDirection() {
        return table.bytes[2 * entry + direction.ordinal()];
    }

    @Override
    public boolean hasBothDirections() {
        return HandshakeTracker.hasBothDirections(table, entry);
    }

    @Override
    public void keepInspecting() {
        table.flags[entry] |= FlowTable.INSPECT_LONGER;
    }

    @Override
    public boolean isMidStream() {
        return (table.flags[entry] & FlowTable.MID_STREAM) != 0;
    }

    @Override
    public boolean isSourceVerified() {
        return sourceVerified;
    }

    @Override
    public long slot(int index) {
        return slots[slotIndex(index)];
    }

    @Override
    public void setSlot(int index, long value) {
        slots[slotIndex(index)] = value;
    }

    private int slotIndex(int index) {
        if (index < 0 || index >= detectors.slotCount[detector]) {
            throw new IndexOutOfBoundsException("state slot " + index + " of " + detectors.names[detector]);
        }
        return slotOffset + slotBase[detector] + index;
    }

    @Override
    public EndpointKnowledge endpoints() {
        return memory;
    }

    @Override
    public boolean claimPeer(long hi, long lo, int port) {
        if (claimsThisPacket >= maxClaimsPerPacket || !sourceVerified || !hasBothDirections()
                || !memory.claim(hi, lo, port, senderHi, senderLo, senderPort, now)) {
            stats.inc(EngineStats.CLAIMS_REFUSED);
            return false;
        }
        claimsThisPacket++;
        return true;
    }

    @Override
    public long nowNanos() {
        return now;
    }
}
