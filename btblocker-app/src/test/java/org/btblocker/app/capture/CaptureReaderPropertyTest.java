package org.btblocker.app.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.WithQuickTheories;

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
