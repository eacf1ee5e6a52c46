package org.btblocker.app.capture;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A cursor over the IP packets of a pcap or pcapng capture file. Mutable, owned by one thread, reused for every
 * packet: after {@link #next()} returns true the packet's IP header starts at {@link #ipOffset()} in
 * {@link #buffer()}, so the caller does {@code view.reset(reader.buffer(), reader.ipOffset(), reader.ipLength())}.
 * Those indices are valid until the next call to {@code next()}. Steady state allocates nothing per packet: one
 * heap buffer is reused and grows only for a packet larger than any before.
 *
 * <pre>{@code
 * try (CaptureReader r = CaptureReader.open(path)) {
 *     while (r.next()) {
 *         view.reset(r.buffer(), r.ipOffset(), r.ipLength());
 *         engine.inspect(view, r.timestampNanos());
 *     }
 * }
 * }</pre>
 *
 * <p>Formats: classic pcap in either byte order with microsecond or nanosecond timestamps, and pcapng (any number
 * of sections in either byte order; interfaces with their own link type, {@code if_tsresol} and
 * {@code if_tsoffset}; enhanced, simple and obsolete packet blocks; other blocks are skipped). Link types: Ethernet
 * (802.1Q/802.1ad/QinQ tags, LLC/SNAP, MPLS, PPPoE session), Linux cooked v1/v2, raw IP (101, 12, 14, 228, 229),
 * BSD null and OpenBSD loopback, PPP, Cisco HDLC and PPI. Frames that do not carry IP, and packets of other link
 * types, are skipped and counted in {@link #skippedPackets()}.
 *
 * <p>A corrupt or cut-short file makes {@code next()} throw {@link CaptureFormatException} naming the file and the
 * byte offset of the bad record. A packet captured shorter than it was on the wire is not an error: the IP length
 * is what was captured, and {@code PacketView} copes with it.
 */
public final class CaptureReader implements Closeable {

    /** Largest record or block accepted; anything larger is treated as corruption. */
    static final int MAX_RECORD_BYTES = 256 << 20;

    private static final int INITIAL_BUFFER = 256 << 10;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int PCAP_HEADER = 24;
    private static final int PCAP_RECORD_HEADER = 16;

    private static final int MAGIC_PCAP_MICROS = 0xa1b2c3d4;
    private static final int MAGIC_PCAP_NANOS = 0xa1b23c4d;
    private static final int PCAPNG_SHB = 0x0a0d0d0a;
    private static final int PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
    private static final int PCAPNG_IDB = 1;
    private static final int PCAPNG_OPB = 2;       // obsolete packet block
    private static final int PCAPNG_SPB = 3;
    private static final int PCAPNG_EPB = 6;
    private static final int OPT_END = 0;
    private static final int OPT_IF_TSRESOL = 9;
    private static final int OPT_IF_TSOFFSET = 14;
    private static final int DEFAULT_TSRESOL = 6;  // microseconds

    private static final long[] POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    /** The capture file formats. */
    public enum Format { PCAP, PCAPNG }

    private final Path file;
    private final ByteWindow in;
    private final Format format;
    private boolean littleEndian;

    // pcap: one link type and timestamp unit for the whole file
    private int pcapLinkType;
    private boolean pcapNanos;

    // pcapng: interfaces of the current section; the arrays grow (rarely) and are reused across sections
    private int interfaceCount;
    private int[] interfaceLinkType = new int[4];
    private int[] interfaceTsResol = new int[4];
    private long[] interfaceTsOffsetNanos = new long[4];

    // the current packet
    private long recordOffset = -1;
    private int dataIndex;
    private int capturedLength;
    private int originalLength;
    private int linkType = -1;
    private long timestampNanos;
    private int ipOffset;
    private int ipLength;

    private long packets;
    private long skippedPackets;

    private CaptureReader(Path file, ByteWindow in, Format format) {
        this.file = file;
        this.in = in;
        this.format = format;
    }

    /**
     * Opens a capture file and reads its header. A regular file is memory-mapped: packets are read where they lie,
     * never copied, and the buffer of a packet stays valid after {@link #next()} moves on ({@link #isMapped()}).
     */
    public static CaptureReader open(Path file) throws IOException {
        return open(file, ByteWindow.MAP_WINDOW);
    }

    /** {@link #open(Path)} mapping {@code mapWindow} bytes at a time (tests move records across window ends). */
    static CaptureReader open(Path file, long mapWindow) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        ByteWindow window;
        try {
            window = Files.isRegularFile(file) && channel.size() > 0 ? ByteWindow.mapped(channel, mapWindow)
                    : new ByteWindow(channel, INITIAL_BUFFER);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return open(file, window);
    }

    /**
     * True when the packets lie in a memory map of the file: the {@link #buffer()} of a packet then stays valid
     * (unchanged) after {@link #next()}, so it may be handed to another thread; otherwise it is reused.
     */
    public boolean isMapped() {
        return in.isMapped();
    }

    /**
     * Reads a capture from {@code channel}; {@code name} is used in error messages only. The channel is closed by
     * {@link #close()}, or here when its header is bad.
     */
    public static CaptureReader open(Path name, ReadableByteChannel channel) throws IOException {
        return open(name, new ByteWindow(channel, INITIAL_BUFFER));
    }

    private static CaptureReader open(Path name, ByteWindow in) throws IOException {
        try {
            int have = in.fill(4);
            if (have < 4) {
                throw new CaptureFormatException(name, 0, "file too short for a capture header",
                    "needs 4 bytes, " + have + " left");
            }
            int magic = in.buffer().getInt(in.position());
            CaptureReader reader;
            if (magic == PCAPNG_SHB) {
                reader = new CaptureReader(name, in, Format.PCAPNG);
            } else if (isPcapMagic(magic) || isPcapMagic(Integer.reverseBytes(magic))) {
                reader = new CaptureReader(name, in, Format.PCAP);
                reader.readPcapHeader(magic);
            } else {
                throw new CaptureFormatException(name, 0, "not a pcap or pcapng file",
                    String.format("magic 0x%08x", magic));
            }
            return reader;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** True when the first four bytes {@code magic} (read big-endian) start a pcap or pcapng file. */
    public static boolean isCaptureMagic(int magic) {
        return magic == PCAPNG_SHB || isPcapMagic(magic) || isPcapMagic(Integer.reverseBytes(magic));
    }

    private static boolean isPcapMagic(int magic) {
        return magic == MAGIC_PCAP_MICROS || magic == MAGIC_PCAP_NANOS;
    }

    private void readPcapHeader(int magic) throws IOException {
        int have = in.fill(PCAP_HEADER);
        if (have < PCAP_HEADER) {
            throw new CaptureFormatException(file, 0, "truncated file header",
                "needs " + PCAP_HEADER + " bytes, " + have + " left");
        }
        littleEndian = !isPcapMagic(magic);
        int ordered = littleEndian ? Integer.reverseBytes(magic) : magic;
        pcapNanos = ordered == MAGIC_PCAP_NANOS;
        // The upper 16 bits of the link-type field carry FCS information (LT_FCS_LENGTH); the type is the lower 16.
        pcapLinkType = (int) (in.u32(20, littleEndian) & 0xffff);
        in.advance(PCAP_HEADER);
    }

    /**
     * Moves to the next IP packet.
     *
     * @return false at the end of the file
     * @throws CaptureFormatException when the file is corrupt or cut short
     * @throws IOException            when reading fails
     */
    public boolean next() throws IOException {
        while (format == Format.PCAP ? nextPcapRecord() : nextPcapngRecord()) {
            packets++;
            int ip = LinkLayer.ipOffset(in.buffer(), dataIndex, capturedLength, linkType);
            if (ip < 0) {
                skippedPackets++;
                continue;
            }
            ipOffset = ip;
            ipLength = dataIndex + capturedLength - ip;
            return true;
        }
        return false;
    }

    private boolean nextPcapRecord() throws IOException {
        long offset = in.offset();
        int have = in.fill(PCAP_RECORD_HEADER);
        if (have == 0) {
            return false;
        }
        if (have < PCAP_RECORD_HEADER) {
            throw new CaptureFormatException(file, offset, "truncated packet record header",
                "needs " + PCAP_RECORD_HEADER + " bytes, " + have + " left");
        }
        long seconds = in.u32(0, littleEndian);
        long fraction = in.u32(4, littleEndian);
        long captured = in.u32(8, littleEndian);
        long original = in.u32(12, littleEndian);
        if (captured > MAX_RECORD_BYTES) {
            throw new CaptureFormatException(file, offset, "implausible packet length",
                "captured length " + captured);
        }
        int recordLength = PCAP_RECORD_HEADER + (int) captured;
        have = in.fill(recordLength);
        if (have < recordLength) {
            throw new CaptureFormatException(file, offset, "truncated packet record",
                "needs " + recordLength + " bytes, " + have + " left");
        }
        recordOffset = offset;
        dataIndex = in.position() + PCAP_RECORD_HEADER;
        capturedLength = (int) captured;
        originalLength = (int) Math.min(original, Integer.MAX_VALUE);
        linkType = pcapLinkType;
        timestampNanos = seconds * NANOS_PER_SECOND + (pcapNanos ? fraction : fraction * 1000);
        in.advance(recordLength);
        return true;
    }

    private boolean nextPcapngRecord() throws IOException {
        while (true) {
            long offset = in.offset();
            int have = in.fill(12);
            if (have == 0) {
                return false;
            }
            if (have < 12) {
                throw new CaptureFormatException(file, offset, "truncated block header",
                    "needs 12 bytes, " + have + " left");
            }
            int type = in.buffer().getInt(in.position()); // byte-order independent for the section header
            if (type == PCAPNG_SHB) {
                int byteOrderMagic = in.buffer().getInt(in.position() + 8);
                if (byteOrderMagic == PCAPNG_BYTE_ORDER_MAGIC) {
                    littleEndian = false;
                } else if (byteOrderMagic == Integer.reverseBytes(PCAPNG_BYTE_ORDER_MAGIC)) {
                    littleEndian = true;
                } else {
                    throw new CaptureFormatException(file, offset, "bad byte-order magic in section header",
                        String.format("0x%08x", byteOrderMagic));
                }
            } else if (littleEndian) {
                type = Integer.reverseBytes(type);
            }
            long blockLength = in.u32(4, littleEndian);
            if (blockLength < 12 || blockLength % 4 != 0 || blockLength > MAX_RECORD_BYTES) {
                throw new CaptureFormatException(file, offset, "bad block length",
                    String.format("block type 0x%x, length %d", type & 0xffffffffL, blockLength));
            }
            int length = (int) blockLength;
            switch (type) {
                case PCAPNG_SHB:
                    whole(offset, type, length, 28);
                    interfaceCount = 0; // interface ids are per section
                    in.advance(length);
                    break;
                case PCAPNG_IDB:
                    whole(offset, type, length, 20);
                    addInterface(offset, length);
                    in.advance(length);
                    break;
                case PCAPNG_EPB:
                    whole(offset, type, length, 32);
                    packet(offset, length, in.u32(8, littleEndian), in.u32(12, littleEndian),
                        in.u32(16, littleEndian), in.u32(20, littleEndian), in.u32(24, littleEndian), 28);
                    in.advance(length);
                    return true;
                case PCAPNG_OPB:
                    whole(offset, type, length, 32);
                    packet(offset, length, in.u16(8, littleEndian), in.u32(12, littleEndian),
                        in.u32(16, littleEndian), in.u32(20, littleEndian), in.u32(24, littleEndian), 28);
                    in.advance(length);
                    return true;
                case PCAPNG_SPB: {
                    whole(offset, type, length, 16);
                    long original = in.u32(8, littleEndian);
                    // no timestamp in a simple packet block: keep the previous packet's time
                    long time = timestampNanos;
                    packet(offset, length, 0, 0, 0, Math.min(original, length - 16), original, 12);
                    timestampNanos = time;
                    in.advance(length);
                    return true;
                }
                default:
                    long skipped = in.skip(length);
                    if (skipped < length) {
                        throw new CaptureFormatException(file, offset, "truncated block",
                            String.format("block type 0x%x needs %d bytes, %d left", type & 0xffffffffL, length,
                                skipped));
                    }
                    break;
            }
        }
    }

    /** Buffers a whole block and checks its minimum length and trailing length field. */
    private void whole(long offset, int type, int length, int minimum) throws IOException {
        if (length < minimum) {
            throw new CaptureFormatException(file, offset, "block too short",
                String.format("block type 0x%x, length %d, needs at least %d", type & 0xffffffffL, length, minimum));
        }
        int have = in.fill(length);
        if (have < length) {
            throw new CaptureFormatException(file, offset, "truncated block",
                String.format("block type 0x%x needs %d bytes, %d left", type & 0xffffffffL, length, have));
        }
        long trailer = in.u32(length - 4, littleEndian);
        if (trailer != length) {
            throw new CaptureFormatException(file, offset, "block length mismatch",
                "header says " + length + ", trailer says " + trailer);
        }
    }

    private void packet(long offset, int length, long interfaceId, long tsHigh, long tsLow, long captured,
                        long original, int dataStart) throws CaptureFormatException {
        if (interfaceId >= interfaceCount) {
            throw new CaptureFormatException(file, offset, "packet for an undeclared interface",
                "interface " + interfaceId + ", " + interfaceCount + " declared");
        }
        if (captured > length - dataStart - 4) {
            throw new CaptureFormatException(file, offset, "captured length exceeds its block",
                "captured " + captured + ", block " + length);
        }
        int i = (int) interfaceId;
        recordOffset = offset;
        dataIndex = in.position() + dataStart;
        capturedLength = (int) captured;
        originalLength = (int) Math.min(original, Integer.MAX_VALUE);
        linkType = interfaceLinkType[i];
        timestampNanos = toNanos((tsHigh << 32) | tsLow, interfaceTsResol[i]) + interfaceTsOffsetNanos[i];
    }

    private void addInterface(long offset, int length) throws CaptureFormatException {
        if (interfaceCount == interfaceLinkType.length) {
            int capacity = interfaceCount * 2;
            interfaceLinkType = Arrays.copyOf(interfaceLinkType, capacity);
            interfaceTsResol = Arrays.copyOf(interfaceTsResol, capacity);
            interfaceTsOffsetNanos = Arrays.copyOf(interfaceTsOffsetNanos, capacity);
        }
        int resolution = DEFAULT_TSRESOL;
        long tsOffsetSeconds = 0;
        int end = length - 4;
        // options: code (2), length (2), value padded to 4; every step moves on by at least 4, up to the trailer
        for (int o = 16; o + 4 <= end; ) {
            int code = in.u16(o, littleEndian);
            int optionLength = in.u16(o + 2, littleEndian);
            if (code == OPT_END || o + 4 + optionLength > end) {
                break;
            }
            if (code == OPT_IF_TSRESOL && optionLength >= 1) {
                resolution = in.u8(o + 4);
            } else if (code == OPT_IF_TSOFFSET && optionLength >= 8) {
                tsOffsetSeconds = in.i64(o + 4, littleEndian);
            }
            o += 4 + ((optionLength + 3) & ~3);
        }
        boolean binary = (resolution & 0x80) != 0;
        int exponent = resolution & 0x7f;
        if (binary ? exponent > 63 : exponent > 27) {
            throw new CaptureFormatException(file, offset, "unsupported timestamp resolution",
                String.format("if_tsresol 0x%02x", resolution));
        }
        interfaceLinkType[interfaceCount] = in.u16(8, littleEndian);
        interfaceTsResol[interfaceCount] = resolution;
        interfaceTsOffsetNanos[interfaceCount] = tsOffsetSeconds * NANOS_PER_SECOND;
        interfaceCount++;
    }

    /**
     * Converts a pcapng timestamp to nanoseconds. {@code if_tsresol}: high bit clear = units of 10^-e seconds,
     * set = units of 2^-e seconds (pcapng spec, section "Interface Description Block" options).
     */
    static long toNanos(long ticks, int tsResol) {
        int exponent = tsResol & 0x7f;
        if ((tsResol & 0x80) == 0) {
            return exponent <= 9 ? ticks * POW10[9 - exponent] : Long.divideUnsigned(ticks, POW10[exponent - 9]);
        }
        if (exponent == 0) {
            return ticks * NANOS_PER_SECOND;
        }
        long seconds = ticks >>> exponent;
        long fraction = ticks << (64 - exponent); // binary fraction of a second, scaled to 2^64
        // unsigned high word of fraction * 10^9 (Math.unsignedMultiplyHigh is Java 18)
        long fractionNanos = Math.multiplyHigh(fraction, NANOS_PER_SECOND) + ((fraction >> 63) & NANOS_PER_SECOND);
        return seconds * NANOS_PER_SECOND + fractionNanos;
    }

    /** The file format (from the magic number). */
    public Format format() {
        return format;
    }

    /** The buffer holding the current packet; valid until the next call to {@link #next()}. */
    public ByteBuffer buffer() {
        return in.buffer();
    }

    /** Index in {@link #buffer()} of the current packet's IP header. */
    public int ipOffset() {
        return ipOffset;
    }

    /** Captured bytes from the IP header to the end of the frame (may include link-layer trailers or FCS). */
    public int ipLength() {
        return ipLength;
    }

    /** Capture time of the current packet in nanoseconds since the epoch (the previous packet's for pcapng SPBs). */
    public long timestampNanos() {
        return timestampNanos;
    }

    /** Link type (tcpdump.org LINKTYPE_ number) of the current packet. */
    public int linkType() {
        return linkType;
    }

    /** Index in {@link #buffer()} of the current packet's first link-layer byte. */
    public int frameOffset() {
        return dataIndex;
    }

    /** Captured length of the current frame, link layer included. */
    public int capturedLength() {
        return capturedLength;
    }

    /** Length of the current frame on the wire (at least {@link #capturedLength()} in a sane file). */
    public int originalLength() {
        return originalLength;
    }

    /** File offset of the current packet's record or block. */
    public long recordOffset() {
        return recordOffset;
    }

    /** Packet records read so far, IP or not. */
    public long packets() {
        return packets;
    }

    /** Packet records skipped so far because their frame carries no IP (or has an unsupported link type). */
    public long skippedPackets() {
        return skippedPackets;
    }

    /** The capture file as named when opened. */
    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
