package org.btblocker.app.cli;

import org.btblocker.api.packet.PacketView;
import org.btblocker.engine.Engine;

/** The engine {@code scan} uses: one fresh {@link Engine} per capture, reporting every flow. */
final class ScanEngines {

    static final ScanEngine.Factory DEFAULT = (root, out) -> {
        Engine engine = Engine.builder(root).reportAllowed(true)
            .listener(d -> out.accept(new FlowVerdict(d.protocolName(), d.initiator(), d.responder(), d.blocked(),
                d.detector())))
            .build();
        return new ScanEngine() {
            @Override
            public void inspect(PacketView packet, long nowNanos) {
                engine.inspect(packet, nowNanos);
            }

            @Override
            public void flush(long nowNanos) {
                engine.flush(nowNanos);
            }
        };
    };

    private ScanEngines() {
    }
}
