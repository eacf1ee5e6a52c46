package org.btblocker.detectors.entropy;

import static org.btblocker.testkit.Packets.ascii;
import static org.btblocker.testkit.Packets.concat;
import static org.btblocker.testkit.Packets.hex;

import java.util.Random;

/** Protocol openings built from their specs (not captured), for scoring and flow tests. */
final class EntropySamples {

    private EntropySamples() {
    }

    static byte[] random(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** Ya + PadA (or Yb + PadB): 96 random bytes and 0..512 more. */
    static byte[] mseKey(Random r) {
        byte[] b = random(r, EntropyDetector.KEY_LENGTH + r.nextInt(EntropyDetector.MAX_PAD_LENGTH + 1));
        return b;
    }

    static final String ENGLISH = "It was the best of times, it was the worst of times, it was the age of wisdom, it "
            + "was the age of foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the "
            + "season of Light, it was the season of Darkness, it was the spring of hope, it was the winter of despair.";

    static byte[] httpRequest() {
        return ascii("GET /announce?info_hash=%12%34%56%78%9a%bc%de%f0%12%34%56%78%9a%bc%de%f0%12%34%56%78&peer_id="
                + "-qB4650-abcdefghijkl&port=6881&uploaded=0&downloaded=0&left=0 HTTP/1.1\r\nHost: tracker.example"
                + "\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\nAccept: */*\r\nConnection: close\r\n\r\n");
    }

    static byte[] httpResponse() {
        return ascii("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 1234\r\n"
                + "Date: Tue, 24 Nov 2026 04:00:00 GMT\r\nServer: nginx\r\nCache-Control: no-cache\r\n\r\n<html>");
    }

    /** A TLS 1.3-style ClientHello record (RFC 8446 4.1.2) with 32-byte random and session id, SNI, groups. */
    static byte[] tlsClientHello(Random r) {
        byte[] body = concat(hex("0303"), random(r, 32), hex("20"), random(r, 32),
                hex("0020 1301 1302 1303 c02b c02f c02c c030 cca9 cca8 c013 c014 009c 009d 002f 0035 0100"),
                hex("0093"), // extensions length
                hex("0000 0018 0016 0000 13 7777772e6578616d706c652e636f6d2e6578"), // server_name
                hex("0017 0000 ff01 0001 00 000a 000c 000a 001d 0017 0018 0019 0100"),
                hex("000b 0002 0100 0023 0000 0010 000e 000c 02683208 687474702f312e31"),
                hex("0005 0005 0100000000 000d 0012 0010 0403 0804 0401 0503 0805 0501 0806 0601"),
                hex("0033 0026 0024 001d 0020"), random(r, 32), hex("002b 0003 02 0304"));
        byte[] handshake = concat(new byte[] {1, 0, (byte) (body.length >> 8), (byte) body.length}, body);
        return concat(new byte[] {0x16, 3, 1, (byte) (handshake.length >> 8), (byte) handshake.length}, handshake);
    }

    /** A ServerHello record: random, session id echo, cipher, key_share and supported_versions. */
    static byte[] tlsServerHello(Random r) {
        byte[] body = concat(hex("0303"), random(r, 32), hex("20"), random(r, 32), hex("1301 00"),
                hex("002e 002b 0002 0304 0033 0024 001d 0020"), random(r, 32));
        byte[] handshake = concat(new byte[] {2, 0, (byte) (body.length >> 8), (byte) body.length}, body);
        return concat(new byte[] {0x16, 3, 3, (byte) (handshake.length >> 8), (byte) handshake.length}, handshake);
    }

    static byte[] sshBanner() {
        return ascii("SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5\r\n");
    }

    /** SSH_MSG_KEXINIT (RFC 4253 7.1) in its binary packet: cookie, then comma-separated name lists. */
    static byte[] sshKexinit(Random r) {
        String[] lists = {
            "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,diffie-hellman-group16-sha512",
            "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256",
            "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com",
            "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com",
            "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com",
            "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com",
            "none,zlib@openssh.com", "none,zlib@openssh.com", "", ""};
        byte[] payload = concat(new byte[] {20}, random(r, 16));
        for (String l : lists) {
            payload = concat(payload, new byte[] {0, 0, (byte) (l.length() >> 8), (byte) l.length()}, ascii(l));
        }
        payload = concat(payload, new byte[5]);
        int pad = 8 - (payload.length + 5) % 8 + 4;
        int packetLength = 1 + payload.length + pad;
        return concat(new byte[] {0, 0, (byte) (packetLength >> 8), (byte) packetLength, (byte) pad}, payload,
                new byte[pad]);
    }

    /** A DNS response (RFC 1035) with a few answers. */
    static byte[] dnsResponse() {
        return hex("1271 8180 0001 0003 0000 0000 07747261636b6572 0b6578616d706c652d6f7267 03636f6d 00 0001 0001"
                + " c00c 0001 0001 0000012c 0004 5db8d822 c00c 0001 0001 0000012c 0004 5db8d823"
                + " c00c 0001 0001 0000012c 0004 5db8d824");
    }

    /** Framed records whose bytes come from a 16-symbol alphabet (e.g. hex-encoded fields). */
    static byte[] lowAlphabetFramed(Random r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = i % 32 == 0 ? (byte) 0x7e : (byte) "0123456789abcdef".charAt(r.nextInt(16));
        }
        return b;
    }
}
