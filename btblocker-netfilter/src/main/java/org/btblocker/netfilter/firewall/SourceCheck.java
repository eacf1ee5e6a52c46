package org.btblocker.netfilter.firewall;

import java.util.Locale;

/**
 * The reverse-path check our rules make on every packet of the configured interfaces, so that the daemon can tell a
 * forged source address from a real one. A spoofer on one side of the gateway can forge both directions of a flow
 * (a "reply" from a server included), which a blind spoofer cannot; what it cannot forge is the interface a packet
 * comes in on. The rule marks a packet whose source does not route back through the interface it arrived on, and
 * the engine does not count such a packet as a side of its flow nor ban its source.
 *
 * <p>Why an {@code rpfilter} match in mangle PREROUTING rather than the daemon comparing NFQUEUE's input interface
 * with routes it learns over netlink: the kernel answers with the routing lookup it really uses (policy rules,
 * several tables, VRFs, multipath, blackhole and unreachable routes), nothing has to be mirrored and kept fresh in
 * user space, and the packet path gets one bit to test. The cost is one FIB lookup per packet on our interfaces,
 * which the kernel's own {@code rp_filter} does anyway; {@code rpfilter} only works in PREROUTING, so the mark
 * carries the answer to our FORWARD chain and the queue.
 *
 * @param mode    strict (the source must route back through the arrival interface), loose (it must route somewhere:
 *                for asymmetric routing) or off
 * @param mark    the packet mark bit set on a failing packet; outside the connection-mark bits, so it is never
 *                saved to a connection
 */
public record SourceCheck(Mode mode, long mark) {

    /** How strict the check is. */
    public enum Mode {
        /** The source routes back through the interface the packet arrived on ({@code rp_filter = 1}). */
        STRICT,
        /** The source is routable at all ({@code rp_filter = 2}): for gateways with asymmetric routes. */
        LOOSE,
        /** No check: every source counts as verified (as before issue 8; for kernels without rpfilter). */
        OFF;

        /** The config spelling. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Checks the mark: one or more bits within 32 bits, non-zero unless the check is off. */
    public SourceCheck {
        if (mode == null) {
            throw new IllegalArgumentException("sourceCheck mode is required");
        }
        if (mark != (mark & 0xFFFF_FFFFL) || (mode != Mode.OFF && mark == 0)) {
            throw new IllegalArgumentException("the unverified mark must be a non-zero 32-bit value");
        }
    }

    /** No check. */
    public static SourceCheck off() {
        return new SourceCheck(Mode.OFF, 0);
    }

    /** True when our rules mark packets that fail the check. */
    public boolean isOn() {
        return mode != Mode.OFF;
    }

    /** The bit the engine tests ({@code 0} when off: every packet verified). */
    public int packetBit() {
        return isOn() ? (int) mark : 0;
    }
}
