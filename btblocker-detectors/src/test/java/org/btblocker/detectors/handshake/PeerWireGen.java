package org.btblocker.detectors.handshake;

import static org.btblocker.testkit.Packets.ascii;
import static org.btblocker.testkit.Packets.concat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/** Builders (from the BEP texts) and QuickTheories generators for peer-wire bytes. */
final class PeerWireGen {

    static final byte[] PREFIX = concat(new byte[] {19}, ascii("BitTorrent protocol"));

    private PeerWireGen() {
    }

    /** BEP 3 handshake: prefix, 8 reserved bytes (bit 20 = BEP 10 extension protocol), info_hash, peer_id. */
    static byte[] handshake(byte[] infoHash, byte[] peerId) {
        byte[] reserved = {0, 0, 0, 0, 0, 0x10, 0, 0};
        return concat(PREFIX, reserved, infoHash, peerId);
    }

    static byte[] handshake() {
        return handshake(filled(20, 0xAB), concat(ascii("-UT3450-"), filled(12, 0x5A)));
    }

    static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    /** {@code <u32 length><id><payload>}. */
    static byte[] frame(int id, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length).putInt(1 + payload.length).put((byte) id).put(payload).array();
    }

    static byte[] keepAlive() {
        return new byte[4];
    }

    static byte[] have(int piece) {
        return frame(4, ByteBuffer.allocate(4).putInt(piece).array());
    }

    static byte[] request(int id, int index, int begin, int length) {
        return frame(id, ByteBuffer.allocate(12).putInt(index).putInt(begin).putInt(length).array());
    }

    static byte[] piece(int index, int begin, byte[] block) {
        return frame(7, concat(ByteBuffer.allocate(8).putInt(index).putInt(begin).array(), block));
    }

    /** BEP 10 extended message. */
    static byte[] extended(int extId, byte[] payload) {
        return frame(20, concat(new byte[] {(byte) extId}, payload));
    }

    /** The BEP 10 example handshake dictionary (keys sorted). */
    static byte[] extensionHandshakeDict() {
        return ascii("d1:md11:ut_metadatai3e6:ut_pexi1ee13:metadata_sizei31235e1:pi6881e4:reqqi500e"
                + "1:v12:uTorrent 1.2e");
    }

    /** BEP 11 ut_pex dictionary with the given compact IPv4 peers. */
    static byte[] pexDict(byte[] added) {
        int n = added.length / 6;
        return concat(ascii("d5:added" + added.length + ":"), added, ascii("7:added.f" + n + ":"), new byte[n],
                ascii("7:dropped0:e"));
    }

    static byte[] compactPeer(int a, int b, int c, int d, int port) {
        return new byte[] {(byte) a, (byte) b, (byte) c, (byte) d, (byte) (port >>> 8), (byte) port};
    }

    /** A valid message chosen by {@code r}: any BEP 3 / BEP 6 kind, sometimes a keep-alive. */
    static byte[] randomFixedOrPiece(Random r) {
        return switch (r.nextInt(12)) {
            case 0 -> frame(r.nextInt(4), new byte[0]);
            case 1 -> have(r.nextInt(5000));
            case 2 -> request(6, r.nextInt(5000), 16384 * r.nextInt(16), 16384);
            case 3 -> request(8, r.nextInt(5000), 0, 1 + r.nextInt(1 << 17));
            case 4 -> request(16, r.nextInt(5000), 0, 16384);
            case 5 -> frame(9, new byte[] {0x1a, (byte) 0xe1});
            case 6 -> frame(13, ByteBuffer.allocate(4).putInt(r.nextInt(5000)).array());
            case 7 -> frame(14 + r.nextInt(2), new byte[0]);
            case 8 -> frame(17, ByteBuffer.allocate(4).putInt(r.nextInt(5000)).array());
            case 9 -> frame(5, randomBytes(r, 1 + r.nextInt(200)));
            case 10 -> piece(r.nextInt(5000), 0, randomBytes(r, r.nextInt(3000)));
            default -> keepAlive();
        };
    }

    static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** Splits {@code data} into segments of random lengths (at least 1 byte each). */
    static List<byte[]> split(Random r, byte[] data, int maxSegment) {
        List<byte[]> out = new ArrayList<>();
        int p = 0;
        while (p < data.length) {
            int n = Math.min(data.length - p, 1 + r.nextInt(maxSegment));
            out.add(java.util.Arrays.copyOfRange(data, p, p + n));
            p += n;
        }
        return out;
    }

    /** Seeds; each property builds its bytes from a seed so that failures are reproducible. */
    static Gen<Long> seeds() {
        return SourceDSL.longs().all();
    }

    /** Random byte arrays of 0..len bytes. */
    static Gen<byte[]> randomArrays(int maxLength) {
        return seeds().zip(SourceDSL.integers().between(0, maxLength), (s, n) -> randomBytes(new Random(s), n));
    }

    /** A valid message sequence, then a random mutation (one byte changed) or truncation, chosen by the seed. */
    static Gen<byte[]> mutatedMessages() {
        return seeds().map(s -> {
            Random r = new Random(s);
            byte[] all = new byte[0];
            int n = 1 + r.nextInt(6);
            for (int i = 0; i < n; i++) {
                all = concat(all, r.nextInt(5) == 0 ? extended(r.nextInt(3), extensionHandshakeDict())
                        : randomFixedOrPiece(r));
            }
            if (all.length > 0 && r.nextBoolean()) {
                all[r.nextInt(all.length)] = (byte) r.nextInt(256);
            }
            return r.nextBoolean() ? java.util.Arrays.copyOf(all, r.nextInt(all.length + 1)) : all;
        });
    }
}
