package org.btblocker.app.cli;

import com.typesafe.config.Config;
import java.util.function.Consumer;
import org.btblocker.api.packet.PacketView;

/**
 * What {@code scan} needs from the detection engine: feed every packet of one capture, then flush. A temporary seam
 * until {@code org.btblocker.engine.Engine} is on this branch; the adapter will then be, in {@link ScanEngines}:
 * <pre>{@code
 * static final ScanEngine.Factory ENGINE = (root, out) -> {
 *     Engine engine = Engine.builder(root).listener(d -> out.accept(new FlowVerdict(
 *         d.protocol() == PacketView.TCP ? "tcp" : "udp", d.initiator(), d.responder(), d.blocked(),
 *         d.detector()))).build();
 *     return new ScanEngine() {
 *         public void inspect(PacketView p, long now) { engine.inspect(p, now); }
 *         public void flush(long now) { engine.flush(now); }
 *     };
 * };
 * }</pre>
 */
interface ScanEngine {

    /** Inspects one packet (any IP packet; the engine ignores what is not TCP/UDP). */
    void inspect(PacketView packet, long nowNanos);

    /** End of the capture: report every flow not yet decided. */
    void flush(long nowNanos);

    /** Creates one fresh engine per capture. */
    interface Factory {
        /**
         * @param root      the resolved configuration (holds {@code btblocker.*})
         * @param decisions receives each flow decision, in the order they are made
         */
        ScanEngine create(Config root, Consumer<FlowVerdict> decisions);
    }
}
