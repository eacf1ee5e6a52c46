package org.btblocker.netlink;

import java.util.ArrayList;
import java.util.List;

import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/** QuickTheories generators for netlink attribute trees and raw, mutated and truncated message bytes. */
final class NetlinkGen {

    private NetlinkGen() {
    }

    /** One attribute: a leaf with a value or a nest with children. */
    record Node(int type, byte[] value, List<Node> children) {
        boolean isNest() {
            return children != null;
        }
    }

    static int between(RandomnessSource in, int lo, int hi) {
        return (int) in.next(Constraint.between(lo, hi));
    }

    static byte[] bytes(RandomnessSource in, int maxLength) {
        byte[] b = new byte[between(in, 0, maxLength)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) between(in, 0, 255);
        }
        return b;
    }

    /** Random attribute trees, depth at most 3, types 0..NLA_TYPE_MASK, values 0..40 bytes. */
    static Gen<List<Node>> trees() {
        return in -> nodes(in, 0);
    }

    private static List<Node> nodes(RandomnessSource in, int depth) {
        int n = between(in, 0, 6);
        List<Node> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int type = between(in, 0, Netlink.NLA_TYPE_MASK);
            if (depth < 3 && between(in, 0, 3) == 0) {
                out.add(new Node(type, null, nodes(in, depth + 1)));
            } else {
                out.add(new Node(type, bytes(in, 40), null));
            }
        }
        return out;
    }

    /** Writes a tree into the open message of {@code w}. */
    static void write(MessageWriter w, List<Node> nodes) {
        for (Node n : nodes) {
            if (n.isNest()) {
                w.nestBegin(n.type());
                write(w, n.children());
                w.nestEnd();
            } else {
                w.attrBytes(n.type(), n.value());
            }
        }
    }

    /** Encoded messages (1..3 messages with nfgenmsg and a random tree each). */
    static Gen<byte[]> validMessages() {
        return in -> {
            MessageWriter w = new MessageWriter(64 * 1024);
            int count = between(in, 1, 3);
            for (int i = 0; i < count; i++) {
                w.begin(between(in, 0, 0xffff), between(in, 0, 0xffff), between(in, 0, Integer.MAX_VALUE))
                        .nfgenmsg(between(in, 0, 255), 0, between(in, 0, 0xffff));
                write(w, nodes(in, 0));
                w.end();
            }
            return ScriptedKernel.bytes(w);
        };
    }

    /** Arbitrary bytes, 0..200 long. */
    static Gen<byte[]> arbitrary() {
        return in -> bytes(in, 200);
    }

    /** Valid messages with 1..8 random byte changes. */
    static Gen<byte[]> mutated() {
        Gen<byte[]> valid = validMessages();
        return in -> {
            byte[] b = valid.generate(in);
            int changes = between(in, 1, 8);
            for (int i = 0; i < changes; i++) {
                b[between(in, 0, b.length - 1)] = (byte) between(in, 0, 255);
            }
            return b;
        };
    }

    /** Valid messages cut at a random length. */
    static Gen<byte[]> truncated() {
        Gen<byte[]> valid = validMessages();
        return in -> {
            byte[] b = valid.generate(in);
            byte[] cut = new byte[between(in, 0, b.length)];
            System.arraycopy(b, 0, cut, 0, cut.length);
            return cut;
        };
    }

    /** Any of arbitrary, mutated, truncated. */
    static Gen<byte[]> hostile() {
        return arbitrary().mix(mutated()).mix(truncated());
    }
}
