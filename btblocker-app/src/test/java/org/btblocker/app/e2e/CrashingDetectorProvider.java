package org.btblocker.app.e2e;

import org.btblocker.api.Detector;
import org.btblocker.api.DetectorProvider;
import org.btblocker.api.Interest;
import org.btblocker.api.Verdict;

import com.typesafe.config.Config;

/**
 * A broken plugin, for supervision tests only (test classpath; enabled by listing {@code crashtest} in
 * {@code btblocker.detectors}): a UDP datagram whose payload starts with {@code CRASH} makes it throw an
 * {@link Error}, which the engine does not catch (it catches only runtime exceptions), so the queue thread dies.
 */
public final class CrashingDetectorProvider implements DetectorProvider {

    @Override
    public String name() {
        return "crashtest";
    }

    @Override
    public Interest interest() {
        return Interest.UDP_PAYLOAD;
    }

    @Override
    public int stateSlots() {
        return 0;
    }

    @Override
    public Detector create(Config ownConfig) {
        return (packet, flow) -> {
            if (packet.payloadLength() >= 5 && packet.payloadByte(0) == 'C' && packet.payloadByte(1) == 'R'
                    && packet.payloadByte(2) == 'A' && packet.payloadByte(3) == 'S' && packet.payloadByte(4) == 'H') {
                throw new StackOverflowError("crashtest: a plugin that breaks its queue thread");
            }
            return Verdict.NOT_MINE;
        };
    }
}
