package org.btblocker.netfilter.nfqueue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.btblocker.netlink.MessageWriter;
import org.btblocker.netlink.Netlink;
import org.btblocker.netlink.ScriptedKernel;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/** Builds NFQNL_MSG_PACKET messages as the kernel sends them, and generators of valid and hostile ones. */
final class NfqueueGen {

    private NfqueueGen() {
    }

    /** What a generated packet message carries; -1 / null = attribute absent. */
    record Spec(int queueNum, int packetId, int hwProtocol, int hook, int mark, int inDev, int outDev, int ctInfo,
            int capLen, int skbInfo, byte[] payload, long attrOrderSeed) {
    }

    /** A packet message for queue {@code queueNum} with id and payload and nothing else optional. */
    static byte[] packet(int queueNum, int packetId, byte[] payload) {
        return packet(new Spec(queueNum, packetId, 0x0800, 3, -1, -1, 1, -1, -1, -1, payload, 0));
    }

    static byte[] packet(Spec s) {
        MessageWriter w = new MessageWriter(70_000);
        w.begin(NfqueueCodec.TYPE_PACKET, 0, 0).nfgenmsg(Netlink.AF_INET, 0, s.queueNum());
        List<Runnable> attrs = new ArrayList<>();
        attrs.add(() -> {
            int at = w.attr(NfqueueCodec.NFQA_PACKET_HDR, 7);
            w.putBe32At(at, s.packetId());
            w.putBe16At(at + 4, s.hwProtocol());
            w.putU8At(at + 6, s.hook());
        });
        if (s.mark() >= 0) {
            attrs.add(() -> w.attrU32(NfqueueCodec.NFQA_MARK, s.mark()));
        }
        if (s.inDev() >= 0) {
            attrs.add(() -> w.attrU32(NfqueueCodec.NFQA_IFINDEX_INDEV, s.inDev()));
        }
        if (s.outDev() >= 0) {
            attrs.add(() -> w.attrU32(NfqueueCodec.NFQA_IFINDEX_OUTDEV, s.outDev()));
        }
        if (s.ctInfo() >= 0) {
            attrs.add(() -> w.attrU32(NfqueueCodec.NFQA_CT_INFO, s.ctInfo()));
        }
        if (s.capLen() >= 0) {
            attrs.add(() -> w.attrU32(NfqueueCodec.NFQA_CAP_LEN, s.capLen()));
        }
        if (s.skbInfo() >= 0) {
            attrs.add(() -> w.attrU32(NfqueueCodec.NFQA_SKB_INFO, s.skbInfo()));
        }
        // attributes the parser must skip: a timestamp and a nested conntrack blob
        attrs.add(() -> w.attrU64(NfqueueCodec.NFQA_TIMESTAMP, 0x1122334455667788L));
        attrs.add(() -> w.nestBegin(NfqueueCodec.NFQA_CT).attrU32(1, 5).nestEnd());
        if (s.payload() != null) {
            attrs.add(() -> w.attrBytes(NfqueueCodec.NFQA_PAYLOAD, s.payload()));
        }
        Collections.shuffle(attrs, new Random(s.attrOrderSeed()));
        attrs.forEach(Runnable::run);
        w.end();
        return ScriptedKernel.bytes(w);
    }

    private static int between(RandomnessSource in, int lo, int hi) {
        return (int) in.next(Constraint.between(lo, hi));
    }

    private static int optional(RandomnessSource in) {
        return between(in, 0, 1) == 0 ? -1 : between(in, 0, Integer.MAX_VALUE);
    }

    static Gen<Spec> specs() {
        return in -> {
            byte[] payload = null;
            if (between(in, 0, 5) > 0) {
                payload = new byte[between(in, 0, 1500)];
                for (int i = 0; i < payload.length; i++) {
                    payload[i] = (byte) between(in, 0, 255);
                }
            }
            return new Spec(between(in, 0, 0xffff), (int) in.next(Constraint.between(Integer.MIN_VALUE,
                    Integer.MAX_VALUE)), between(in, 0, 0xffff), between(in, 0, 4), optional(in), optional(in),
                    optional(in), optional(in), optional(in), optional(in), payload, in.next(Constraint.between(0,
                    Long.MAX_VALUE)));
        };
    }

    /** Valid packet messages with 1..8 random byte changes, or cut at a random length, or random bytes. */
    static Gen<byte[]> hostile() {
        Gen<Spec> specs = specs();
        return in -> {
            byte[] b = packet(specs.generate(in));
            switch (between(in, 0, 2)) {
                case 0 -> {
                    int changes = between(in, 1, 8);
                    for (int i = 0; i < changes; i++) {
                        b[between(in, 0, b.length - 1)] = (byte) between(in, 0, 255);
                    }
                    return b;
                }
                case 1 -> {
                    byte[] cut = new byte[between(in, 0, b.length)];
                    System.arraycopy(b, 0, cut, 0, cut.length);
                    return cut;
                }
                default -> {
                    byte[] r = new byte[between(in, 0, 200)];
                    for (int i = 0; i < r.length; i++) {
                        r[i] = (byte) between(in, 0, 255);
                    }
                    return r;
                }
            }
        };
    }
}
