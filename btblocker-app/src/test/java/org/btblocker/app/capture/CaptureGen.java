package org.btblocker.app.capture;

import java.nio.ByteOrder;
import java.util.List;
import java.util.function.UnaryOperator;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/** QuickTheories generators: capture files with known packets, and mutations of them. */
final class CaptureGen {

    private CaptureGen() {
    }

    /** A link type with the function that wraps an IP packet into one of its frames. */
    record Link(String name, int linkType, UnaryOperator<byte[]> wrap) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Link> LINKS = List.of(
        new Link("ethernet", 1, ip -> CaptureWriter.ipEthernet(ip)),
        new Link("vlan", 1, ip -> CaptureWriter.ipEthernet(ip, 0x8100)),
        new Link("qinq", 1, ip -> CaptureWriter.ipEthernet(ip, 0x88a8, 0x8100)),
        new Link("mpls", 1, ip -> CaptureWriter.mplsEthernet(2, ip)),
        new Link("pppoe", 1, CaptureWriter::pppoeEthernet),
        new Link("sll", 113, CaptureWriter::sll),
        new Link("sll2", 276, CaptureWriter::sll2),
        new Link("raw", 101, ip -> ip),
        new Link("null", 0, ip -> CaptureWriter.loopback((ip[0] >> 4) == 4 ? 2 : 30, ByteOrder.LITTLE_ENDIAN, ip)),
        new Link("loop", 108, ip -> CaptureWriter.loopback((ip[0] >> 4) == 4 ? 2 : 24, ByteOrder.BIG_ENDIAN, ip)));

    /** A packet to write: capture time in nanoseconds and the IP bytes. */
    record Packet(long timestampNanos, byte[] ip) {
    }

    /** Random TCP/UDP over IPv4/IPv6 with up to 300 bytes of payload, at a random time (microsecond multiple). */
    static Gen<Packet> packets() {
        Gen<Integer> kind = Generate.range(0, 3);
        Gen<Integer> address = SourceDSL.integers().all();
        Gen<Integer> port = Generate.range(0, 65535);
        Gen<byte[]> payload = Generate.byteArrays(Generate.range(0, 300), Generate.bytes(Byte.MIN_VALUE,
            Byte.MAX_VALUE, (byte) 0));
        Gen<Long> micros = Generate.longRange(0, 4_000_000_000_000_000L);
        return kind.zip(address, port, payload, (k, a, p, data) -> {
            switch (k) {
                case 0: return CaptureWriter.ipv4Udp(a, ~a, p, 65535 - p, data);
                case 1: return CaptureWriter.ipv4Tcp(a, a ^ 0x5555, p, 6881, 0x18, data);
                default: return CaptureWriter.ipv6Udp(CaptureWriter.v6(a), CaptureWriter.v6(p), p, 53, data);
            }
        }).zip(micros, (ip, us) -> new Packet(us * 1000, ip));
    }

    /** A pcap file with its packets. */
    record PcapCase(ByteOrder order, boolean nanos, Link link, List<Packet> packets) {
        byte[] bytes() {
            CaptureWriter w = CaptureWriter.pcap(order, nanos, link.linkType());
            for (Packet p : packets) {
                long seconds = p.timestampNanos() / 1_000_000_000L;
                long nanosPart = p.timestampNanos() % 1_000_000_000L;
                w.record(seconds, nanos ? nanosPart : nanosPart / 1000, link.wrap().apply(p.ip()));
            }
            return w.toBytes();
        }
    }

    static Gen<PcapCase> pcaps() {
        return Generate.pick(List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN))
            .zip(Generate.booleans(), Generate.pick(LINKS), SourceDSL.lists().of(packets()).ofSizeBetween(0, 12),
                PcapCase::new);
    }

    /** A pcapng file: up to three interfaces with a link type and decimal resolution each; packets spread over them. */
    record PcapngCase(ByteOrder order, List<Link> interfaces, List<Integer> resolutions, List<Packet> packets,
                      List<Integer> interfaceOfPacket, int splitSectionAt) {
        byte[] bytes() {
            CaptureWriter w = CaptureWriter.pcapng(order);
            declare(w);
            for (int i = 0; i < packets.size(); i++) {
                if (i == splitSectionAt) { // a second section in the other byte order, same interfaces
                    w.section(order == ByteOrder.BIG_ENDIAN ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
                    declare(w);
                }
                int iface = interfaceOfPacket.get(i);
                Packet p = packets.get(i);
                long ticks = p.timestampNanos() / pow10(9 - resolutions.get(iface));
                byte[] frame = interfaces.get(iface).wrap().apply(p.ip());
                if (i % 5 == 4 && iface == 0) {
                    w.spb(frame, frame.length);
                } else {
                    w.epb(iface, ticks, frame);
                }
            }
            return w.toBytes();
        }

        private void declare(CaptureWriter w) {
            for (int i = 0; i < interfaces.size(); i++) {
                w.iface(interfaces.get(i).linkType(), resolutions.get(i), 0);
            }
            w.block(0x0bad, new byte[] {1, 2, 3, 4}); // a block the reader does not know
        }

        /** Timestamp the reader should report for packet {@code i} (SPBs repeat the previous one). */
        long expectedTimestamp(int i) {
            if (i % 5 == 4 && interfaceOfPacket.get(i) == 0) {
                return i == 0 ? 0 : expectedTimestamp(i - 1);
            }
            long unit = pow10(9 - resolutions.get(interfaceOfPacket.get(i)));
            return p(i).timestampNanos() / unit * unit;
        }

        private Packet p(int i) {
            return packets.get(i);
        }
    }

    static Gen<PcapngCase> pcapngs() {
        Gen<List<Link>> interfaces = SourceDSL.lists().of(Generate.pick(LINKS)).ofSizeBetween(1, 3);
        Gen<List<Integer>> resolutions = SourceDSL.lists().of(Generate.pick(List.of(3, 6, 9))).ofSize(3);
        Gen<List<Packet>> packets = SourceDSL.lists().of(packets()).ofSizeBetween(0, 12);
        return Generate.pick(List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN))
            .zip(interfaces, resolutions, packets, (o, ifs, res, ps) -> new Object[] {o, ifs, res, ps})
            .flatMap(a -> {
                @SuppressWarnings("unchecked") List<Link> ifs = (List<Link>) a[1];
                @SuppressWarnings("unchecked") List<Integer> res = (List<Integer>) a[2];
                @SuppressWarnings("unchecked") List<Packet> ps = (List<Packet>) a[3];
                Gen<List<Integer>> which = SourceDSL.lists().of(Generate.range(0, ifs.size() - 1)).ofSize(ps.size());
                return which.zip(Generate.range(0, Math.max(0, ps.size())), (w, split) ->
                    new PcapngCase((ByteOrder) a[0], ifs, res, ps, w, split));
            });
    }

    /** Any valid file, pcap or pcapng. */
    static Gen<byte[]> validFiles() {
        return pcaps().map(PcapCase::bytes).mix(pcapngs().map(PcapngCase::bytes));
    }

    /** Valid files with 1 to 8 bytes overwritten at random positions. */
    static Gen<byte[]> mutatedFiles() {
        Gen<List<Integer>> positions = SourceDSL.lists().of(Generate.range(0, Integer.MAX_VALUE)).ofSizeBetween(1, 8);
        Gen<List<Integer>> values = SourceDSL.lists().of(Generate.range(0, 255)).ofSize(8);
        return validFiles().zip(positions, values, (file, ps, vs) -> {
            byte[] m = file.clone();
            for (int i = 0; i < ps.size(); i++) {
                m[ps.get(i) % m.length] = (byte) (int) vs.get(i);
            }
            return m;
        });
    }

    /** Valid files cut short at a random length. */
    static Gen<byte[]> truncatedFiles() {
        return validFiles().zip(Generate.range(0, Integer.MAX_VALUE), (file, cut) -> {
            byte[] t = new byte[cut % (file.length + 1)];
            System.arraycopy(file, 0, t, 0, t.length);
            return t;
        });
    }

    /** Random bytes, usually behind a valid magic number so that the reader gets past the first check. */
    static Gen<byte[]> randomFiles() {
        Gen<byte[]> body = Generate.byteArrays(Generate.range(0, 400), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE,
            (byte) 0));
        Gen<Integer> magic = Generate.pick(List.of(0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1, 0x0a0d0d0a,
            0x12345678));
        return magic.zip(body, (m, b) -> {
            byte[] file = new byte[4 + b.length];
            file[0] = (byte) (m >>> 24);
            file[1] = (byte) (m >>> 16);
            file[2] = (byte) (m >>> 8);
            file[3] = (byte) (int) m;
            System.arraycopy(b, 0, file, 4, b.length);
            if (m == 0x0a0d0d0a && b.length >= 8) { // give the section header a valid byte-order magic
                file[8] = 0x4d;
                file[9] = 0x3c;
                file[10] = 0x2b;
                file[11] = 0x1a;
            }
            return file;
        });
    }

    static long pow10(int e) {
        long v = 1;
        for (int i = 0; i < e; i++) {
            v *= 10;
        }
        return v;
    }
}
