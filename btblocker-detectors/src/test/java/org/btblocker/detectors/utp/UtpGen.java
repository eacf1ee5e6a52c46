package org.btblocker.detectors.utp;

import java.nio.ByteBuffer;
import java.util.Random;

import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Test data for uTP: a byte builder following the BEP 29 header layout, and QuickTheories generators for valid
 * headers, mutations and truncations.
 */
final class UtpGen {

    private UtpGen() {
    }

    /** A uTP v1 packet: header fields as in BEP 29, then {@code extensions} as (type, data) pairs, then payload. */
    static byte[] packet(int type, int conn, long timestamp, long timestampDiff, long wnd, int seq, int ack,
                         byte[][] extensions, int[] extensionTypes, byte[] payload) {
        int extBytes = 0;
        for (byte[] e : extensions) {
            extBytes += 2 + e.length;
        }
        ByteBuffer b = ByteBuffer.allocate(UtpHeader.LENGTH + extBytes + payload.length);
        b.put((byte) ((type << 4) | UtpHeader.VERSION));
        b.put((byte) (extensionTypes.length == 0 ? 0 : extensionTypes[0]));
        b.putShort((short) conn).putInt((int) timestamp).putInt((int) timestampDiff).putInt((int) wnd);
        b.putShort((short) seq).putShort((short) ack);
        for (int i = 0; i < extensions.length; i++) {
            b.put((byte) (i + 1 < extensionTypes.length ? extensionTypes[i + 1] : 0));
            b.put((byte) extensions[i].length).put(extensions[i]);
        }
        b.put(payload);
        return b.array();
    }

    /** A header without extensions or payload. */
    static byte[] header(int type, int conn, int seq, int ack) {
        return packet(type, conn, 0x1000_0000L, 0, 0x10_0000, seq, ack, new byte[0][], new int[0], new byte[0]);
    }

    /** An ST_DATA packet without extensions. */
    static byte[] data(int conn, int seq, int ack, byte[] payload) {
        return packet(UtpHeader.ST_DATA, conn, 0x1000_0000L, 5000, 0x10_0000, seq, ack, new byte[0][], new int[0],
                payload);
    }

    /** A ST_STATE with a selective ack of {@code maskBytes} bytes. */
    static byte[] stateWithSack(int conn, int seq, int ack, int maskBytes) {
        return packet(UtpHeader.ST_STATE, conn, 0x1000_0000L, 5000, 0x10_0000, seq, ack,
                new byte[][] {new byte[maskBytes]}, new int[] {UtpHeader.EXT_SELECTIVE_ACK}, new byte[0]);
    }

    /** A random valid packet: any type, 0..2 extensions, payload only where BEP 29 allows it. */
    static byte[] randomValid(Random r) {
        int type = r.nextInt(5);
        int extCount = r.nextInt(3);
        byte[][] ext = new byte[extCount][];
        int[] types = new int[extCount];
        for (int i = 0; i < extCount; i++) {
            types[i] = 1 + r.nextInt(3);
            int len = switch (types[i]) {
                case UtpHeader.EXT_SELECTIVE_ACK -> 4 * (1 + r.nextInt(8));
                case UtpHeader.EXT_BITS -> 8;
                default -> 4;
            };
            ext[i] = new byte[len];
            r.nextBytes(ext[i]);
        }
        boolean mayCarry = type != UtpHeader.ST_STATE && type != UtpHeader.ST_SYN;
        byte[] payload = new byte[mayCarry ? r.nextInt(1400) : 0];
        r.nextBytes(payload);
        return packet(type, r.nextInt(0x10000), r.nextInt() & 0xffffffffL, r.nextInt() & 0xffffffffL,
                r.nextInt() & 0xffffffffL, r.nextInt(0x10000), r.nextInt(0x10000), ext, types, payload);
    }

    /** Seeds, so that every generated value is reproducible from QuickTheories' report. */
    static Gen<Long> seeds() {
        return Generate.longRange(0, Long.MAX_VALUE);
    }

    /** Valid uTP packets. */
    static Gen<byte[]> validPackets() {
        return seeds().map(s -> randomValid(new Random(s)));
    }

    /** Valid packets with 1..8 random bytes overwritten, then possibly truncated. */
    static Gen<byte[]> mutatedPackets() {
        return seeds().map(s -> {
            Random r = new Random(s);
            byte[] p = randomValid(r);
            int flips = 1 + r.nextInt(8);
            for (int i = 0; i < flips; i++) {
                p[r.nextInt(Math.min(p.length, 64))] = (byte) r.nextInt(256);
            }
            if (r.nextBoolean()) {
                p = java.util.Arrays.copyOf(p, r.nextInt(p.length + 1));
            }
            return p;
        });
    }

    /** Uniformly random byte strings of 0..1500 bytes. */
    static Gen<byte[]> randomBytes() {
        return seeds().map(s -> {
            Random r = new Random(s);
            byte[] p = new byte[r.nextInt(1501)];
            r.nextBytes(p);
            return p;
        });
    }
}
