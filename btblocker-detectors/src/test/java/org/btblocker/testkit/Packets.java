package org.btblocker.testkit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.btblocker.api.packet.PacketView;

/**
 * Builds raw IPv4/IPv6 TCP/UDP packets for tests. Checksums are left zero: nothing on our path verifies them.
 *
 * <pre>{@code
 * PacketView p = Packets.udp("10.0.0.1", 6881, "10.0.0.2", 51413, payload).view();
 * }</pre>
 */
public final class Packets {

    private final byte[] bytes;

    private Packets(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A UDP datagram; addresses may be IPv4 or IPv6 literals (both the same family). */
    public static Packets udp(String src, int srcPort, String dst, int dstPort, byte[] payload) {
        byte[] l4 = new byte[8 + payload.length];
        ByteBuffer b = ByteBuffer.wrap(l4);
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) l4.length).putShort((short) 0);
        b.put(payload);
        return new Packets(ip(src, dst, PacketView.UDP, l4));
    }

    /** A TCP segment with the given flags ({@link PacketView#SYN} ...), sequence and ack numbers. */
    public static Packets tcp(String src, int srcPort, String dst, int dstPort, int flags, long seq, long ack,
                              byte[] payload) {
        byte[] l4 = new byte[20 + payload.length];
        ByteBuffer b = ByteBuffer.wrap(l4);
        b.putShort((short) srcPort).putShort((short) dstPort).putInt((int) seq).putInt((int) ack);
        b.put((byte) (5 << 4)).put((byte) flags).putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        b.put(payload);
        return new Packets(ip(src, dst, PacketView.TCP, l4));
    }

    /** A TCP segment with ACK|PSH and payload, sequence numbers 1. */
    public static Packets tcp(String src, int srcPort, String dst, int dstPort, byte[] payload) {
        return tcp(src, srcPort, dst, dstPort, PacketView.ACK | PacketView.PSH, 1, 1, payload);
    }

    private static byte[] ip(String src, String dst, int protocol, byte[] l4) {
        InetAddress s = parse(src);
        InetAddress d = parse(dst);
        byte[] sa = s.getAddress();
        byte[] da = d.getAddress();
        if (sa.length != da.length) {
            throw new IllegalArgumentException("mixed address families: " + src + " " + dst);
        }
        if (sa.length == 4) {
            byte[] p = new byte[20 + l4.length];
            ByteBuffer b = ByteBuffer.wrap(p);
            b.put((byte) 0x45).put((byte) 0).putShort((short) p.length).putShort((short) 0x1234).putShort((short) 0x4000);
            b.put((byte) 64).put((byte) protocol).putShort((short) 0).put(sa).put(da).put(l4);
            return p;
        }
        byte[] p = new byte[40 + l4.length];
        ByteBuffer b = ByteBuffer.wrap(p);
        b.putInt(0x6000_0000).putShort((short) l4.length).put((byte) protocol).put((byte) 64).put(sa).put(da).put(l4);
        return p;
    }

    private static InetAddress parse(String literal) {
        try {
            return InetAddress.getByName(literal); // literals only: never a DNS lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** The packet bytes (IP header first). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** A fresh view over the packet. */
    public PacketView view() {
        return new PacketView().reset(ByteBuffer.wrap(bytes), 0, bytes.length);
    }

    /** ASCII bytes of {@code s}. */
    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Concatenation of byte arrays. */
    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int i = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }

    /** Bytes from a hex string (spaces ignored). */
    public static byte[] hex(String hex) {
        String h = hex.replace(" ", "");
        byte[] out = new byte[h.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
