package org.btblocker.app.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A tiny pcap / pcapng writer for tests (layouts from draft-ietf-opsawg-pcap and -pcapng), plus builders for the
 * link-layer frames the reader understands. Not thread-safe; every call appends to one growing buffer.
 */
final class CaptureWriter {

    private ByteBuffer out = ByteBuffer.allocate(1024);
    private ByteOrder order;

    private CaptureWriter(ByteOrder order) {
        this.order = order;
        out.order(order);
    }

    // ---- pcap

    /** A pcap file header; {@code nanos} picks the nanosecond magic. */
    static CaptureWriter pcap(ByteOrder order, boolean nanos, int linkType) {
        CaptureWriter w = new CaptureWriter(order);
        w.u32(nanos ? 0xa1b23c4d : 0xa1b2c3d4).u16(2).u16(4).u32(0).u32(0).u32(65535).u32(linkType);
        return w;
    }

    /** A pcap packet record; the timestamp is split into seconds and micro- or nanoseconds by the caller. */
    CaptureWriter record(long seconds, long fraction, byte[] frame, int originalLength) {
        u32((int) seconds).u32((int) fraction).u32(frame.length).u32(originalLength);
        return bytes(frame);
    }

    CaptureWriter record(long seconds, long fraction, byte[] frame) {
        return record(seconds, fraction, frame, frame.length);
    }

    // ---- pcapng

    /** A pcapng file starting with a section header block in {@code order}. */
    static CaptureWriter pcapng(ByteOrder order) {
        return new CaptureWriter(order).section(order);
    }

    /** A section header block (starts a new section, possibly in another byte order). */
    CaptureWriter section(ByteOrder newOrder) {
        order = newOrder;
        out.order(newOrder);
        ByteBuffer body = body(16).putInt(0x1a2b3c4d).putShort((short) 1).putShort((short) 0).putLong(-1L);
        return block(0x0a0d0d0a, body);
    }

    /** An interface description block; {@code tsResol} &lt; 0 leaves if_tsresol out (microseconds). */
    CaptureWriter iface(int linkType, int tsResol, long tsOffsetSeconds) {
        ByteBuffer body = body(32).putShort((short) linkType).putShort((short) 0).putInt(0);
        if (tsResol >= 0) {
            body.putShort((short) 9).putShort((short) 1).put((byte) tsResol).put(new byte[3]);
        }
        if (tsOffsetSeconds != 0) {
            body.putShort((short) 14).putShort((short) 8).putLong(tsOffsetSeconds);
        }
        body.putShort((short) 0).putShort((short) 0); // opt_endofopt
        return block(1, body);
    }

    CaptureWriter iface(int linkType) {
        return iface(linkType, -1, 0);
    }

    /** An enhanced packet block with a raw 64-bit timestamp in the interface's units. */
    CaptureWriter epb(int interfaceId, long ticks, byte[] frame, int originalLength) {
        ByteBuffer body = body(20 + pad(frame.length) + 8).putInt(interfaceId).putInt((int) (ticks >>> 32))
            .putInt((int) ticks).putInt(frame.length).putInt(originalLength).put(frame).put(new byte[padding(frame.length)]);
        // an opt_comment, to check options after the data are skipped
        body.putShort((short) 1).putShort((short) 2).put((byte) 'h').put((byte) 'i').put(new byte[2]);
        return block(6, body);
    }

    CaptureWriter epb(int interfaceId, long ticks, byte[] frame) {
        return epb(interfaceId, ticks, frame, frame.length);
    }

    /** An obsolete packet block (pcapng 1.0). */
    CaptureWriter opb(int interfaceId, long ticks, byte[] frame) {
        ByteBuffer body = body(20 + pad(frame.length)).putShort((short) interfaceId).putShort((short) 0)
            .putInt((int) (ticks >>> 32)).putInt((int) ticks).putInt(frame.length).putInt(frame.length).put(frame)
            .put(new byte[padding(frame.length)]);
        return block(2, body);
    }

    /** A simple packet block: interface 0, no timestamp; {@code originalLength} may exceed the data (snap). */
    CaptureWriter spb(byte[] frame, int originalLength) {
        ByteBuffer body = body(4 + pad(frame.length)).putInt(originalLength).put(frame)
            .put(new byte[padding(frame.length)]);
        return block(3, body);
    }

    /** Any block, e.g. an unknown type the reader must skip. */
    CaptureWriter block(int type, byte[] body) {
        ByteBuffer b = body(body.length).put(body);
        return block(type, b);
    }

    private CaptureWriter block(int type, ByteBuffer body) {
        int length = 12 + body.position();
        u32(type).u32(length);
        bytes(Arrays.copyOf(body.array(), body.position()));
        return u32(length);
    }

    private ByteBuffer body(int capacity) {
        return ByteBuffer.allocate(capacity + 64).order(order);
    }

    private static int pad(int n) {
        return n + padding(n);
    }

    private static int padding(int n) {
        return (4 - (n & 3)) & 3;
    }

    // ---- raw output

    CaptureWriter u16(int v) {
        ensure(2).putShort((short) v);
        return this;
    }

    CaptureWriter u32(int v) {
        ensure(4).putInt(v);
        return this;
    }

    CaptureWriter bytes(byte[] b) {
        ensure(b.length).put(b);
        return this;
    }

    private ByteBuffer ensure(int n) {
        if (out.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + n)).order(order);
            bigger.put(out.array(), 0, out.position());
            out = bigger;
        }
        return out.order(order);
    }

    byte[] toBytes() {
        return Arrays.copyOf(out.array(), out.position());
    }

    Path writeTo(Path file) throws IOException {
        Files.write(file, toBytes());
        return file;
    }

    // ---- frames and packets

    /** A minimal IPv4/UDP packet (no checksums) with {@code payload}. */
    static byte[] ipv4Udp(int src, int dst, int srcPort, int dstPort, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(28 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (28 + payload.length)).putInt(0)
            .put((byte) 64).put((byte) 17).putShort((short) 0).putInt(src).putInt(dst);
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload.length))
            .putShort((short) 0).put(payload);
        return b.array();
    }

    /** A minimal IPv4/TCP packet (20-byte TCP header, flags given) with {@code payload}. */
    static byte[] ipv4Tcp(int src, int dst, int srcPort, int dstPort, int flags, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(40 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (40 + payload.length)).putInt(0)
            .put((byte) 64).put((byte) 6).putShort((short) 0).putInt(src).putInt(dst);
        b.putShort((short) srcPort).putShort((short) dstPort).putInt(1000).putInt(0)
            .put((byte) 0x50).put((byte) flags).putShort((short) 65535).putInt(0).put(payload);
        return b.array();
    }

    /** A minimal IPv6/UDP packet with {@code payload}; addresses are 16 bytes. */
    static byte[] ipv6Udp(byte[] src, byte[] dst, int srcPort, int dstPort, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(48 + payload.length);
        b.putInt(0x60000000).putShort((short) (8 + payload.length)).put((byte) 17).put((byte) 64).put(src).put(dst);
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload.length))
            .putShort((short) 0).put(payload);
        return b.array();
    }

    /** An Ethernet II frame; each of {@code tags} is an (EtherType) tag pushed before the payload's EtherType. */
    static byte[] ethernet(int etherType, byte[] payload, int... tagTypes) {
        ByteBuffer b = ByteBuffer.allocate(14 + 4 * tagTypes.length + payload.length);
        b.put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2});
        for (int i = 0; i < tagTypes.length; i++) {
            b.putShort((short) tagTypes[i]).putShort((short) (100 + i)); // TPID, then TCI (VLAN id)
        }
        b.putShort((short) etherType).put(payload);
        // the tags come after the MAC addresses: TPID of the first tag takes the EtherType position
        return b.array();
    }

    static byte[] ipEthernet(byte[] ip, int... tagTypes) {
        return ethernet((ip[0] & 0xf0) == 0x60 ? 0x86dd : 0x0800, ip, tagTypes);
    }

    /** Linux cooked capture v1 header (16 bytes) before {@code ip}. */
    static byte[] sll(byte[] ip) {
        ByteBuffer b = ByteBuffer.allocate(16 + ip.length);
        b.putShort((short) 0).putShort((short) 1).putShort((short) 6).put(new byte[8])
            .putShort((short) ((ip[0] & 0xf0) == 0x60 ? 0x86dd : 0x0800)).put(ip);
        return b.array();
    }

    /** Linux cooked capture v2 header (20 bytes) before {@code ip}. */
    static byte[] sll2(byte[] ip) {
        ByteBuffer b = ByteBuffer.allocate(20 + ip.length);
        b.putShort((short) ((ip[0] & 0xf0) == 0x60 ? 0x86dd : 0x0800)).putShort((short) 0).putInt(3)
            .putShort((short) 1).put((byte) 0).put((byte) 6).put(new byte[8]).put(ip);
        return b.array();
    }

    /** BSD loopback: the 4-byte address family in {@code order}, then {@code ip}. */
    static byte[] loopback(int family, ByteOrder order, byte[] ip) {
        ByteBuffer b = ByteBuffer.allocate(4 + ip.length).order(order);
        b.putInt(family).put(ip);
        return b.array();
    }

    /** MPLS: {@code labels} label stack entries (the last with bottom-of-stack), then {@code ip}, in Ethernet. */
    static byte[] mplsEthernet(int labels, byte[] ip) {
        ByteBuffer b = ByteBuffer.allocate(4 * labels + ip.length);
        for (int i = 0; i < labels; i++) {
            b.putInt(((1000 + i) << 12) | (i == labels - 1 ? 0x100 : 0) | 64);
        }
        b.put(ip);
        return ethernet(0x8847, b.array());
    }

    /** PPPoE session (RFC 2516) with a PPP protocol field, then {@code ip}, in Ethernet. */
    static byte[] pppoeEthernet(byte[] ip) {
        ByteBuffer b = ByteBuffer.allocate(8 + ip.length);
        b.put((byte) 0x11).put((byte) 0).putShort((short) 0x1234).putShort((short) (2 + ip.length))
            .putShort((short) ((ip[0] & 0xf0) == 0x60 ? 0x57 : 0x21)).put(ip);
        return ethernet(0x8864, b.array());
    }

    /** 128-bit address from the last byte (2001:db8::x). */
    static byte[] v6(int last) {
        byte[] a = new byte[16];
        a[0] = 0x20;
        a[1] = 0x01;
        a[2] = 0x0d;
        a[3] = (byte) 0xb8;
        a[15] = (byte) last;
        return a;
    }
}
