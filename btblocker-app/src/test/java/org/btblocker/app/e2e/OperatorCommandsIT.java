package org.btblocker.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.btblocker.app.json.Json;
import org.junit.jupiter.api.Test;

/**
 * What an operator runs against a live daemon, on a real kernel in namespaces: {@code btblocker status},
 * {@code bans list | add | del | export | import} through the control socket (and on the journal once the daemon
 * stopped), the detection log, {@code /metrics} (linted by promtool when it is installed), JSON logs, and a
 * metrics port already taken.
 */
class OperatorCommandsIT extends GatewayLabTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private Proc.Result cli(Path conf, String... args) {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> argv = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", cp,
            "org.btblocker.app.Main"));
        argv.addAll(List.of(args));
        argv.addAll(List.of("--config", conf.toString()));
        return lab.in(lab.gateway, argv.toArray(String[]::new));
    }

    /** Prints what the operator saw, for the test's output (and the docs' examples). */
    private static Proc.Result show(String command, Proc.Result r) {
        System.out.println("# " + command + "\n" + r.out() + (r.err().isBlank() ? "" : "\n[stderr] " + r.err()));
        return r;
    }

    /** Runs {@code cli} until its output satisfies {@code ok} (the stats snapshot is a second old at most). */
    private Proc.Result cliUntil(Path conf, Predicate<String> ok, String... args) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Proc.Result r = cli(conf, args);
        while (!ok.test(r.out()) && System.nanoTime() < deadline) {
            sleep(300);
            r = cli(conf, args);
        }
        return r;
    }

    private Map<String, Integer> ipsetUntil(String set, Predicate<Map<String, Integer>> ok) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Map<String, Integer> m = lab.ipsetMembers(set);
        while (!ok.test(m) && System.nanoTime() < deadline) {
            sleep(100);
            m = lab.ipsetMembers(set);
        }
        return m;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);                    // polling the daemon's published state, with a deadline
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String scrape() {
        return lab.in(lab.gateway, "python3", "-c", "import urllib.request,sys; sys.stdout.write(urllib.request."
            + "urlopen('http://127.0.0.1:9842/metrics', timeout=10).read().decode())").ok();
    }

    @Test
    void statusBansDetectionLogAndMetricsOfARunningDaemon() throws IOException {
        Path detections = lab.dir.resolve("log/detections.jsonl");
        Path conf = lab.writeConfig("detectionLog = \"" + detections + "\"");
        daemon = lab.startDaemon(conf);

        Proc sink = lab.listen(lab.server, "tcp_sink", GatewayLab.SERVER4, "6881", "4");
        lab.pythonRun(lab.client, "tcp_send", GatewayLab.SERVER4, "6881", Wire.handshake(), "0.5");
        daemon.awaitErr("BLOCK tcp .* detector=handshake", WAIT);
        sink.awaitExit(WAIT);

        // status, from the published snapshot
        Proc.Result status = show("btblocker status", cliUntil(conf, o -> o.contains("detectors  handshake 1,"),
            "status"));
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.out()).startsWith("btblocker ").contains(", pid " + daemon.pid() + ", up ")
            .containsPattern("\nqueue 0    up, 0 restarts: \\d+ packets")
            .containsPattern("\nflows      \\d+ in the table; 1 blocked")
            .contains("\ndetectors  handshake 1, tracker 0, dht 0, utp 0, lsd 0, entropy 0, rhythm 0, endpoint 0")
            .contains("\nbans       1 active; 1 made for detections")
            .containsPattern("\nsink ipset  ok: 1 added, 0 failed")
            .contains("\nreloads    0 ok, 0 refused; last: none since the start");
        Proc.Result json = cli(conf, "status", "--json");
        assertThat(Json.parseObject(json.out().strip())).containsEntry("pid", daemon.pid());

        // bans add: through the worker into the journal and the ipset, with the time asked for
        Proc.Result add = show("btblocker bans add " + GatewayLab.THIRD4 + " --duration 1h", cli(conf, "bans", "add",
            GatewayLab.THIRD4, "--duration", "1h"));
        assertThat(add.exit()).as(add.err()).isZero();
        assertThat(add.out()).isEqualTo("banned " + GatewayLab.THIRD4 + " for 3600 s");
        assertThat(add.err()).as("no note: the daemon answered").isEmpty();
        Map<String, Integer> members = ipsetUntil("torrent_block", m -> m.containsKey(GatewayLab.THIRD4));
        assertThat(members.get(GatewayLab.THIRD4)).isBetween(3590, 3600);
        assertThat(members.get(GatewayLab.CLIENT4)).isBetween(580, 600);

        Proc.Result list = show("btblocker bans list", cli(conf, "bans", "list"));
        assertThat(list.exit()).isZero();
        assertThat(list.out().lines().toList()).hasSize(3).last().isEqualTo("2 bans");
        assertThat(list.out()).containsPattern(GatewayLab.CLIENT4.replace(".", "\\.")
            + " +(5[89]\\d|600) s left  handshake: BEP 3 handshake")
            .containsPattern(GatewayLab.THIRD4.replace(".", "\\.") + " +(359\\d|3600) s left  operator: added by "
                + "hand");
        assertThat(cli(conf, "bans").out().replaceAll("\\d+ s left", "N s left")).as("`bans` alone lists")
            .isEqualTo(list.out().replaceAll("\\d+ s left", "N s left"));

        Proc.Result export = show("btblocker bans export", cli(conf, "bans", "export"));
        assertThat(export.out().lines().toList()).contains("create torrent_block hash:ip family inet hashsize 1024 "
            + "maxelem 65536 timeout 0", "create torrent_block6 hash:ip family inet6 hashsize 1024 maxelem 65536 "
            + "timeout 0").anyMatch(l -> l.matches("add torrent_block " + GatewayLab.THIRD4.replace(".", "\\.")
            + " timeout 3[56]\\d\\d"));
        Path backup = lab.dir.resolve("backup.txt");
        Files.writeString(backup, export.out());

        // bans del: gone from the journal and the kernel set
        Proc.Result del = show("btblocker bans del " + GatewayLab.THIRD4, cli(conf, "bans", "del",
            GatewayLab.THIRD4));
        assertThat(del.out()).isEqualTo("unbanned " + GatewayLab.THIRD4 + "");
        assertThat(ipsetUntil("torrent_block", m -> !m.containsKey(GatewayLab.THIRD4))).doesNotContainKey(
            GatewayLab.THIRD4).containsKey(GatewayLab.CLIENT4);
        assertThat(cli(conf, "bans", "list").out()).doesNotContain(GatewayLab.THIRD4);

        // export | import round-trips
        Proc.Result imported = show("btblocker bans import " + backup, cli(conf, "bans", "import",
            backup.toString()));
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.out()).startsWith("imported 2 bans from " + backup);
        assertThat(ipsetUntil("torrent_block", m -> m.containsKey(GatewayLab.THIRD4)).get(GatewayLab.THIRD4))
            .isBetween(3500, 3600);

        // the detection log: the flow, the detector and the handshake's first bytes
        List<String> logged = Files.readAllLines(detections);
        System.out.println("# " + detections + "\n" + String.join("\n", logged));
        assertThat(logged).hasSize(1);
        Map<String, Object> d = Json.parseObject(logged.get(0));
        assertThat(d).containsEntry("action", "block").containsEntry("proto", "tcp")
            .containsEntry("dst", GatewayLab.SERVER4 + ":6881").containsEntry("detector", "handshake")
            .containsEntry("ban", GatewayLab.CLIENT4 + "/600s").containsEntry("dstOpening", "");
        assertThat((String) d.get("src")).startsWith(GatewayLab.CLIENT4 + ":");
        assertThat((String) d.get("srcOpening")).startsWith("13426974546f7272656e742070726f746f636f6c")
            .hasSize(128);

        // /metrics from the same snapshot
        String metrics = scrape();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!metrics.contains("btblocker_bans_active 2.0") && System.nanoTime() < deadline) {
            sleep(300);                              // the import is in the next snapshot
            metrics = scrape();
        }
        System.out.println("# curl -s http://127.0.0.1:9842/metrics\n" + metrics);
        assertThat(metrics.lines()).contains("btblocker_detections_total{detector=\"handshake\",queue=\"0\"} 1.0",
            "btblocker_bans_active 2.0", "btblocker_ban_sink_up{sink=\"ipset\"} 1.0", "btblocker_queue_up{queue=\"0\"} "
                + "1.0", "btblocker_flows_decided_total{decision=\"blocked\",queue=\"0\",reason=\"detection\"} 1.0");
        assertThat(metrics).contains("btblocker_verdict_latency_seconds_bucket{queue=\"0\",le=\"+Inf\"}")
            .contains("btblocker_build_info{version=");
        if (GatewayLab.onPath("promtool")) {
            Path file = lab.dir.resolve("metrics.txt");
            Files.writeString(file, metrics + "\n");
            Proc.Result lint = GatewayLab.sh("sh", "-c", "promtool check metrics < " + file);
            assertThat(lint.exit()).as(lint.out() + lint.err()).isZero();
        }

        // stopped: the CLI works on the journal and says so
        assertThat(GatewayLab.stop(daemon)).isZero();
        Proc.Result offline = show("btblocker bans list (stopped)", cli(conf, "bans", "list"));
        assertThat(offline.exit()).as(offline.err()).isZero();
        assertThat(offline.out()).contains(GatewayLab.CLIENT4).contains(GatewayLab.THIRD4).endsWith("2 bans");
        assertThat(offline.err()).contains("no daemon runs").contains("the sinks were not consulted");
        Proc.Result noDaemon = show("btblocker status (stopped)", cli(conf, "status"));
        assertThat(noDaemon.exit()).isEqualTo(1);
        assertThat(noDaemon.err().strip()).startsWith("btblocker: no btblocker daemon runs here (nothing answers on "
            + lab.dir.resolve("run/control.sock")).doesNotContain("\n");
        Proc.Result offlineDel = cli(conf, "bans", "del", GatewayLab.THIRD4);
        assertThat(offlineDel.out()).isEqualTo("unbanned " + GatewayLab.THIRD4 + "");
        assertThat(lab.ipsetMembers("torrent_block")).as("lifted in the existing set too")
            .doesNotContainKey(GatewayLab.THIRD4);
    }

    @Test
    void jsonLogsPutTheDecisionsFieldsAtTheTop() {
        daemon = lab.startDaemon("logFormat = json");
        Proc sink = lab.listen(lab.server, "tcp_sink", GatewayLab.SERVER4, "6881", "4");
        lab.pythonRun(lab.client, "tcp_send", GatewayLab.SERVER4, "6881", Wire.handshake(), "0.5");
        daemon.awaitErr("\"logger\":\"btblocker.decision\"", WAIT);
        sink.awaitExit(WAIT);
        String line = daemon.errMatching("\"logger\":\"btblocker.decision\"").get(0);
        Map<String, Object> m = Json.parseObject(line.strip());
        assertThat(m).as(line).isNotNull().containsEntry("level", "INFO").containsEntry("action", "block")
            .containsEntry("proto", "tcp").containsEntry("detector", "handshake")
            .containsEntry("ban", GatewayLab.CLIENT4 + "/600s")
            .containsKeys("ts", "msg", "src", "dst");
        assertThat((String) m.get("reason")).startsWith("BEP 3 handshake");
        assertThat((String) m.get("msg")).startsWith("BLOCK tcp " + GatewayLab.CLIENT4 + ":");
        assertThat(daemon.errMatching("btblocker running")).singleElement()
            .satisfies(l -> assertThat(Json.parseObject(l.strip())).containsEntry("logger",
                "org.btblocker.app.daemon.Daemon"));
    }

    @Test
    void aMetricsPortInUseStopsTheStartInOneLineAndLeavesNoRule() {
        Proc holder = lab.spawn(lab.gateway, "port-holder", List.of("python3", "-c", "import socket,time\n"
            + "s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
            + "s.bind(('127.0.0.1', 9842)); s.listen(1); print('LISTENING', flush=True); "
            + "time.sleep(60)"));
        holder.awaitOut("^LISTENING", WAIT);
        String before = lab.in(lab.gateway, "iptables-save").ok();
        Proc d = lab.startDaemonProcess("");
        assertThat(d.awaitExit(Duration.ofSeconds(40))).isEqualTo(1);
        List<String> errors = d.errMatching("^btblocker: ");
        assertThat(errors).singleElement().asString().startsWith("btblocker: btblocker.metrics: cannot listen on "
            + "127.0.0.1:9842").contains("set btblocker.metrics.port");
        assertThat(lab.in(lab.gateway, "iptables-save").ok()).doesNotContain("BTBLOCKER");
        assertThat(before).doesNotContain("BTBLOCKER");
        holder.close();
    }
}
