package org.btblocker.detectors.tracker;

import static org.btblocker.testkit.Packets.ascii;
import static org.btblocker.testkit.Packets.concat;

import java.nio.ByteBuffer;
import java.util.Random;

import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/** Builders for BEP 15 datagrams and HTTP tracker messages (from the BEP texts), and generators. */
final class TrackerGen {

    private TrackerGen() {
    }

    static byte[] connectRequest(int transaction) {
        return ByteBuffer.allocate(16).putLong(UdpTrackerMessage.PROTOCOL_ID).putInt(0).putInt(transaction).array();
    }

    static byte[] connectResponse(int transaction, long connectionId) {
        return ByteBuffer.allocate(16).putInt(0).putInt(transaction).putLong(connectionId).array();
    }

    static byte[] announceRequest(long connectionId, int transaction, byte[] infoHash, byte[] peerId, int event,
                                  int port, byte[] options) {
        ByteBuffer b = ByteBuffer.allocate(98 + options.length);
        b.putLong(connectionId).putInt(1).putInt(transaction).put(infoHash).put(peerId);
        b.putLong(0).putLong(1_000_000).putLong(0).putInt(event).putInt(0).putInt(0x1234).putInt(-1);
        b.putShort((short) port).put(options);
        return b.array();
    }

    static byte[] announceRequest(long connectionId, int transaction) {
        return announceRequest(connectionId, transaction, filled(20, 0xAA), concat(ascii("-qB4250-"), filled(12, 1)),
                2, 6881, new byte[0]);
    }

    static byte[] announceResponse(int transaction, byte[] peers) {
        return concat(ByteBuffer.allocate(20).putInt(1).putInt(transaction).putInt(1800).putInt(3).putInt(7).array(),
                peers);
    }

    static byte[] scrapeRequest(long connectionId, int transaction, int hashes) {
        ByteBuffer b = ByteBuffer.allocate(16 + 20 * hashes).putLong(connectionId).putInt(2).putInt(transaction);
        for (int i = 0; i < hashes; i++) {
            b.put(filled(20, i));
        }
        return b.array();
    }

    static byte[] scrapeResponse(int transaction, int hashes) {
        ByteBuffer b = ByteBuffer.allocate(8 + 12 * hashes).putInt(2).putInt(transaction);
        for (int i = 0; i < hashes; i++) {
            b.putInt(5).putInt(10).putInt(2);
        }
        return b.array();
    }

    static byte[] errorResponse(int transaction, String message) {
        return concat(ByteBuffer.allocate(8).putInt(3).putInt(transaction).array(), ascii(message));
    }

    static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    /** URL-encodes every byte that is not unreserved (RFC 3986). */
    static String urlEncode(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte x : bytes) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                s.append((char) c);
            } else {
                s.append('%').append(String.format("%02X", c));
            }
        }
        return s.toString();
    }

    static String announceQuery(byte[] infoHash, byte[] peerId, int port) {
        return "info_hash=" + urlEncode(infoHash) + "&peer_id=" + urlEncode(peerId) + "&port=" + port
                + "&uploaded=0&downloaded=0&left=1000&compact=1&event=started";
    }

    static byte[] httpGet(String target, String... headers) {
        StringBuilder s = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: tracker.example\r\n");
        for (String h : headers) {
            s.append(h).append("\r\n");
        }
        return ascii(s.append("\r\n").toString());
    }

    static byte[] httpResponse(byte[] body) {
        return concat(ascii("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                + "\r\n\r\n"), body);
    }

    /** A compact IPv4 peer list body (BEP 23). */
    static byte[] peersBody(byte[] compact) {
        return concat(ascii("d8:completei1e10:incompletei1e8:intervali1800e5:peers" + compact.length + ":"), compact,
                ascii("e"));
    }

    static Gen<Long> seeds() {
        return SourceDSL.longs().all();
    }

    /** Random announce query with parameters in random order and random extra parameters. */
    static String randomAnnounceTarget(Random r) {
        byte[] hash = new byte[20];
        byte[] peer = new byte[20];
        r.nextBytes(hash);
        r.nextBytes(peer);
        String[] params = {
            "info_hash=" + urlEncode(hash), "peer_id=" + urlEncode(peer), "port=" + r.nextInt(65536),
            "uploaded=" + r.nextInt(1000), "key=" + Integer.toHexString(r.nextInt()), "compact=1",
        };
        for (int i = params.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            String t = params[i];
            params[i] = params[j];
            params[j] = t;
        }
        String[] paths = {"/announce", "/a", "/announce.php", "/abcdef0123456789/announce", "/"};
        return paths[r.nextInt(paths.length)] + "?" + String.join("&", params);
    }
}
