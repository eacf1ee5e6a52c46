package org.btblocker.app.daemon;

import java.nio.ByteBuffer;

import org.btblocker.api.packet.PacketView;
import org.btblocker.engine.Engine;
import org.btblocker.netfilter.firewall.Marks;
import org.btblocker.netfilter.nfqueue.PacketHandler;
import org.btblocker.netfilter.nfqueue.QueuedPacket;

/**
 * The packet path of one queue: a reused {@link PacketView} over the receive buffer, this queue's own
 * {@link Engine}, and a verdict with a connection mark so that decided flows leave the queue. Runs on the queue's
 * thread; allocates nothing per packet.
 *
 * <ul>
 *   <li>BLOCK: with our rules installed, ACCEPT with the BitTorrent mark: the filter rule saves it to the
 *       connection and drops the packet, and later packets of the connection are dropped by the kernel without
 *       being queued. Without our rules (an operator's own), DROP. In {@code monitorOnly}, ACCEPT marked clean.</li>
 *   <li>ALLOW: ACCEPT with the clean mark: the connection is never queued again.</li>
 *   <li>ACCEPT / IGNORE: ACCEPT unmarked: the flow is still being inspected.</li>
 * </ul>
 */
final class QueueWorker implements PacketHandler {

    private final Engine engine;
    private final PacketView view = new PacketView();
    private final int cleanMark;
    private final int blockMark;
    private final int keepBits;
    private final boolean dropInVerdict;

    QueueWorker(Engine engine, Marks marks, boolean monitorOnly, boolean rulesInstalled) {
        this.engine = engine;
        this.cleanMark = (int) marks.clean();
        this.blockMark = (int) (monitorOnly ? marks.clean() : marks.bittorrent());
        this.keepBits = (int) ~marks.mask();
        this.dropInVerdict = !monitorOnly && !rulesInstalled;
    }

    @Override
    public int onPacket(ByteBuffer buf, int payloadOffset, int payloadLength, QueuedPacket packet) {
        view.reset(buf, payloadOffset, payloadLength);
        switch (engine.inspect(view, System.nanoTime())) {
            case BLOCK -> {
                if (dropInVerdict) {
                    return DROP;
                }
                packet.setVerdictMark((packet.mark() & keepBits) | blockMark);
                return ACCEPT;
            }
            case ALLOW -> {
                packet.setVerdictMark((packet.mark() & keepBits) | cleanMark);
                return ACCEPT;
            }
            default -> {
                return ACCEPT;
            }
        }
    }

    Engine engine() {
        return engine;
    }
}
