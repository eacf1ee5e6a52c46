package org.btblocker.app.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.btblocker.app.capture.CaptureWriter.ethernet;
import static org.btblocker.app.capture.CaptureWriter.ipEthernet;
import static org.btblocker.app.capture.CaptureWriter.ipv4Tcp;
import static org.btblocker.app.capture.CaptureWriter.ipv4Udp;
import static org.btblocker.app.capture.CaptureWriter.ipv6Udp;
import static org.btblocker.app.capture.CaptureWriter.loopback;
import static org.btblocker.app.capture.CaptureWriter.v6;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.btblocker.api.packet.Addresses;
import org.btblocker.api.packet.PacketView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CaptureReaderTest {

    static final int A = 0x0a000001; // 10.0.0.1
    static final int B = 0xc0a80102; // 192.168.1.2
    static final byte[] HELLO = {'h', 'e', 'l', 'l', 'o'};
    static final byte[] UDP4 = ipv4Udp(A, B, 6881, 51413, HELLO);
    static final byte[] UDP6 = ipv6Udp(v6(1), v6(2), 6881, 51413, HELLO);

    @TempDir
    Path dir;

    /** Reads every IP packet: its IP bytes, timestamp and link type. */
    static List<Packet> readAll(byte[] file) throws IOException {
        List<Packet> packets = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(Path.of("test.pcap"),
                Channels.newChannel(new ByteArrayInputStream(file)))) {
            while (r.next()) {
                ByteBuffer b = r.buffer();
                assertThat(r.ipOffset() + r.ipLength()).isLessThanOrEqualTo(b.limit());
                byte[] ip = new byte[r.ipLength()];
                b.get(r.ipOffset(), ip);
                packets.add(new Packet(r.timestampNanos(), r.linkType(), ip));
            }
        }
        return packets;
    }

    record Packet(long timestampNanos, int linkType, byte[] ip) {
        PacketView view() {
            return new PacketView().reset(ByteBuffer.wrap(ip), 0, ip.length);
        }
    }

    @Test
    void pcapLittleEndianMicrosecondsEthernet() throws IOException {
        byte[] file = CaptureWriter.pcap(ByteOrder.LITTLE_ENDIAN, false, 1)
            .record(1_700_000_000L, 123_456, ipEthernet(UDP4))
            .record(1_700_000_001L, 999_999, ipEthernet(ipv4Tcp(B, A, 51413, 6881, PacketView.SYN, new byte[0])))
            .toBytes();

        List<Packet> packets = readAll(file);

        assertThat(packets).hasSize(2);
        assertThat(packets.get(0).timestampNanos()).isEqualTo(1_700_000_000_123_456_000L);
        assertThat(packets.get(0).ip()).isEqualTo(UDP4);
        assertThat(packets.get(0).linkType()).isEqualTo(1);
        PacketView udp = packets.get(0).view();
        assertThat(udp.isUdp()).isTrue();
        assertThat(Addresses.format(udp.srcHi(), udp.srcLo(), udp.srcPort())).isEqualTo("10.0.0.1:6881");
        assertThat(Addresses.format(udp.dstHi(), udp.dstLo(), udp.dstPort())).isEqualTo("192.168.1.2:51413");
        assertThat(packets.get(1).timestampNanos()).isEqualTo(1_700_000_001_999_999_000L);
        assertThat(packets.get(1).view().hasTcpFlags(PacketView.SYN)).isTrue();
    }

    @Test
    void pcapBigEndianNanoseconds() throws IOException {
        byte[] file = CaptureWriter.pcap(ByteOrder.BIG_ENDIAN, true, 101)
            .record(3_000_000_000L, 999_999_999, UDP6)
            .toBytes();

        List<Packet> packets = readAll(file);

        assertThat(packets).hasSize(1);
        assertThat(packets.get(0).timestampNanos()).isEqualTo(3_000_000_000_999_999_999L);
        assertThat(packets.get(0).ip()).isEqualTo(UDP6);
        PacketView v = packets.get(0).view();
        assertThat(Addresses.format(v.srcHi(), v.srcLo(), v.srcPort())).isEqualTo("[2001:db8::1]:6881");
    }

    @Test
    void readsFromAFileAndReportsCounts() throws IOException {
        Path file = CaptureWriter.pcap(ByteOrder.LITTLE_ENDIAN, false, 1)
            .record(1, 0, ipEthernet(UDP4))
            .record(2, 0, ethernet(0x0806, new byte[28]))   // ARP: skipped
            .record(3, 0, ipEthernet(UDP6))
            .writeTo(dir.resolve("two.pcap"));
        try (CaptureReader r = CaptureReader.open(file)) {
            assertThat(r.format()).isEqualTo(CaptureReader.Format.PCAP);
            assertThat(r.next()).isTrue();
            assertThat(r.recordOffset()).isEqualTo(24);
            assertThat(r.frameOffset()).isEqualTo(r.ipOffset() - 14);
            assertThat(r.capturedLength()).isEqualTo(14 + UDP4.length);
            assertThat(r.next()).isTrue();
            assertThat(r.timestampNanos()).isEqualTo(3_000_000_000L);
            assertThat(r.next()).isFalse();
            assertThat(r.next()).isFalse();
            assertThat(r.packets()).isEqualTo(3);
            assertThat(r.skippedPackets()).isEqualTo(1);
        }
    }

    static Stream<Arguments> linkTypes() {
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        ByteOrder be = ByteOrder.BIG_ENDIAN;
        return Stream.of(
            Arguments.of("ethernet v4", 1, ipEthernet(UDP4), UDP4),
            Arguments.of("ethernet v6", 1, ipEthernet(UDP6), UDP6),
            Arguments.of("802.1Q", 1, ipEthernet(UDP4, 0x8100), UDP4),
            Arguments.of("802.1ad QinQ", 1, ipEthernet(UDP4, 0x88a8, 0x8100), UDP4),
            Arguments.of("old QinQ 0x9100", 1, ipEthernet(UDP6, 0x9100, 0x8100), UDP6),
            Arguments.of("three tags", 1, ipEthernet(UDP4, 0x88a8, 0x8100, 0x8100), UDP4),
            Arguments.of("MPLS one label", 1, CaptureWriter.mplsEthernet(1, UDP4), UDP4),
            Arguments.of("MPLS three labels", 1, CaptureWriter.mplsEthernet(3, UDP6), UDP6),
            Arguments.of("PPPoE session", 1, CaptureWriter.pppoeEthernet(UDP4), UDP4),
            Arguments.of("PPPoE session v6", 1, CaptureWriter.pppoeEthernet(UDP6), UDP6),
            Arguments.of("802.3 LLC/SNAP", 1, llcSnap(UDP4), UDP4),
            Arguments.of("Linux SLL", 113, CaptureWriter.sll(UDP4), UDP4),
            Arguments.of("Linux SLL v6", 113, CaptureWriter.sll(UDP6), UDP6),
            Arguments.of("Linux SLL2", 276, CaptureWriter.sll2(UDP4), UDP4),
            Arguments.of("Linux SLL2 v6", 276, CaptureWriter.sll2(UDP6), UDP6),
            Arguments.of("raw 101 v4", 101, UDP4, UDP4),
            Arguments.of("raw 101 v6", 101, UDP6, UDP6),
            Arguments.of("raw 12", 12, UDP4, UDP4),
            Arguments.of("raw 14", 14, UDP6, UDP6),
            Arguments.of("IPv4 228", 228, UDP4, UDP4),
            Arguments.of("IPv6 229", 229, UDP6, UDP6),
            Arguments.of("null AF_INET little-endian", 0, loopback(2, le, UDP4), UDP4),
            Arguments.of("null AF_INET big-endian", 0, loopback(2, be, UDP4), UDP4),
            Arguments.of("null AF_INET6 Linux", 0, loopback(10, le, UDP6), UDP6),
            Arguments.of("null AF_INET6 BSD", 0, loopback(24, le, UDP6), UDP6),
            Arguments.of("null AF_INET6 FreeBSD", 0, loopback(28, be, UDP6), UDP6),
            Arguments.of("null AF_INET6 macOS", 0, loopback(30, le, UDP6), UDP6),
            Arguments.of("OpenBSD loop", 108, loopback(2, be, UDP4), UDP4),
            Arguments.of("OpenBSD loop v6", 108, loopback(24, be, UDP6), UDP6),
            Arguments.of("PPP with address/control", 9, concat(new byte[] {(byte) 0xff, 3, 0, 0x21}, UDP4), UDP4),
            Arguments.of("PPP compressed protocol", 9, concat(new byte[] {0x57}, UDP6), UDP6),
            Arguments.of("PPP carrying Cisco HDLC", 9, concat(new byte[] {0x0f, 0, 0x08, 0}, UDP4), UDP4),
            Arguments.of("Cisco HDLC", 104, concat(new byte[] {(byte) 0x8f, 0, (byte) 0x86, (byte) 0xdd}, UDP6), UDP6),
            Arguments.of("PPI over Ethernet", 192, concat(new byte[] {0, 0, 8, 0, 1, 0, 0, 0}, ipEthernet(UDP4)), UDP4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("linkTypes")
    void findsTheIpHeaderForEveryLinkType(String name, int linkType, byte[] frame, byte[] ip) throws IOException {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            byte[] pcap = CaptureWriter.pcap(order, false, linkType).record(7, 8, frame).toBytes();
            byte[] pcapng = CaptureWriter.pcapng(order).iface(linkType).epb(0, 7_000_008L, frame).toBytes();
            for (byte[] file : new byte[][] {pcap, pcapng}) {
                List<Packet> packets = readAll(file);
                assertThat(packets).as(name).hasSize(1);
                assertThat(packets.get(0).ip()).as(name).isEqualTo(ip);
                assertThat(packets.get(0).linkType()).isEqualTo(linkType);
                assertThat(packets.get(0).timestampNanos()).isEqualTo(7_000_008_000L);
                assertThat(packets.get(0).view().isParseable()).as(name).isTrue();
            }
        }
    }

    static Stream<Arguments> notIp() {
        return Stream.of(
            Arguments.of("ARP", 1, ethernet(0x0806, new byte[28])),
            Arguments.of("VLAN carrying ARP", 1, ethernet(0x0806, new byte[28], 0x8100)),
            Arguments.of("Ethernet header only", 1, ethernet(0x0800, new byte[0])),
            Arguments.of("short Ethernet", 1, new byte[10]),
            Arguments.of("802.3 without SNAP", 1, ethernet(40, new byte[40])),
            Arguments.of("raw non-IP version", 101, new byte[] {0x50, 0, 0, 0}),
            Arguments.of("IPv4 link type with IPv6", 228, UDP6),
            Arguments.of("null with AF 7", 0, loopback(7, ByteOrder.LITTLE_ENDIAN, new byte[] {0x10})),
            Arguments.of("SLL carrying ARP", 113, new byte[] {0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 8, 6, 1}),
            Arguments.of("PPP LCP", 9, new byte[] {(byte) 0xff, 3, (byte) 0xc0, 0x21, 1, 1}),
            Arguments.of("unknown link type", 147, UDP4),
            Arguments.of("MPLS without bottom of stack", 1, ethernet(0x8847, new byte[] {0, 0, 0, 0})),
            Arguments.of("PPI inside PPI", 192, concat(new byte[] {0, 0, 8, 0, (byte) 192, 0, 0, 0}, UDP4)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notIp")
    void skipsAndCountsFramesWithoutIp(String name, int linkType, byte[] frame) throws IOException {
        byte[] file = CaptureWriter.pcap(ByteOrder.LITTLE_ENDIAN, false, linkType)
            .record(1, 0, frame).toBytes();
        try (CaptureReader r = CaptureReader.open(Path.of("x.pcap"),
                Channels.newChannel(new ByteArrayInputStream(file)))) {
            assertThat(r.next()).as(name).isFalse();
            assertThat(r.packets()).isEqualTo(1);
            assertThat(r.skippedPackets()).isEqualTo(1);
        }
    }

    @Test
    void snapTruncatedPacketsAreDeliveredAsCaptured() throws IOException {
        byte[] big = ipv4Udp(A, B, 1000, 2000, new byte[1000]);
        byte[] snapped = Arrays.copyOf(ipEthernet(big), 14 + 28 + 10);
        byte[] file = CaptureWriter.pcap(ByteOrder.LITTLE_ENDIAN, false, 1)
            .record(1, 0, snapped, 14 + big.length).toBytes();

        List<Packet> packets = readAll(file);

        assertThat(packets).hasSize(1);
        assertThat(packets.get(0).ip()).hasSize(38);
        PacketView v = packets.get(0).view();
        assertThat(v.isParseable()).isTrue();
        assertThat(v.dstPort()).isEqualTo(2000);
        assertThat(v.payloadLength()).isEqualTo(10);
    }

    @Test
    void pcapngInterfacesResolutionsAndPacketBlocks() throws IOException {
        byte[] file = CaptureWriter.pcapng(ByteOrder.LITTLE_ENDIAN)
            .iface(1)                        // 0: Ethernet, microseconds
            .iface(101, 9, 0)                // 1: raw, nanoseconds
            .iface(113, 0x80 | 20, 100)      // 2: SLL, 2^-20 s, offset 100 s
            .iface(228, 3, 0)                // 3: raw IPv4, milliseconds
            .block(0x0bad, new byte[] {1, 2, 3, 4, 5, 6, 7, 8})        // unknown block: skipped
            .epb(0, 1_500_000L, ipEthernet(UDP4))
            .epb(1, 1_500_000_123L, UDP6)
            .epb(2, (5L << 20) | (1L << 19), CaptureWriter.sll(UDP4)) // 5.5 s
            .epb(3, 42, UDP4)
            .opb(1, 77, UDP4)
            .spb(ipEthernet(UDP6), 14 + UDP6.length)
            .block(5, new byte[12])          // interface statistics: skipped
            .toBytes();

        List<Packet> packets = readAll(file);

        assertThat(packets).extracting(Packet::timestampNanos).containsExactly(
            1_500_000_000L, 1_500_000_123L, 105_500_000_000L, 42_000_000L, 77L, 77L);
        assertThat(packets).extracting(Packet::linkType).containsExactly(1, 101, 113, 228, 101, 1);
        assertThat(packets).extracting(Packet::ip).containsExactly(UDP4, UDP6, UDP4, UDP4, UDP4, UDP6);
    }

    @Test
    void pcapngSectionsMayChangeByteOrderAndRedeclareInterfaces() throws IOException {
        byte[] file = CaptureWriter.pcapng(ByteOrder.BIG_ENDIAN)
            .iface(1, 9, 0)
            .epb(0, 10, ipEthernet(UDP4))
            .section(ByteOrder.LITTLE_ENDIAN)
            .iface(101)
            .epb(0, 20, UDP6)
            .section(ByteOrder.BIG_ENDIAN)
            .iface(229, 6, 0)
            .epb(0, 30, UDP6)
            .toBytes();

        List<Packet> packets = readAll(file);

        assertThat(packets).extracting(Packet::timestampNanos).containsExactly(10L, 20_000L, 30_000L);
        assertThat(packets).extracting(Packet::linkType).containsExactly(1, 101, 229);
        assertThat(packets.get(1).ip()).isEqualTo(UDP6);
    }

    @Test
    void interfacesDoNotCarryOverToTheNextSection() {
        byte[] file = CaptureWriter.pcapng(ByteOrder.LITTLE_ENDIAN)
            .iface(1)
            .section(ByteOrder.LITTLE_ENDIAN)
            .epb(0, 1, ipEthernet(UDP4))
            .toBytes();
        int secondSection = 28 + 24;

        assertThatThrownBy(() -> readAll(file))
            .isInstanceOf(CaptureFormatException.class)
            .hasMessage("test.pcap: packet for an undeclared interface at byte %d (interface 0, 0 declared)",
                secondSection + 28);
    }

    @Test
    void binaryAndDecimalResolutions() {
        assertThat(CaptureReader.toNanos(1, 6)).isEqualTo(1000);
        assertThat(CaptureReader.toNanos(1, 9)).isEqualTo(1);
        assertThat(CaptureReader.toNanos(1_000, 12)).isEqualTo(1);
        assertThat(CaptureReader.toNanos(7, 0)).isEqualTo(7_000_000_000L);
        assertThat(CaptureReader.toNanos(3, 0x80)).isEqualTo(3_000_000_000L);
        assertThat(CaptureReader.toNanos(1L << 30, 0x80 | 30)).isEqualTo(1_000_000_000L);
        assertThat(CaptureReader.toNanos(3L << 61, 0x80 | 63)).isEqualTo(750_000_000L);
        assertThat(CaptureReader.toNanos(-1L, 0x80 | 63)).isEqualTo(1_999_999_999L);
    }

    // ---- corrupt files

    @Test
    void truncatedPacketRecordNamesTheRecordOffset() {
        byte[] full = CaptureWriter.pcap(ByteOrder.LITTLE_ENDIAN, false, 101)
            .record(1, 0, UDP4).record(2, 0, UDP4).toBytes();
        byte[] cut = Arrays.copyOf(full, full.length - 5);
        int second = 24 + 16 + UDP4.length;

        assertThatThrownBy(() -> readAll(cut))
            .isInstanceOf(CaptureFormatException.class)
            .hasMessage("test.pcap: truncated packet record at byte %d (needs %d bytes, %d left)",
                second, 16 + UDP4.length, 16 + UDP4.length - 5)
            .satisfies(e -> assertThat(((CaptureFormatException) e).byteOffset()).isEqualTo(second));
    }

    @Test
    void truncatedRecordHeader() {
        byte[] full = CaptureWriter.pcap(ByteOrder.BIG_ENDIAN, false, 101).record(1, 0, UDP4).toBytes();
        byte[] cut = Arrays.copyOf(full, full.length + 7);

        assertThatThrownBy(() -> readAll(cut))
            .hasMessage("test.pcap: truncated packet record header at byte %d (needs 16 bytes, 7 left)",
                full.length);
    }

    @Test
    void implausibleLengthIsCorruption() {
        byte[] file = CaptureWriter.pcap(ByteOrder.LITTLE_ENDIAN, false, 101).u32(0).u32(0)
            .u32(0x7fff_ffff).u32(60).toBytes();

        assertThatThrownBy(() -> readAll(file))
            .hasMessage("test.pcap: implausible packet length at byte 24 (captured length 2147483647)");
    }

    @Test
    void badMagicShortFileAndTruncatedHeader() {
        assertThatThrownBy(() -> readAll(new byte[] {1, 2, 3, 4, 5, 6}))
            .isInstanceOf(CaptureFormatException.class)
            .hasMessage("test.pcap: not a pcap or pcapng file at byte 0 (magic 0x01020304)");
        assertThatThrownBy(() -> readAll(new byte[0]))
            .hasMessage("test.pcap: file too short for a capture header at byte 0 (needs 4 bytes, 0 left)");
        assertThatThrownBy(() -> readAll(new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1, 2, 0}))
            .hasMessage("test.pcap: truncated file header at byte 0 (needs 24 bytes, 6 left)");
    }

    @Test
    void pcapngCorruptions() {
        byte[] good = CaptureWriter.pcapng(ByteOrder.LITTLE_ENDIAN).iface(1).epb(0, 1, ipEthernet(UDP4)).toBytes();
        int idb = 28;
        int epb = idb + 20 + 4;

        byte[] badLength = good.clone();
        ByteBuffer.wrap(badLength).order(ByteOrder.LITTLE_ENDIAN).putInt(epb + 4, 13);
        assertThatThrownBy(() -> readAll(badLength))
            .hasMessage("test.pcap: bad block length at byte %d (block type 0x6, length 13)", epb);

        byte[] mismatch = good.clone();
        ByteBuffer.wrap(mismatch).order(ByteOrder.LITTLE_ENDIAN).putInt(good.length - 4, 64);
        assertThatThrownBy(() -> readAll(mismatch))
            .hasMessage("test.pcap: block length mismatch at byte %d (header says %d, trailer says 64)",
                epb, good.length - epb);

        byte[] cut = Arrays.copyOf(good, good.length - 8);
        assertThatThrownBy(() -> readAll(cut))
            .hasMessage("test.pcap: truncated block at byte %d (block type 0x6 needs %d bytes, %d left)",
                epb, good.length - epb, good.length - epb - 8);

        byte[] bom = good.clone();
        bom[8] = 0x11;
        assertThatThrownBy(() -> readAll(bom))
            .hasMessage("test.pcap: bad byte-order magic in section header at byte 0 (0x113c2b1a)");

        byte[] capturedTooLong = good.clone();
        ByteBuffer.wrap(capturedTooLong).order(ByteOrder.LITTLE_ENDIAN).putInt(epb + 20, 4000);
        assertThatThrownBy(() -> readAll(capturedTooLong))
            .hasMessageStartingWith("test.pcap: captured length exceeds its block at byte " + epb);

        byte[] unknownTruncated = CaptureWriter.pcapng(ByteOrder.BIG_ENDIAN).block(0x99, new byte[40]).toBytes();
        assertThatThrownBy(() -> readAll(Arrays.copyOf(unknownTruncated, 50)))
            .hasMessage("test.pcap: truncated block at byte 28 (block type 0x99 needs 52 bytes, 22 left)");

        byte[] tail = Arrays.copyOf(good, good.length + 5);
        assertThatThrownBy(() -> readAll(tail))
            .hasMessage("test.pcap: truncated block header at byte %d (needs 12 bytes, 5 left)", good.length);

        byte[] resolution = CaptureWriter.pcapng(ByteOrder.LITTLE_ENDIAN).iface(1, 40, 0).toBytes();
        assertThatThrownBy(() -> readAll(resolution))
            .hasMessage("test.pcap: unsupported timestamp resolution at byte 28 (if_tsresol 0x28)");
    }

    @Test
    void largePacketsGrowTheBufferAndSmallOnesReuseIt() throws IOException {
        byte[] big = ipv4Udp(A, B, 1, 2, new byte[1 << 20]);
        CaptureWriter w = CaptureWriter.pcap(ByteOrder.LITTLE_ENDIAN, false, 101);
        for (int i = 0; i < 2000; i++) {
            w.record(i, 0, i % 500 == 0 ? big : UDP4);
        }
        List<Packet> packets = readAll(w.toBytes());
        assertThat(packets).hasSize(2000);
        assertThat(packets.get(500).ip()).isEqualTo(big);
        assertThat(packets.get(1999).ip()).isEqualTo(UDP4);
    }

    @Test
    void isCaptureMagic() {
        assertThat(CaptureReader.isCaptureMagic(0xa1b2c3d4)).isTrue();
        assertThat(CaptureReader.isCaptureMagic(0xd4c3b2a1)).isTrue();
        assertThat(CaptureReader.isCaptureMagic(0x4d3cb2a1)).isTrue();
        assertThat(CaptureReader.isCaptureMagic(0x0a0d0d0a)).isTrue();
        assertThat(CaptureReader.isCaptureMagic(0x7f454c46)).isFalse();
    }

    static byte[] llcSnap(byte[] ip) {
        byte[] llc = {(byte) 0xaa, (byte) 0xaa, 3, 0, 0, 0, 8, 0};
        return ethernet(llc.length + ip.length, concat(llc, ip));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
