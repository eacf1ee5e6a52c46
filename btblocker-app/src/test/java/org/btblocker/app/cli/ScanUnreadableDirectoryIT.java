package org.btblocker.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, item 5: {@code btblocker scan DIR} where a subdirectory cannot be read reports it in one line, scans the
 * rest and exits 1. Root reads every directory, so the scan runs as root without CAP_DAC_OVERRIDE and
 * CAP_DAC_READ_SEARCH ({@code setpriv}), as an unprivileged operator would.
 *
 * <p>On e1b8c66 the whole scan aborted at the unreadable directory, before any capture was read: exit 1 with the
 * one line {@code btblocker: .../b-locked: permission denied}, and the two readable captures were never scanned.
 */
class ScanUnreadableDirectoryIT {

    /** A pcap (LINKTYPE_RAW) holding one IPv4/UDP datagram. */
    private static byte[] pcapWithOneDatagram() {
        ByteBuffer ip = ByteBuffer.allocate(28 + 4);
        ip.put((byte) 0x45).put((byte) 0).putShort((short) 32).putInt(0).put((byte) 64).put((byte) 17).putShort(
            (short) 0).put(new byte[] {10, 0, 0, 1}).put(new byte[] {10, 0, 0, 2});
        ip.putShort((short) 4000).putShort((short) 5000).putShort((short) 12).putShort((short) 0)
            .put("ping".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        ByteBuffer b = ByteBuffer.allocate(24 + 16 + 32).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(101);
        b.putInt(1).putInt(0).putInt(32).putInt(32).put(ip.array());
        return b.array();
    }

    @Test
    void anUnreadableSubdirectoryIsReportedAndTheRestScanned(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        assumeTrue("root".equals(System.getProperty("user.name")), "runs as root without the DAC capabilities");
        Path a = Files.createDirectories(dir.resolve("a"));
        Path locked = Files.createDirectories(dir.resolve("b-locked"));
        Path c = Files.createDirectories(dir.resolve("c"));
        Files.write(a.resolve("one.pcap"), pcapWithOneDatagram());
        Files.write(locked.resolve("hidden.pcap"), pcapWithOneDatagram());
        Files.write(c.resolve("two.pcap"), pcapWithOneDatagram());
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try {
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> argv = new ArrayList<>(List.of("/usr/bin/setpriv", "--bounding-set",
                "-dac_override,-dac_read_search", "--inh-caps", "-dac_override,-dac_read_search", java,
                "-XX:TieredStopAtLevel=1", "-cp", cp, "org.btblocker.app.Main", "scan", dir.toString()));
            Path out = dir.resolve("out.txt");
            Path err = dir.resolve("err.txt");
            Process p = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            List<String> errLines = Files.readAllLines(err).stream().filter(l -> !l.isBlank()).toList();
            assertThat(p.exitValue()).as("stderr %s", errLines).isEqualTo(1);
            assertThat(errLines).singleElement().asString()
                .isEqualTo("btblocker: " + locked + ": permission denied (skipped)");
            assertThat(Files.readString(out)).as("both readable captures were scanned").contains("captures  2")
                .contains("flows     2");
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

}
