package org.btblocker.netfilter.nfqueue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.btblocker.netlink.AttrCursor;
import org.btblocker.netlink.MessageCursor;

/** Decodes the verdict messages a scripted kernel received, for assertions. */
final class SentVerdicts {

    private SentVerdicts() {
    }

    /** One verdict message: batch or single, verdict, id, mark (-1 when absent). */
    record Sent(boolean batch, int verdict, int id, long mark) {
        static Sent single(int verdict, int id) {
            return new Sent(false, verdict, id, -1);
        }

        static Sent batch(int verdict, int id) {
            return new Sent(true, verdict, id, -1);
        }

        Sent withMark(long m) {
            return new Sent(batch, verdict, id, m);
        }
    }

    static List<Sent> decode(List<byte[]> datagrams) {
        List<Sent> out = new ArrayList<>();
        MessageCursor m = new MessageCursor();
        AttrCursor a = new AttrCursor();
        for (byte[] d : datagrams) {
            m.reset(ByteBuffer.wrap(d));
            while (m.next()) {
                boolean batch = m.type() == NfqueueCodec.TYPE_VERDICT_BATCH;
                if (!batch && m.type() != NfqueueCodec.TYPE_VERDICT) {
                    continue;
                }
                int verdict = -1;
                int id = -1;
                long mark = -1;
                m.nfAttributes(a);
                while (a.next()) {
                    if (a.type() == NfqueueCodec.NFQA_VERDICT_HDR) {
                        verdict = a.u32At(0);
                        id = a.u32At(4);
                    } else if (a.type() == NfqueueCodec.NFQA_MARK) {
                        mark = a.u32() & 0xffffffffL;
                    }
                }
                out.add(new Sent(batch, verdict, id, mark));
            }
        }
        return out;
    }

    /** Config commands (NFQA_CFG_CMD command byte) in the order sent, -1 for config messages without one. */
    static List<Integer> configCommands(List<byte[]> datagrams) {
        List<Integer> out = new ArrayList<>();
        MessageCursor m = new MessageCursor();
        AttrCursor a = new AttrCursor();
        for (byte[] d : datagrams) {
            m.reset(ByteBuffer.wrap(d));
            while (m.next()) {
                if (m.type() != NfqueueCodec.TYPE_CONFIG) {
                    continue;
                }
                m.nfAttributes(a);
                out.add(a.seek(NfqueueCodec.NFQA_CFG_CMD) ? a.u8() : -1);
            }
        }
        return out;
    }
}
