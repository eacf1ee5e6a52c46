package org.btblocker.app.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.btblocker.api.packet.PacketView;
import org.btblocker.app.capture.CaptureFormatException;
import org.btblocker.app.capture.CaptureReader;

/**
 * Every TCP/UDP packet of the corpus captures, copied back to back into one direct buffer, in capture order, with
 * the ring padded to a power of two so that benchmarks index it with a mask.
 */
final class CorpusPackets {

    final ByteBuffer buffer;
    final int[] offsets;
    final int[] lengths;
    final int mask;
    final long bytes;

    private CorpusPackets(ByteBuffer buffer, int[] offsets, int[] lengths, long bytes) {
        this.buffer = buffer;
        this.offsets = offsets;
        this.lengths = lengths;
        this.mask = offsets.length - 1;
        this.bytes = bytes;
    }

    static Path corpusDir() {
        Path dir = Path.of(System.getProperty("btblocker.corpus", "../shared/corpus"));
        if (!Files.isDirectory(dir.resolve("pcap"))) {
            dir = Path.of("../../shared/corpus");
        }
        if (!Files.isDirectory(dir.resolve("pcap"))) {
            throw new IllegalStateException("corpus not found: run from the repository root with ../shared/corpus "
                + "beside it, or pass -Dbtblocker.corpus=DIR");
        }
        return dir;
    }

    static CorpusPackets load(Path pcapDir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(pcapDir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        List<byte[]> packets = new ArrayList<>();
        PacketView view = new PacketView();
        for (Path file : files) {
            try (CaptureReader reader = CaptureReader.open(file)) {
                while (reader.next()) {
                    view.reset(reader.buffer(), reader.ipOffset(), reader.ipLength());
                    if (view.isParseable()) {
                        byte[] copy = new byte[reader.ipLength()];
                        reader.buffer().get(reader.ipOffset(), copy);
                        packets.add(copy);
                    }
                }
            } catch (CaptureFormatException e) {
                // nDPI's suite has deliberately broken captures: keep what was read before the damage
            }
        }
        int ring = Integer.highestOneBit(Math.max(1, packets.size() - 1)) << 1;
        long total = 0;
        for (byte[] p : packets) {
            total += p.length;
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) total);
        int[] offsets = new int[ring];
        int[] lengths = new int[ring];
        int position = 0;
        for (int i = 0; i < packets.size(); i++) {
            offsets[i] = position;
            lengths[i] = packets.get(i).length;
            buffer.put(position, packets.get(i));
            position += lengths[i];
        }
        for (int i = packets.size(); i < ring; i++) { // pad the ring by repeating from the start
            offsets[i] = offsets[i - packets.size()];
            lengths[i] = lengths[i - packets.size()];
        }
        return new CorpusPackets(buffer, offsets, lengths, total);
    }
}
