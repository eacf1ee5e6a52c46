package org.btblocker.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.btblocker.api.packet.Addresses;
import org.btblocker.api.packet.PacketView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ScanCommandTest {

    static final int A = 0x0a000001; // 10.0.0.1
    static final int B = 0xc0a80102; // 192.168.1.2

    @TempDir
    Path dir;

    /** Output of one command-line run. */
    record Run(int exitCode, String out, String err) {
        List<String> outLines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }
    }

    static Run run(ScanEngine.Factory engines, String... args) {
        CommandLine cl = BtblockerCommand.commandLine(engines);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** A fake engine: blocks UDP flows to port 6881 ("fake"), allows the rest; one verdict per flow at flush. */
    static final class FakeEngine implements ScanEngine {
        static final List<Config> configs = new ArrayList<>();
        private final List<FlowVerdict> seen = new ArrayList<>();
        private final Consumer<FlowVerdict> decisions;

        FakeEngine(Config root, Consumer<FlowVerdict> decisions) {
            configs.add(root);
            this.decisions = decisions;
        }

        @Override
        public void inspect(PacketView p, long nowNanos) {
            if (!p.isParseable()) {
                return;
            }
            String src = Addresses.format(p.srcHi(), p.srcLo(), p.srcPort());
            String dst = Addresses.format(p.dstHi(), p.dstLo(), p.dstPort());
            for (FlowVerdict v : seen) {
                if (v.initiator().equals(dst) && v.responder().equals(src)
                        || v.initiator().equals(src) && v.responder().equals(dst)) {
                    return;
                }
            }
            boolean block = p.isUdp() && p.dstPort() == 6881;
            seen.add(new FlowVerdict(p.isTcp() ? "tcp" : "udp", src, dst, block, block ? "fake" : null));
        }

        @Override
        public void flush(long nowNanos) {
            seen.forEach(decisions);
        }
    }

    static byte[] udp4(int src, int dst, int sport, int dport) {
        ByteBuffer b = ByteBuffer.allocate(30);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 30).putInt(0).put((byte) 64).put((byte) 17)
            .putShort((short) 0).putInt(src).putInt(dst);
        b.putShort((short) sport).putShort((short) dport).putShort((short) 10).putShort((short) 0).put((byte) 'h')
            .put((byte) 'i');
        return b.array();
    }

    static byte[] tcp6(int srcLast, int dstLast, int sport, int dport, int flags) {
        ByteBuffer b = ByteBuffer.allocate(60);
        b.putInt(0x60000000).putShort((short) 20).put((byte) 6).put((byte) 64);
        b.putLong(0x20010db800000000L).putLong(srcLast).putLong(0x20010db800000000L).putLong(dstLast);
        b.putShort((short) sport).putShort((short) dport).putInt(1).putInt(0).put((byte) 0x50).put((byte) flags)
            .putShort((short) 1000).putInt(0);
        return b.array();
    }

    /** A little-endian microsecond pcap of raw IP packets (link type 101), one second apart. */
    static byte[] pcap(byte[]... packets) {
        int size = 24;
        for (byte[] p : packets) {
            size += 16 + p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(101);
        int second = 1_700_000_000;
        for (byte[] p : packets) {
            b.putInt(second++).putInt(0).putInt(p.length).putInt(p.length).put(p);
        }
        return b.array();
    }

    Path write(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes);
    }

    Path sample(String name) throws IOException {
        return write(name, pcap(
            udp4(A, B, 51413, 6881),
            tcp6(1, 2, 40000, 443, PacketView.SYN),
            udp4(B, A, 6881, 51413),
            tcp6(2, 1, 443, 40000, PacketView.SYN | PacketView.ACK)));
    }

    @Test
    void jsonlHasOneVerdictPerFlowInTheScorersFormat() throws IOException {
        Path file = sample("sample.pcap");

        Run r = run(FakeEngine::new, "scan", "--format", "jsonl", file.toString());

        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.outLines()).containsExactly(
            "{\"pcap\": \"sample.pcap\", \"proto\": \"udp\", \"src\": \"10.0.0.1:51413\", "
                + "\"dst\": \"192.168.1.2:6881\", \"verdict\": \"block\", \"detector\": \"fake\"}",
            "{\"pcap\": \"sample.pcap\", \"proto\": \"tcp\", \"src\": \"[2001:db8::1]:40000\", "
                + "\"dst\": \"[2001:db8::2]:443\", \"verdict\": \"allow\", \"detector\": null}");
    }

    @Test
    void theRealEngineListsEveryFlowOnceWithItsInitiator() throws IOException {
        Path file = sample("sample.pcap");

        Run r = run(ScanEngines.DEFAULT, "scan", "--format=JSONL", file.toString());

        assertThat(r.exitCode()).isZero();
        assertThat(r.outLines()).hasSize(2);
        assertThat(r.outLines()).anySatisfy(l -> assertThat(l).contains("\"src\": \"10.0.0.1:51413\", \"dst\": \"192.168.1.2:6881\""));
        assertThat(r.outLines()).anySatisfy(l -> assertThat(l).contains("\"src\": \"[2001:db8::1]:40000\"",
            "\"verdict\": \"allow\"")); // port 443 is in the default whitelistPorts
    }

    @Test
    void tableSummarisesCapturesPacketsAndVerdicts() throws IOException {
        sample("a/one.pcap");
        sample("b/two.pcap");

        Run r = run(FakeEngine::new, "scan", dir.toString());

        assertThat(r.exitCode()).isZero();
        assertThat(r.outLines()).containsExactly(
            "captures  2",
            "packets   8 (8 IP, 0 not IP)",
            "flows     4",
            "blocked   2",
            "  fake           2",
            "allowed   2");
    }

    @Test
    void aCorruptCaptureIsReportedAndTheOthersAreStillScanned() throws IOException {
        byte[] good = pcap(udp4(A, B, 1, 6881));
        byte[] cut = java.util.Arrays.copyOf(pcap(udp4(A, B, 1, 6881), udp4(A, B, 2, 6881)), good.length + 20);
        Path corrupt = write("a-corrupt.pcap", cut);
        write("b-good.pcap", good);

        Run r = run(FakeEngine::new, "scan", "--format", "jsonl", dir.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("btblocker: " + corrupt + ": truncated packet record at byte " + good.length
            + " (needs 46 bytes, 20 left)\n");
        // the flow read before the damage is still reported, and the next file is scanned
        assertThat(r.outLines()).hasSize(2);
        assertThat(r.outLines().get(0)).startsWith("{\"pcap\": \"a-corrupt.pcap\"");
        assertThat(r.outLines().get(1)).startsWith("{\"pcap\": \"b-good.pcap\"");
    }

    @Test
    void notACaptureIsReportedLikeACorruptOne() throws IOException {
        Path text = write("notes.pcap", "hello world".getBytes(StandardCharsets.US_ASCII));

        Run r = run(FakeEngine::new, "scan", text.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("btblocker: " + text + ": not a pcap or pcapng file at byte 0 (magic 0x68656c6c)\n");
        assertThat(r.outLines()).contains("captures  1 (1 unreadable)");
    }

    @Test
    void directoriesAreWalkedSortedAndFilesRecognisedByNameOrMagic() throws IOException {
        sample("z/last.pcapng");
        sample("a/no-extension");
        sample("m/x.cap");
        write("m/readme.txt", "not a capture".getBytes(StandardCharsets.US_ASCII));

        assertThat(CaptureFiles.expand(List.of(dir)).files())
            .extracting(p -> dir.relativize(p).toString().replace('\\', '/'))
            .containsExactly("a/no-extension", "m/x.cap", "z/last.pcapng");
    }

    @Test
    void aMissingPathIsAUsageError() {
        Run r = run(FakeEngine::new, "scan", dir.resolve("nope.pcap").toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("btblocker: " + dir.resolve("nope.pcap") + ": no such file or directory\n");
    }

    @Test
    void setValuesAreHoconAndLayeredOverTheConfigFile() throws IOException {
        Path conf = write("app.conf", "btblocker { whitelistPorts = [22, 80], banDuration = 60, x = ${btblocker.banDuration} }"
            .getBytes(StandardCharsets.UTF_8));
        Path file = sample("s.pcap");
        FakeEngine.configs.clear();

        Run r = run(FakeEngine::new, "scan", "--config", conf.toString(), "--set", "btblocker.whitelistPorts=[]",
            "--set", "btblocker.banDuration=\"5h\"", file.toString());

        assertThat(r.exitCode()).isZero();
        Config root = FakeEngine.configs.get(0);
        assertThat(root.getList("btblocker.whitelistPorts")).isEmpty();
        assertThat(root.getString("btblocker.banDuration")).isEqualTo("5h");
        assertThat(root.getString("btblocker.x")).isEqualTo("5h"); // substitutions see the overrides
    }

    @Test
    void aBadSetValueIsAOneLineConfigError() throws IOException {
        Path file = sample("s.pcap");

        Run r = run(FakeEngine::new, "scan", "--set", "btblocker.whitelistPorts=[1,", file.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("btblocker: --set btblocker.whitelistPorts: ").endsWith("\n");
        assertThat(r.err().strip()).doesNotContain("\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void malformedSetArgumentsAreConfigErrors() throws IOException {
        Path file = sample("s.pcap");

        Run noEquals = run(FakeEngine::new, "scan", "--set", "btblocker.whitelistPorts", file.toString());
        Run badPath = run(FakeEngine::new, "scan", "--set", "btblocker..x=1", file.toString());
        Run twoValues = run(FakeEngine::new, "scan", "--set", "a=1\nb=2", file.toString());

        assertThat(noEquals.exitCode()).isEqualTo(2);
        assertThat(noEquals.err()).isEqualTo("btblocker: --set expects KEY=VALUE, got \"btblocker.whitelistPorts\"\n");
        assertThat(badPath.exitCode()).isEqualTo(2);
        assertThat(badPath.err()).startsWith("btblocker: --set btblocker..x: ");
        assertThat(twoValues.exitCode()).isEqualTo(2);
        assertThat(twoValues.err()).isEqualTo("btblocker: --set a: expected one HOCON value, got \"1\nb=2\"\n"
            .replace("1\nb", "1 b"));
    }

    @Test
    void aBrokenOrMissingConfigFileIsAConfigErrorNamingTheFile() throws IOException {
        Path broken = write("broken.conf", "btblocker {\n  banDuration = \n".getBytes(StandardCharsets.UTF_8));
        Path file = sample("s.pcap");

        Run r = run(FakeEngine::new, "scan", "--config", broken.toString(), file.toString());
        Run missing = run(FakeEngine::new, "scan", "--config", dir.resolve("none.conf").toString(), file.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("btblocker: " + broken).contains("broken.conf: 3: ");
        assertThat(r.err().strip()).doesNotContain("\n");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("btblocker: --config " + dir.resolve("none.conf") + ": no such file\n");
    }

    @Test
    void anEngineConfigErrorExitsWithTwo() throws IOException {
        Path file = sample("s.pcap");
        ScanEngine.Factory failing = (root, out) -> {
            throw new ConfigException.BadValue(root.origin(), "btblocker.utp.maxPackets", "expected 1..100, got 0");
        };

        Run r = run(failing, "scan", file.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("btblocker.utp.maxPackets").contains("expected 1..100, got 0");
        assertThat(r.err().strip()).startsWith("btblocker: ").doesNotContain("\n");
    }

    @Test
    void anUnexpectedFailureExitsWithOne() throws IOException {
        Path file = sample("s.pcap");
        ScanEngine.Factory failing = (root, out) -> {
            throw new IllegalStateException("boom");
        };

        Run r = run(failing, "scan", file.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("btblocker: internal error: java.lang.IllegalStateException: boom");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(run(FakeEngine::new).exitCode()).isEqualTo(2);
        assertThat(run(FakeEngine::new, "scan").exitCode()).isEqualTo(2);
        assertThat(run(FakeEngine::new, "scan", "--format", "xml", "x").exitCode()).isEqualTo(2);
        assertThat(run(FakeEngine::new, "--help").exitCode()).isZero();
    }
}
