package org.btblocker.app.bans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.btblocker.api.Direction;
import org.btblocker.api.packet.Addresses;
import org.btblocker.api.packet.PacketView;
import org.btblocker.app.errors.UserException;
import org.btblocker.app.json.Json;
import org.btblocker.engine.Decision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.typesafe.config.ConfigFactory;

class DetectionLogTest {

    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    private static final byte[] HANDSHAKE = "\u0013BitTorrent protocol".getBytes(StandardCharsets.ISO_8859_1);

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock(T0);

    private static Decision decision(String initiator, String responder, byte[] fromInitiator, byte[] fromResponder)
            throws Exception {
        InetAddress i = InetAddress.getByName(initiator);
        InetAddress r = InetAddress.getByName(responder);
        return new Decision(PacketView.TCP, Addresses.hi(i), Addresses.lo(i), 40000, Addresses.hi(r),
                Addresses.lo(r), 6881, true, "handshake", "BEP 3 handshake", Direction.INITIATOR, true, true, true, 4, 0,
                fromInitiator, fromResponder);
    }

    private static List<String> awaitLines(Path file, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file);
                if (lines.size() >= n) {
                    return lines;
                }
            }
            Thread.sleep(20);                       // waiting for the writer thread, with a deadline
        }
        throw new AssertionError("no " + n + " lines in " + file);
    }

    @Test
    void aBlockDecisionBecomesOneJsonLineWithTheFlowTheBanAndTheOpeningsInHex() throws Exception {
        Path file = dir.resolve("log/detections.jsonl");
        DetectionLog log = DetectionLog.open(file.toString());
        try (BanJournal journal = BanJournal.open(dir.resolve("state"), clock)) {
            BanWorker w = new BanWorker(BanSettings.from(ConfigFactory.parseString("btblocker.stateDirectory = \""
                    + dir.resolve("state") + "\"").withFallback(ConfigFactory.defaultReference()).resolve()
                    .getConfig("btblocker")), journal, clock, millis -> true, dir.resolve("state")).start();
            w.useDetectionLog(log).get(10, TimeUnit.SECONDS);
            w.onDecision(decision("10.1.1.1", "10.2.2.2", HANDSHAKE, new byte[0]));
            List<String> lines = awaitLines(file, 1);
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
            Map<String, Object> m = Json.parseObject(lines.get(0));
            assertThat(m).containsEntry("ts", T0.toString()).containsEntry("action", "block")
                    .containsEntry("proto", "tcp").containsEntry("src", "10.1.1.1:40000")
                    .containsEntry("dst", "10.2.2.2:6881").containsEntry("detector", "handshake")
                    .containsEntry("reason", "BEP 3 handshake").containsEntry("ban", "10.1.1.1/18000s")
                    .containsEntry("packets", 4L).containsEntry("bidirectional", true)
                    .containsEntry("offender", "src")
                    .containsEntry("srcOpening", "13426974546f7272656e742070726f746f636f6c")
                    .containsEntry("dstOpening", "");
            w.close();
        } finally {
            log.close();
        }
        assertThat(log.written()).isEqualTo(1);
    }

    @Test
    void aRotatedFileIsCreatedAgain() throws Exception {
        Path file = dir.resolve("detections.jsonl");
        try (DetectionLog log = DetectionLog.open(file.toString())) {
            log.offer(decision("10.1.1.1", "10.2.2.2", null, null), "block", "none (one-way)", T0);
            assertThat(Json.parseObject(awaitLines(file, 1).get(0))).containsEntry("srcOpening", Json.NULL);
            Files.move(file, dir.resolve("detections.jsonl.1"));
            log.offer(decision("10.1.1.3", "10.2.2.2", HANDSHAKE, null), "monitor", "none (monitorOnly)",
                    T0.plus(Duration.ofSeconds(1)));
            List<String> fresh = awaitLines(file, 1);
            assertThat(fresh).hasSize(1);
            assertThat(Json.parseObject(fresh.get(0))).containsEntry("src", "10.1.1.3:40000")
                    .containsEntry("action", "monitor");
            assertThat(Files.readAllLines(dir.resolve("detections.jsonl.1"))).hasSize(1);
        }
    }

    @Test
    void offIsNullAndAnUnwritablePathIsOneLineNamingTheKey() throws Exception {
        assertThat(DetectionLog.open("")).isNull();
        Path blocker = dir.resolve("a-file");
        Files.writeString(blocker, "x");
        assertThatThrownBy(() -> DetectionLog.open(blocker.resolve("detections.jsonl").toString()))
                .isInstanceOf(UserException.class)
                .hasMessageStartingWith("btblocker.detectionLog " + blocker.resolve("detections.jsonl")
                        + ": cannot write it");
    }
}
