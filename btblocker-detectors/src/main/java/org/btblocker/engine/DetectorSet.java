package org.btblocker.engine;

import java.util.List;
import java.util.Objects;

import org.btblocker.api.Detector;
import org.btblocker.api.DetectorProvider;
import org.btblocker.api.Interest;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;

/**
 * The detectors one engine runs, in configured order, with what the flow table needs to know about them: where
 * each one's state slots start in a flow's slot row (TCP and UDP flows have rows of their own sizes), and which of
 * them want TCP, UDP or empty packets (bitmasks, as nDPI selects dissectors). The detector instances belong to one engine thread; the set is replaced whole on a
 * reload.
 */
final class DetectorSet {

    /** A flow keeps its live detectors in an {@code int} mask. */
    static final int MAX_DETECTORS = 31;
    static final int MAX_SLOTS_PER_DETECTOR = 8;

    final Detector[] detectors;
    final String[] names;
    /** Where each detector's slots start in the slot row of a TCP flow, and of any other flow. */
    final int[] slotBaseTcp;
    final int[] slotBaseUdp;
    final int[] slotCount;
    final int tcpMask;
    final int udpMask;
    final int emptyPacketMask;
    /** Slots in a TCP flow's row: those of the detectors that want TCP; likewise for other flows. */
    final int slotsTcp;
    final int slotsUdp;

    private DetectorSet(Detector[] detectors, String[] names, int[] slotBaseTcp, int[] slotBaseUdp, int[] slotCount,
                        int tcpMask, int udpMask, int emptyPacketMask, int slotsTcp, int slotsUdp) {
        this.detectors = detectors;
        this.names = names;
        this.slotBaseTcp = slotBaseTcp;
        this.slotBaseUdp = slotBaseUdp;
        this.slotCount = slotCount;
        this.tcpMask = tcpMask;
        this.udpMask = udpMask;
        this.emptyPacketMask = emptyPacketMask;
        this.slotsTcp = slotsTcp;
        this.slotsUdp = slotsUdp;
    }

    /**
     * Creates each provider's detector from its own block {@code btblocker.<name>} of {@code root}.
     *
     * @throws ConfigException from a provider whose settings are bad, or when there are too many detectors
     */
    static DetectorSet create(Config root, List<DetectorProvider> providers) {
        int n = providers.size();
        if (n > MAX_DETECTORS) {
            throw new ConfigException.BadValue("btblocker.detectors", "at most " + MAX_DETECTORS
                    + " detectors, got " + n);
        }
        Detector[] detectors = new Detector[n];
        String[] names = new String[n];
        int[] slotBaseTcp = new int[n];
        int[] slotBaseUdp = new int[n];
        int[] slotCount = new int[n];
        int slotsTcp = 0;
        int slotsUdp = 0;
        int tcp = 0;
        int udp = 0;
        int empty = 0;
        for (int k = 0; k < n; k++) {
            DetectorProvider provider = providers.get(k);
            String name = provider.name();
            Config own = root.hasPath("btblocker." + name) ? root.getConfig("btblocker." + name)
                    : ConfigFactory.empty("no btblocker." + name + " block");
            detectors[k] = Objects.requireNonNull(provider.create(own), name + " created no detector");
            names[k] = name;
            int wanted = provider.stateSlots();
            if (wanted < 0 || wanted > MAX_SLOTS_PER_DETECTOR) {
                throw new IllegalStateException("detector " + name + " asks for " + wanted + " state slots (0-"
                        + MAX_SLOTS_PER_DETECTOR + ")");
            }
            slotCount[k] = wanted;
            Interest interest = provider.interest();
            // a detector never sees flows of a protocol it does not want: no room for it in their rows
            slotBaseTcp[k] = slotsTcp;
            slotsTcp += interest.tcp() ? wanted : 0;
            slotBaseUdp[k] = slotsUdp;
            slotsUdp += interest.udp() ? wanted : 0;
            tcp |= interest.tcp() ? 1 << k : 0;
            udp |= interest.udp() ? 1 << k : 0;
            empty |= interest.emptyPackets() ? 1 << k : 0;
        }
        return new DetectorSet(detectors, names, slotBaseTcp, slotBaseUdp, slotCount, tcp, udp, empty, slotsTcp,
                slotsUdp);
    }

    /** The detectors a new flow of this protocol starts with. */
    int maskFor(boolean tcp) {
        return tcp ? tcpMask : udpMask;
    }

    /** Index of the detector named {@code name}, or -1. */
    int indexOf(String name) {
        for (int k = 0; k < names.length; k++) {
            if (names[k].equals(name)) {
                return k;
            }
        }
        return -1;
    }

    /**
     * True when a flow's slot row and live mask mean the same under {@code other}: the same detectors, in the
     * same order, with the same slot counts (their settings may differ).
     */
    boolean sameLayoutAs(DetectorSet other) {
        return java.util.Arrays.equals(names, other.names) && java.util.Arrays.equals(slotCount, other.slotCount)
                && tcpMask == other.tcpMask && udpMask == other.udpMask && emptyPacketMask == other.emptyPacketMask;
    }
}
