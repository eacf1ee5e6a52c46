package org.btblocker.api.packet;

import java.nio.ByteBuffer;

/**
 * A reusable, zero-copy view of one IP packet (IPv4 or IPv6) carrying TCP or UDP, parsed in place over a
 * {@link ByteBuffer}.
 *
 * <p>{@link #reset(ByteBuffer, int, int)} points the view at the bytes of an IP header and parses the headers
 * without copying or allocating. All accessors are absolute: they never move the buffer's position or limit.
 * The view is mutable and owned by one thread; a detector must not keep it, or any offset into it, after
 * {@code inspect} returns.
 *
 * <p>Malformed bytes never throw: the view reports {@link #isParseable()} {@code false} and the reason in
 * {@link #status()}. A truncated capture (snap length shorter than the packet) is parseable as long as the
 * transport header is complete; the payload is then what was captured.
 *
 * <p>Addresses are held as two {@code long}s (high and low 64 bits of a 128-bit address). IPv4 addresses are
 * IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}), so one key space holds both families; see
 * {@link Addresses}.
 */
public final class PacketView {

    /** IP protocol number of TCP. */
    public static final int TCP = 6;
    /** IP protocol number of UDP. */
    public static final int UDP = 17;

    /** TCP flag bits as in the TCP header (RFC 9293). */
    public static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;

    /** Why a packet is or is not parseable. */
    public enum Status {
        /** IP and TCP/UDP headers parsed; ports and payload are valid. */
        OK,
        /** The bytes are not a well-formed IPv4/IPv6 packet (bad version, lengths, truncated header). */
        MALFORMED,
        /** A well-formed IP packet that is not TCP/UDP, or a non-first fragment (no transport header). */
        NOT_TCP_OR_UDP
    }

    private static final int MAX_IPV6_EXTENSION_HEADERS = 8;

    private ByteBuffer buffer;
    private Status status = Status.MALFORMED;
    private int ipVersion;
    private int ipProtocol;
    private int ipOffset;
    private int ipLength;
    private int transportOffset;
    private int payloadOffset;
    private int payloadLength;
    private long srcHi, srcLo, dstHi, dstLo;
    private int srcPort, dstPort;
    private int tcpFlags;
    private long tcpSeq, tcpAck;
    private boolean fragmented;

    /** An empty view; {@link #isParseable()} is false until {@link #reset} is called. */
    public PacketView() {
    }

    /**
     * Points this view at the IP packet in {@code buffer[offset, offset + length)} and parses its headers.
     *
     * @return this view, for chaining
     */
    public PacketView reset(ByteBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.ipOffset = offset;
        this.ipLength = 0;
        this.ipVersion = 0;
        this.ipProtocol = -1;
        this.transportOffset = offset;
        this.payloadOffset = offset;
        this.payloadLength = 0;
        this.srcHi = this.srcLo = this.dstHi = this.dstLo = 0;
        this.srcPort = this.dstPort = 0;
        this.tcpFlags = 0;
        this.tcpSeq = this.tcpAck = 0;
        this.fragmented = false;
        this.status = parse(buffer, offset, length);
        return this;
    }

    private Status parse(ByteBuffer b, int off, int len) {
        if (b == null || off < 0 || len < 1 || off > b.limit() - len) {
            return Status.MALFORMED;
        }
        int version = (b.get(off) & 0xff) >>> 4;
        int end;
        int next;
        if (version == 4) {
            if (len < 20) {
                return Status.MALFORMED;
            }
            int ihl = (b.get(off) & 0x0f) * 4;
            int total = b.getShort(off + 2) & 0xffff;
            if (ihl < 20 || ihl > len || total < ihl) {
                return Status.MALFORMED;
            }
            ipVersion = 4;
            end = off + Math.min(total, len); // trailing link padding ignored; snap-truncated data kept
            int fragmentField = b.getShort(off + 6) & 0xffff;
            int fragmentOffset = fragmentField & 0x1fff;
            boolean moreFragments = (fragmentField & 0x2000) != 0;
            fragmented = moreFragments || fragmentOffset != 0;
            ipProtocol = b.get(off + 9) & 0xff;
            srcHi = 0;
            srcLo = Addresses.IPV4_MAPPED_PREFIX | (b.getInt(off + 12) & 0xffffffffL);
            dstHi = 0;
            dstLo = Addresses.IPV4_MAPPED_PREFIX | (b.getInt(off + 16) & 0xffffffffL);
            ipLength = end - off;
            if (fragmentOffset != 0) {
                return Status.NOT_TCP_OR_UDP;
            }
            next = off + ihl;
        } else if (version == 6) {
            if (len < 40) {
                return Status.MALFORMED;
            }
            ipVersion = 6;
            int payload = b.getShort(off + 4) & 0xffff;
            end = payload == 0 ? off + len : off + Math.min(40 + payload, len);
            srcHi = b.getLong(off + 8);
            srcLo = b.getLong(off + 16);
            dstHi = b.getLong(off + 24);
            dstLo = b.getLong(off + 32);
            ipLength = end - off;
            int header = b.get(off + 6) & 0xff;
            next = off + 40;
            for (int i = 0; ; i++) {
                if (header == TCP || header == UDP) {
                    break;
                }
                if (i == MAX_IPV6_EXTENSION_HEADERS || !isIpv6ExtensionHeader(header)) {
                    ipProtocol = header;
                    return Status.NOT_TCP_OR_UDP;
                }
                if (next + 8 > end) {
                    return Status.MALFORMED;
                }
                int following = b.get(next) & 0xff;
                int extLength;
                if (header == 44) { // fragment header (RFC 8200 4.5): fixed 8 bytes
                    int fragmentField = b.getShort(next + 2) & 0xffff;
                    fragmented = true;
                    extLength = 8;
                    if ((fragmentField & 0xfff8) != 0) {
                        ipProtocol = following;
                        return Status.NOT_TCP_OR_UDP;
                    }
                } else if (header == 51) { // AH (RFC 4302): length in 4-byte units, minus 2
                    extLength = ((b.get(next + 1) & 0xff) + 2) * 4;
                } else {
                    extLength = ((b.get(next + 1) & 0xff) + 1) * 8;
                }
                next += extLength;
                header = following;
            }
            ipProtocol = header;
        } else {
            return Status.MALFORMED;
        }
        if (ipVersion == 4 && ipProtocol != TCP && ipProtocol != UDP) {
            return Status.NOT_TCP_OR_UDP;
        }
        transportOffset = next;
        if (ipProtocol == TCP) {
            if (next + 20 > end) {
                return Status.MALFORMED;
            }
            int dataOffset = ((b.get(next + 12) & 0xff) >>> 4) * 4;
            if (dataOffset < 20 || next + dataOffset > end) {
                return Status.MALFORMED;
            }
            srcPort = b.getShort(next) & 0xffff;
            dstPort = b.getShort(next + 2) & 0xffff;
            tcpSeq = b.getInt(next + 4) & 0xffffffffL;
            tcpAck = b.getInt(next + 8) & 0xffffffffL;
            tcpFlags = b.get(next + 13) & 0xff;
            payloadOffset = next + dataOffset;
        } else {
            if (next + 8 > end) {
                return Status.MALFORMED;
            }
            srcPort = b.getShort(next) & 0xffff;
            dstPort = b.getShort(next + 2) & 0xffff;
            int udpLength = b.getShort(next + 4) & 0xffff;
            payloadOffset = next + 8;
            if (udpLength >= 8 && next + udpLength < end) {
                end = next + udpLength;
            }
        }
        payloadLength = end - payloadOffset;
        return Status.OK;
    }

    private static boolean isIpv6ExtensionHeader(int header) {
        return header == 0 || header == 43 || header == 44 || header == 60 || header == 51 || header == 135
                || header == 139 || header == 140;
    }

    /** True when the IP and TCP/UDP headers were parsed: ports, flags and payload are valid. */
    public boolean isParseable() {
        return status == Status.OK;
    }

    /** The parse outcome; see {@link Status}. */
    public Status status() {
        return status;
    }

    /** The buffer this view reads from. */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** 4 or 6; 0 when the version nibble was neither. */
    public int ipVersion() {
        return ipVersion;
    }

    /** The transport protocol number (after IPv6 extension headers), or -1 when unknown. */
    public int ipProtocol() {
        return ipProtocol;
    }

    /** True for {@link #TCP}. */
    public boolean isTcp() {
        return ipProtocol == TCP && status == Status.OK;
    }

    /** True for {@link #UDP}. */
    public boolean isUdp() {
        return ipProtocol == UDP && status == Status.OK;
    }

    /** True when the packet is an IP fragment (IPv4 MF/offset, or an IPv6 fragment header). */
    public boolean isFragment() {
        return fragmented;
    }

    /** Offset of the IP header in {@link #buffer()}. */
    public int ipOffset() {
        return ipOffset;
    }

    /** Bytes of the IP packet that are present, from the IP header to the end of the data. */
    public int ipLength() {
        return ipLength;
    }

    /** Offset of the TCP/UDP header in {@link #buffer()}. */
    public int transportOffset() {
        return transportOffset;
    }

    /** Offset of the first payload byte in {@link #buffer()}. */
    public int payloadOffset() {
        return payloadOffset;
    }

    /** Number of payload bytes present. */
    public int payloadLength() {
        return payloadLength;
    }

    /** High 64 bits of the source address. */
    public long srcHi() {
        return srcHi;
    }

    /** Low 64 bits of the source address. */
    public long srcLo() {
        return srcLo;
    }

    /** High 64 bits of the destination address. */
    public long dstHi() {
        return dstHi;
    }

    /** Low 64 bits of the destination address. */
    public long dstLo() {
        return dstLo;
    }

    /** Source port. */
    public int srcPort() {
        return srcPort;
    }

    /** Destination port. */
    public int dstPort() {
        return dstPort;
    }

    /** TCP flags byte ({@link #SYN}, {@link #ACK}, ...); 0 for UDP. */
    public int tcpFlags() {
        return tcpFlags;
    }

    /** True when all bits of {@code flags} are set in the TCP flags. */
    public boolean hasTcpFlags(int flags) {
        return (tcpFlags & flags) == flags;
    }

    /** TCP sequence number (unsigned 32 bit). */
    public long tcpSeq() {
        return tcpSeq;
    }

    /** TCP acknowledgement number (unsigned 32 bit). */
    public long tcpAck() {
        return tcpAck;
    }

    /** Unsigned payload byte at {@code index} (0 = first payload byte). The caller checks the bounds. */
    public int payloadByte(int index) {
        return buffer.get(payloadOffset + index) & 0xff;
    }

    /** Unsigned big-endian 16-bit value at payload {@code index}. */
    public int payloadU16(int index) {
        return buffer.getShort(payloadOffset + index) & 0xffff;
    }

    /** Unsigned big-endian 32-bit value at payload {@code index}. */
    public long payloadU32(int index) {
        return buffer.getInt(payloadOffset + index) & 0xffffffffL;
    }

    /** Big-endian 64-bit value at payload {@code index}. */
    public long payloadLong(int index) {
        return buffer.getLong(payloadOffset + index);
    }

    /** True when the payload starts with the ASCII {@code prefix}. */
    public boolean payloadStartsWith(byte[] prefix) {
        if (payloadLength < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (buffer.get(payloadOffset + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        if (status != Status.OK) {
            return "PacketView[" + status + ", ipProtocol=" + ipProtocol + "]";
        }
        return "PacketView[" + (ipProtocol == TCP ? "tcp " : "udp ")
                + Addresses.format(srcHi, srcLo, srcPort) + " -> " + Addresses.format(dstHi, dstLo, dstPort)
                + " payload=" + payloadLength + "]";
    }
}
