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
 * thread; allocates nothing per packet. At each packet it reads the published {@link RuntimeSnapshot} (one volatile
 * load) and, when a reload published a new one, reconfigures its engine and verdict marks before judging.
 *
 * <ul>
 *   <li>BLOCK: with our rules installed, ACCEPT with the BitTorrent mark: the filter rule saves it to the
 *       connection and drops the packet, and later packets of the connection are dropped by the kernel without
 *       being queued. Without our rules (an operator's own), DROP. In {@code monitorOnly}, ACCEPT marked clean.</li>
 *   <li>ALLOW: ACCEPT with the clean mark: the connection is never queued again.</li>
 *   <li>ACCEPT / IGNORE: ACCEPT unmarked: the flow is still being inspected.</li>
 * </ul>
 */
final class QueueRuntime implements PacketHandler {

    private final RuntimeSnapshot.Published published;
    private final Engine engine;
    private final PacketView view = new PacketView();
    private long applied;
    private int cleanMark;
    private int blockMark;
    private int keepBits;
    private boolean dropInVerdict;

    QueueRuntime(RuntimeSnapshot.Published published, Engine engine) {
        this.published = published;
        this.engine = engine;
        RuntimeSnapshot s = published.get();
        applied = s.generation();
        marks(s);
    }

    private void marks(RuntimeSnapshot s) {
        Marks m = s.firewall().marks();
        cleanMark = (int) m.clean();
        blockMark = (int) (s.monitorOnly() ? m.clean() : m.bittorrent());
        keepBits = (int) ~m.mask();
        dropInVerdict = !s.monitorOnly() && !s.manageFirewall();
    }

    @Override
    public int onPacket(ByteBuffer buf, int payloadOffset, int payloadLength, QueuedPacket packet) {
        RuntimeSnapshot s = published.get();
        if (s.generation() != applied) {
            engine.reconfigure(s.engine());       // once per reload, on this queue's own thread
            marks(s);
            applied = s.generation();
        }
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
