package org.btblocker.app.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.btblocker.app.bans.BanJournal;
import org.btblocker.app.bans.BanWorker;
import org.btblocker.app.daemon.DaemonStats;
import org.btblocker.app.errors.UserException;
import org.btblocker.app.json.Json;
import org.btblocker.app.metrics.SampleStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.typesafe.config.ConfigFactory;

/** The control socket over a real ban worker and journal, and a published stats snapshot. */
class ControlSocketTest {

    @TempDir
    Path dir;

    private final AtomicReference<DaemonStats> stats = new AtomicReference<>();
    private BanJournal journal;
    private BanWorker worker;
    private ControlServer server;

    @BeforeEach
    void start() throws IOException {
        var btblocker = ConfigFactory.parseString("btblocker.stateDirectory = \"" + dir.resolve("state")
                + "\"\nbtblocker.allowlist = [\"192.0.2.0/24\"]").withFallback(ConfigFactory.defaultReference())
                .resolve().getConfig("btblocker");
        journal = BanJournal.open(dir.resolve("state"), InstantSource.system());
        worker = BanWorker.create(btblocker, journal, InstantSource.system()).start();
        server = ControlServer.start(dir.resolve("run"), new ControlCommands(stats::get, worker,
                InstantSource.system()));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        worker.close();
        journal.close();
    }

    private ControlClient client() {
        return ControlClient.of(dir.resolve("run"));
    }

    private static String raw(Path socket, byte[] request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer b = ByteBuffer.wrap(request);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.shutdownOutput();
            return new String(readAll(ch), StandardCharsets.UTF_8);
        }
    }

    private static byte[] readAll(SocketChannel ch) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(8192);
        while (ch.read(b) >= 0) {
            out.write(b.array(), 0, b.position());
            b.clear();
        }
        return out.toByteArray();
    }

    @Test
    void theSocketIsForRootOnlyAndGoesAwayWithTheServer() throws IOException {
        Path socket = dir.resolve("run/control.sock");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        assertThat(client().isRunning()).isTrue();
        server.close();
        server = null;
        assertThat(Files.exists(socket)).isFalse();
        assertThat(client().isRunning()).isFalse();
    }

    @Test
    void statusIsThePublishedSnapshotRenderedAsLines() {
        assertThatThrownBy(() -> client().call(Map.of("cmd", "status"))).isInstanceOf(UserException.class)
                .hasMessage("the daemon is still starting; try again in a second");
        stats.set(SampleStats.of(1));
        List<Map<String, Object>> answer = client().call(Map.of("cmd", "status"));
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) answer.get(0).get("status");
        assertThat(status).containsEntry("version", "0.1.0-test").containsEntry("pid", ProcessHandle.current().pid());
        List<String> lines = StatusReport.render(status, SampleStats.TAKEN.plusMillis(400));
        assertThat(lines.get(0)).isEqualTo("btblocker 0.1.0-test, pid " + ProcessHandle.current().pid()
                + ", up 1h 0m (since 2026-12-02T06:00:00Z), numbers 0.4 s old");
        assertThat(lines).contains(
                "queue 0    up, 2 restarts: 1000 packets (990 accepted, 10 dropped), 3 overruns, 4 lost ids",
                "queue 1    DOWN, 0 restarts: 0 packets (0 accepted, 0 dropped), 0 overruns, 0 lost ids",
                "flows      42 in the table; 7 blocked, 53 allowed (whitelistPorts 20, allowlist 2, no detector 30, "
                        + "maxPacketsPerFlow 1); 11 evicted",
                "detectors  handshake 4, tracker 0, dht 3 (flows blocked by each)",
                "bans       8 active; 6 made for detections, 3 from a fleet, 4 changes by hand, 5 expired; 2 "
                        + "detections banned nobody (anti-spoofing, allowlist), 1 dropped (ban queue full)",
                "sink ipset  ok: 9 added, 1 failed, 2 retries, 3 restored, 0 queued, 20 calls (avg 2.00 ms)",
                "sink crowdsec FAILING (connection refused): 1 added, 5 failed, 7 retries, 0 restored, 3 queued, "
                        + "12 calls (avg 250.00 ms)",
                "endpoints  25 proven, 6 corroborated, 17 claimed (room for 65536)",
                "reloads    3 ok, 1 refused; last: 2026-12-02T06:59:00Z btblocker.queueNum: expected an integer",
                "WARNING    77 packets bypassed the queue (full): consider btblocker.queue.count");
    }

    @Test
    void bansGoThroughTheWorkerAndTheJournal() throws Exception {
        List<Map<String, Object>> added = client().call(Map.of("cmd", "bans.add", "addr", "10.0.0.2", "seconds", 60L));
        assertThat(added.get(0)).containsEntry("ok", true);
        assertThat(BanLine.fromJson(castMap(added.get(0).get("ban"))))
                .isEqualTo(new BanLine("10.0.0.2", 60, "operator", "added by hand", "operator"));
        client().call(Map.of("cmd", "bans.add", "addr", "fd00::2"));
        List<Map<String, Object>> list = client().call(Map.of("cmd", "bans.list"));
        assertThat(list).hasSize(3);
        assertThat(list.get(2)).containsEntry("ok", true).containsEntry("count", 2L);
        assertThat(BanLine.fromJson(list.get(1)).secondsLeft()).as("banDuration").isBetween(17990L, 18000L);
        assertThat(worker.list().get().stream().map(e -> e.address().getHostAddress()).toList())
                .containsExactly("10.0.0.2", "fd00:0:0:0:0:0:0:2");

        assertThat(client().call(Map.of("cmd", "bans.del", "addr", "10.0.0.2")).get(0)).containsEntry("removed", true);
        assertThat(client().call(Map.of("cmd", "bans.del", "addr", "10.0.0.2")).get(0))
                .containsEntry("removed", false);

        List<Object> many = List.of(Map.of("addr", "10.0.0.5", "seconds", 100L), Map.of("addr", "192.0.2.9"),
                Map.of("addr", "10.0.0.6", "seconds", Json.NULL));
        assertThat(client().call(Map.of("cmd", "bans.add", "bans", many)).get(0)).containsEntry("added", 2L)
                .containsEntry("skipped", 1L);
        assertThat(journal.file()).exists();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void badRequestsAreOneErrorLineAndTheServerGoesOn() throws IOException {
        Path socket = dir.resolve("run/control.sock");
        assertThat(raw(socket, "not json\n".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("{\"ok\":false,\"error\":\"the request is not a JSON object\"}\n");
        assertThat(raw(socket, "{\"cmd\":\"reboot\"}\n".getBytes(StandardCharsets.UTF_8)))
                .contains("unknown command \\\"reboot\\\"");
        assertThat(raw(socket, "{\"cmd\":\"bans.add\",\"addr\":\"example.org\"}\n".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("{\"ok\":false,\"error\":\"\\\"example.org\\\" is not an IP address\"}\n");
        assertThat(raw(socket, "{\"cmd\":\"bans.add\",\"addr\":\"192.0.2.1\"}\n".getBytes(StandardCharsets.UTF_8)))
                .contains("192.0.2.1 is in btblocker.allowlist");
        byte[] huge = new byte[ControlServer.MAX_REQUEST + 10];
        java.util.Arrays.fill(huge, (byte) 'x');
        assertThat(raw(socket, huge)).contains("send one JSON request line of at most");
        assertThatThrownBy(() -> client().call(Map.of("cmd", "bans.del", "addr", "nope")))
                .isInstanceOf(UserException.class).hasMessage("\"nope\" is not an IP address");
        assertThat(client().call(Map.of("cmd", "bans.list"))).singleElement().satisfies(m -> assertThat(m)
                .containsEntry("count", 0L));
    }

    @Test
    void aStaleSocketIsReplacedAndALiveOneIsLeftToItsDaemon() throws IOException {
        // a second daemon on the same directory: the first still answers, so the second serves nothing
        assertThat(ControlServer.start(dir.resolve("run"), r -> List.of())).isNull();
        assertThat(client().call(Map.of("cmd", "bans.list"))).isNotEmpty();
        // a socket file left behind by a killed daemon: nobody answers, it is replaced
        Path other = dir.resolve("other");
        Files.createDirectories(other);
        try (var ch = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(other.resolve("control.sock")));
        }
        assertThat(other.resolve("control.sock")).exists();
        try (ControlServer fresh = ControlServer.start(other, r -> List.of("{\"ok\":true,\"hello\":1}"))) {
            assertThat(fresh).isNotNull();
            assertThat(ControlClient.of(other).call(Map.of("cmd", "x")).get(0)).containsEntry("hello", 1L);
        }
    }

    @Test
    void noDaemonIsOneLineNamingTheSocket() {
        ControlClient nobody = ControlClient.of(dir.resolve("nowhere"));
        assertThat(nobody.isRunning()).isFalse();
        assertThatThrownBy(() -> nobody.call(Map.of("cmd", "status"))).isInstanceOf(UserException.class)
                .hasMessageStartingWith("no btblocker daemon answers on " + dir.resolve("nowhere/control.sock"));
        assertThat(Instant.now()).isNotNull();
    }
}
