package org.btblocker.app.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.WithQuickTheories;
import org.quicktheories.core.Gen;

class CaptureReaderPropertyTest implements WithQuickTheories {

    @Test
    void pcapPacketsReadBackIdentical() {
        qt().forAll(CaptureGen.pcaps()).checkAssert(c -> {
            List<CaptureReaderTest.Packet> read = read(c.bytes());
            assertThat(read).hasSameSizeAs(c.packets());
            for (int i = 0; i < read.size(); i++) {
                assertThat(read.get(i).ip()).isEqualTo(c.packets().get(i).ip());
                assertThat(read.get(i).timestampNanos()).isEqualTo(c.packets().get(i).timestampNanos());
                assertThat(read.get(i).linkType()).isEqualTo(c.link().linkType());
            }
        });
    }

    @Test
    void pcapngPacketsReadBackIdentical() {
        qt().forAll(CaptureGen.pcapngs()).checkAssert(c -> {
            List<CaptureReaderTest.Packet> read = read(c.bytes());
            assertThat(read).hasSameSizeAs(c.packets());
            for (int i = 0; i < read.size(); i++) {
                assertThat(read.get(i).ip()).isEqualTo(c.packets().get(i).ip());
                assertThat(read.get(i).timestampNanos()).isEqualTo(c.expectedTimestamp(i));
                assertThat(read.get(i).linkType()).isEqualTo(c.interfaces().get(c.interfaceOfPacket().get(i)).linkType());
            }
        });
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void mutatedFilesOnlyEverThrowCaptureFormatException() {
        qt().withExamples(3000).forAll(CaptureGen.mutatedFiles()).checkAssert(CaptureReaderPropertyTest::readsOrRejects);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void truncatedFilesOnlyEverThrowCaptureFormatException() {
        qt().withExamples(2000).forAll(CaptureGen.truncatedFiles()).checkAssert(CaptureReaderPropertyTest::readsOrRejects);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void randomBytesOnlyEverThrowCaptureFormatException() {
        qt().withExamples(3000).forAll(CaptureGen.randomFiles()).checkAssert(CaptureReaderPropertyTest::readsOrRejects);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aMappedFileReadsLikeTheCopyingReaderWhereverTheWindowsEnd() {
        Gen<byte[]> files = CaptureGen.validFiles()
                .mix(CaptureGen.mutatedFiles())
                .mix(CaptureGen.truncatedFiles());
        qt().withExamples(400).forAll(files, integers().between(1, 300)).checkAssert((file, window) -> {
            Path p;
            try {
                p = Files.createTempFile("mapped", ".pcap");
                Files.write(p, file);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            try {
                assertThat(outcome(() -> CaptureReader.open(p, window)))
                        .isEqualTo(outcome(() -> CaptureReader.open(p, Channels.newChannel(
                                new ByteArrayInputStream(file)))));
            } finally {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    // a temporary file left behind
                }
            }
        });
    }

    @Test
    void packetsOfAMappedFileStayReadableAfterTheReaderMovesOn() {
        qt().withExamples(50).forAll(CaptureGen.pcaps()).checkAssert(c -> {
            try {
                Path p = Files.createTempFile("mapped", ".pcap");
                try {
                    Files.write(p, c.bytes());
                    List<ByteBuffer> buffers = new ArrayList<>();
                    List<int[]> at = new ArrayList<>();
                    try (CaptureReader r = CaptureReader.open(p, 64)) {
                        assertThat(r.isMapped()).isTrue();
                        while (r.next()) {
                            buffers.add(r.buffer());
                            at.add(new int[] {r.ipOffset(), r.ipLength()});
                        }
                    }
                    assertThat(buffers).hasSameSizeAs(c.packets());
                    for (int i = 0; i < buffers.size(); i++) { // read after the reader went on (and closed)
                        byte[] ip = new byte[at.get(i)[1]];
                        buffers.get(i).get(at.get(i)[0], ip);
                        assertThat(ip).isEqualTo(c.packets().get(i).ip());
                    }
                } finally {
                    Files.delete(p);
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    @FunctionalInterface
    interface Opener {
        CaptureReader open() throws IOException;
    }

    /** Every packet (bytes and timestamp) and how the read ended, as one comparable string. */
    static String outcome(Opener opener) {
        StringBuilder out = new StringBuilder();
        try (CaptureReader r = opener.open()) {
            while (r.next()) {
                byte[] ip = new byte[r.ipLength()];
                r.buffer().get(r.ipOffset(), ip);
                out.append(r.timestampNanos()).append(' ').append(java.util.Arrays.toString(ip)).append('\n');
            }
            out.append("end ").append(r.packets()).append(' ').append(r.skippedPackets());
        } catch (CaptureFormatException e) {
            out.append("rejected ").append(e.getMessage().replaceFirst("^[^:]*: ", ""));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toString();
    }

    /** Reads the whole file: packets stay inside the buffer, the cursor always moves on, only format errors. */
    static void readsOrRejects(byte[] file) {
        try (CaptureReader r = CaptureReader.open(Path.of("fuzz.pcap"),
                Channels.newChannel(new ByteArrayInputStream(file)))) {
            while (r.next()) {
                ByteBuffer b = r.buffer();
                assertThat(r.ipOffset()).isGreaterThanOrEqualTo(0);
                assertThat(r.ipLength()).isPositive();
                assertThat(r.ipOffset() + r.ipLength()).isLessThanOrEqualTo(b.limit());
                // every record or block takes at least 12 bytes, so this bounds the loop
                assertThat(r.packets()).isLessThanOrEqualTo(file.length / 12);
            }
        } catch (CaptureFormatException expected) {
            assertThat(expected.getMessage()).startsWith("fuzz.pcap: ").doesNotContain("\n");
            assertThat(expected.byteOffset()).isBetween(0L, (long) file.length);
        } catch (IOException e) {
            throw new AssertionError("unexpected " + e, e);
        }
    }

    static List<CaptureReaderTest.Packet> read(byte[] file) {
        try {
            return CaptureReaderTest.readAll(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
