package org.btblocker.app.e2e;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Payloads the end-to-end tests send, built from the BEP texts, as hex for traffic.py. */
final class Wire {

    private Wire() { }

    /** BEP 3 handshake: pstrlen 19, "BitTorrent protocol", 8 reserved zero bytes, info hash, peer id (68 bytes). */
    static String handshake() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(19);
        b.writeBytes("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(new byte[8]);
        for (int i = 0; i < 20; i++) {
            b.write(0xA0 + i);
        }
        b.writeBytes("-TEST00-123456789012".getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(b.toByteArray());
    }

    /** BEP 5 KRPC ping query, bencoded with its keys sorted. */
    static String dhtPing(String transaction) {
        String q = "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t" + transaction.length() + ":" + transaction
            + "1:y1:qe";
        return HexFormat.of().formatHex(q.getBytes(StandardCharsets.US_ASCII));
    }

    /** Plain bytes as hex. */
    static String ascii(String text) {
        return HexFormat.of().formatHex(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** BEP 5 KRPC get_peers query, bencoded with its keys sorted. */
    static String dhtGetPeers(String transaction) {
        String node = "abcdefghij0123456789";
        String hash = "mnopqrstuvwxyz123456";
        String q = "d1:ad2:id20:" + node + "9:info_hash20:" + hash + "e1:q9:get_peers1:t" + transaction.length() + ":"
            + transaction + "1:y1:qe";
        return HexFormat.of().formatHex(q.getBytes(StandardCharsets.US_ASCII));
    }
}
