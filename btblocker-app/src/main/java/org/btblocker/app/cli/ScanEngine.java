package org.btblocker.app.cli;

import com.typesafe.config.Config;
import java.util.function.Consumer;
import org.btblocker.api.packet.PacketView;

/**
 * What {@code scan} needs from the detection engine: feed every packet of one capture, then flush. A seam so that
 * the command's tests can run on a scripted engine; {@link ScanEngines#DEFAULT} adapts the real one.
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
