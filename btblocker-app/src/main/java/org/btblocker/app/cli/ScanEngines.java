package org.btblocker.app.cli;

import com.typesafe.config.Config;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.btblocker.api.packet.Addresses;
import org.btblocker.api.packet.PacketView;

/** The engine {@code scan} uses. */
final class ScanEngines {

    /**
     * Stand-in until the detection engine lands: lists every TCP/UDP flow (initiator = first sender) and allows
     * it. Replace with the adapter shown in {@link ScanEngine}.
     */
    static final ScanEngine.Factory DEFAULT = FlowLister::new;

    private ScanEngines() {
    }

    /** Lists flows without judging them; allocates per flow, which is fine offline. */
    static final class FlowLister implements ScanEngine {

        private record Key(int protocol, long aHi, long aLo, int aPort, long bHi, long bLo, int bPort) {
        }

        private final Map<Key, FlowVerdict> flows = new LinkedHashMap<>();
        private final Consumer<FlowVerdict> decisions;

        FlowLister(Config root, Consumer<FlowVerdict> decisions) {
            this.decisions = decisions;
        }

        @Override
        public void inspect(PacketView p, long nowNanos) {
            if (!p.isParseable() || !(p.isTcp() || p.isUdp())) {
                return;
            }
            boolean srcFirst = Long.compareUnsigned(p.srcHi(), p.dstHi()) < 0
                || p.srcHi() == p.dstHi() && (Long.compareUnsigned(p.srcLo(), p.dstLo()) < 0
                    || p.srcLo() == p.dstLo() && p.srcPort() <= p.dstPort());
            Key key = srcFirst
                ? new Key(p.ipProtocol(), p.srcHi(), p.srcLo(), p.srcPort(), p.dstHi(), p.dstLo(), p.dstPort())
                : new Key(p.ipProtocol(), p.dstHi(), p.dstLo(), p.dstPort(), p.srcHi(), p.srcLo(), p.srcPort());
            flows.computeIfAbsent(key, k -> new FlowVerdict(p.isTcp() ? "tcp" : "udp",
                Addresses.format(p.srcHi(), p.srcLo(), p.srcPort()),
                Addresses.format(p.dstHi(), p.dstLo(), p.dstPort()), false, null));
        }

        @Override
        public void flush(long nowNanos) {
            flows.values().forEach(decisions);
            flows.clear();
        }
    }
}
