package org.btblocker.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * The Debian package's service under a real systemd as PID 1 (a {@link SystemdGuest}), as the gateway between a
 * client and a server namespace:
 *
 * <pre>
 *  client (10.93.1.2, .3) ─ veth ─ [gc] guest = gateway, btblocker.service [gs] ─ veth ─ server (10.93.2.2)
 * </pre>
 *
 * The package is installed with dpkg inside the guest, the unit runs as shipped (DynamicUser, the hardening, the two
 * capabilities), with the interfaces and a 600 s banDuration written into the conffile.
 */
class SystemdServiceIT {

    static final String CLIENT = "10.93.1.2";
    static final String CLIENT2 = "10.93.1.3";
    static final String SERVER = "10.93.2.2";
    static final String DROPINS = "/etc/systemd/system/btblocker.service.d/";
    /** CAP_NET_ADMIN (12) and CAP_NET_RAW (13). */
    static final String CAPS = "0000000000003000";

    static SystemdGuest guest;
    static String clientNs;
    static String serverNs;
    static String gwClientIf;
    static String gwServerIf;
    static Path traffic;
    static final List<Bg> procs = new ArrayList<>();

    /** A failed test says what systemd saw: the unit's status and its journal (systemd's lines and the daemon's). */
    @RegisterExtension
    static final TestExecutionExceptionHandler DIAGNOSE = (context, thrown) -> {
        if (guest == null || thrown instanceof TestAbortedException) {
            throw thrown;
        }
        AssertionError withDiagnostics = new AssertionError(thrown.getMessage() + "\n" + diagnostics(), thrown);
        throw withDiagnostics;
    };

    @BeforeAll
    static void bootTheGuestAndInstallThePackage() throws IOException {
        Optional<String> why = SystemdGuest.unavailable();
        assumeTrue(why.isEmpty(), () -> "real-systemd test skipped: " + why.orElse(""));
        assumeTrue(Deb.canRead(), "real-systemd test skipped: no package at " + Project.deb());
        for (String tool : List.of("iptables", "ipset", "conntrack")) {
            assumeTrue(Cmd.onPath(tool), "real-systemd test skipped: `" + tool + "` is not installed");
        }
        for (String module : List.of("nfnetlink_queue", "xt_NFQUEUE", "ip_set", "ip_set_hash_ip", "xt_set",
                "xt_connmark", "xt_multiport")) {
            Cmd.run(List.of("modprobe", module)); // the guest cannot load modules (ProtectKernelModules)
        }
        assumeTrue(Files.exists(Path.of("/proc/net/netfilter/nfnetlink_queue")),
            "real-systemd test skipped: the kernel has no NFQUEUE (modprobe nfnetlink_queue failed)");
        assumeTrue(Cmd.run(List.of("ipset", "list", "-n")).exit() == 0,
            "real-systemd test skipped: the kernel has no ipset (modprobe ip_set failed)");
        Path work = Path.of("target").toAbsolutePath();
        traffic = work.resolve("traffic.py");
        try (var in = SystemdServiceIT.class.getResourceAsStream("/guest/traffic.py")) {
            Files.copy(in, traffic, StandardCopyOption.REPLACE_EXISTING);
        }
        guest = SystemdGuest.boot(work);
        buildNetwork();
        // a btblocker the host has installed is the guest's too (same dpkg database): start from none
        guest.exec("dpkg", "--purge", "btblocker").ok();
        guest.exec("dpkg", "-i", Project.deb().toAbsolutePath().toString()).ok();
        String conf = guest.exec("cat", "/etc/btblocker/btblocker.conf").ok()
            .replace("#interfaces = [\"eth0\"]", "interfaces = [\"" + gwClientIf + "\", \"" + gwServerIf + "\"]")
            .replace("#banDuration = \"18000\"", "banDuration = \"600\"");
        assertThat(conf).as("the conffile's commented defaults the test enables").contains("interfaces = [\"b")
            .contains("\n  banDuration = \"600\"");
        guest.write("/etc/btblocker/btblocker.conf", conf);
        guest.exec("systemctl", "daemon-reload").ok();
    }

    private static void buildNetwork() {
        String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 5);
        clientNs = "btbsd-" + id + "-c";
        serverNs = "btbsd-" + id + "-s";
        gwClientIf = "b" + id + "gc";
        gwServerIf = "b" + id + "gs";
        String pid = Long.toString(guest.pid());
        for (String ns : List.of(clientNs, serverNs)) {
            Cmd.run(List.of("ip", "netns", "add", ns)).ok();
            in(ns, "ip", "link", "set", "lo", "up");
        }
        Cmd.run(List.of("ip", "link", "add", "b" + id + "c", "netns", clientNs, "type", "veth", "peer", "name",
            gwClientIf, "netns", pid)).ok();
        Cmd.run(List.of("ip", "link", "add", "b" + id + "s", "netns", serverNs, "type", "veth", "peer", "name",
            gwServerIf, "netns", pid)).ok();
        in(clientNs, "ip", "addr", "add", CLIENT + "/24", "dev", "b" + id + "c");
        in(clientNs, "ip", "addr", "add", CLIENT2 + "/24", "dev", "b" + id + "c");
        in(clientNs, "ip", "link", "set", "b" + id + "c", "up");
        in(clientNs, "ip", "route", "add", "default", "via", "10.93.1.1");
        in(serverNs, "ip", "addr", "add", SERVER + "/24", "dev", "b" + id + "s");
        in(serverNs, "ip", "link", "set", "b" + id + "s", "up");
        in(serverNs, "ip", "route", "add", "default", "via", "10.93.2.1");
        guest.exec("ip", "link", "set", "lo", "up").ok();
        guest.exec("ip", "addr", "add", "10.93.1.1/24", "dev", gwClientIf).ok();
        guest.exec("ip", "addr", "add", "10.93.2.1/24", "dev", gwServerIf).ok();
        guest.exec("ip", "link", "set", gwClientIf, "up").ok();
        guest.exec("ip", "link", "set", gwServerIf, "up").ok();
        guest.exec("sysctl", "-qw", "net.ipv4.ip_forward=1").ok();
    }

    @AfterEach
    void stopTheServiceAndTheTraffic() {
        if (guest == null) {
            return;
        }
        procs.forEach(Bg::close);
        procs.clear();
        guest.exec("systemctl", "stop", "btblocker");
        String left = rules();
        guest.exec("systemctl", "reset-failed", "btblocker");
        guest.exec("sh", "-c", "rm -f " + DROPINS + "50-*.conf");
        guest.exec("systemctl", "daemon-reload");
        for (String set : List.of("torrent_block", "torrent_block6")) {
            guest.exec("ipset", "flush", set);
        }
        // the ban journal (StateDirectory; DynamicUser keeps it under /var/lib/private) would restore this test's
        // bans into the next one
        guest.exec("sh", "-c", "rm -rf /var/lib/private/btblocker/* /var/lib/btblocker/*");
        guest.exec("conntrack", "-F");
        if (left.contains("BTBLOCKER")) {
            // the next test starts clean all the same
            guest.exec("sh", "-c", "for t in iptables ip6tables; do $t-save | grep -v BTBLOCKER | $t-restore; done");
            throw new AssertionError("systemctl stop left rules of ours behind:\n" + left + diagnostics());
        }
    }

    @AfterAll
    static void tearDown() {
        if (guest != null) {
            guest.close();
        }
        for (String ns : new String[] {clientNs, serverNs}) {
            if (ns != null) {
                Cmd.run(List.of("ip", "netns", "del", ns));
            }
        }
    }

    @Test
    void theServiceRunsUnprivilegedWithOnlyItsTwoCapabilities() {
        start();
        String status = guest.exec("cat", "/proc/" + mainPid() + "/status").ok();
        assertThat(field(status, "Uid")).as("DynamicUser: not root").doesNotStartWith("0\t");
        for (String set : List.of("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")) {
            assertThat(field(status, set)).as(set).isEqualTo(CAPS);
        }
        assertThat(field(status, "NoNewPrivs")).isEqualTo("1");
        assertThat(field(status, "Seccomp")).as("SystemCallFilter installs a seccomp filter").isEqualTo("2");
        assertThat(guest.exec("systemctl", "show", "-p", "ProtectSystem,ProtectHome,PrivateTmp,StateDirectory",
            "btblocker").ok()).contains("ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
                "StateDirectory=btblocker");
        // ProtectSystem=strict: the service cannot write outside its own directories
        String touch = guest.exec("nsenter", "-t", mainPid(), "-m", "-S", uid(status), "-G", uid(status), "--",
            "sh", "-c", "touch /etc/btblocker/x; echo rc=$?; touch /var/lib/btblocker/x; echo rc=$?").out();
        assertThat(touch).containsSubsequence("rc=1", "rc=0");
    }

    @Test
    void theSeedsHandshakeBansTheClientPlainHttpPassesAndStopRemovesOurRules() {
        String before = rules();
        start();
        assertThat(rules()).contains("BTBLOCKER");
        Bg http = server("http-serve", "8080");
        http.await("^LISTENING", Duration.ofSeconds(15));
        assertThat(client("http-get", SERVER, "8080").await("^BODY (.*)$", Duration.ofSeconds(20)).group(1))
            .isEqualTo("hello");

        Bg sink = server("sink", "6881");
        sink.await("^LISTENING", Duration.ofSeconds(15));
        client("handshake", SERVER, "6881").await("^SENT 68", Duration.ofSeconds(20));
        waitFor(() -> guest.exec("ipset", "test", "torrent_block", CLIENT).exit() == 0, Duration.ofSeconds(20),
            "the client banned in the guest's ipset");
        assertThat(sink.await("^READ (\\d+)", Duration.ofSeconds(30)).group(1)).as("bytes the server read")
            .isEqualTo("0");
        assertThat(banTimeout(CLIENT)).isBetween(540, 600);
        assertThat(journal()).containsPattern("BLOCK tcp " + CLIENT.replace(".", "\\.") + ":\\d+ -> .*"
            + "detector=handshake.*ban=" + CLIENT.replace(".", "\\.") + "/600s");

        guest.exec("systemctl", "stop", "btblocker").ok();
        assertThat(guest.exec("systemctl", "is-active", "btblocker").out().strip()).isEqualTo("inactive");
        assertThat(rules()).as("the rule set after stop is the one before start").isEqualTo(before)
            .doesNotContain("BTBLOCKER");
        assertThat(guest.exec("ipset", "test", "torrent_block", CLIENT).exit()).as("bans outlive the service")
            .isZero();
    }

    @Test
    void withoutCapNetRawTheIpsetDropRuleCannotBeInstalledAndNothingIsLeft() {
        // iptables' `-m set` resolves the set name over a raw IP socket: the reason the unit grants CAP_NET_RAW
        guest.write(DROPINS + "50-only-net-admin.conf", "[Service]\nCapabilityBoundingSet=\n"
            + "CapabilityBoundingSet=CAP_NET_ADMIN\nAmbientCapabilities=\nAmbientCapabilities=CAP_NET_ADMIN\n"
            + "Restart=no\n");
        guest.exec("systemctl", "daemon-reload").ok();
        guest.exec("systemctl", "start", "btblocker");
        waitFor(() -> guest.exec("systemctl", "is-failed", "btblocker").out().strip().equals("failed"),
            Duration.ofSeconds(60), "the service to fail");
        assertThat(journal()).contains("Can't open socket to ipset").contains("nothing was left installed");
        assertThat(rules()).doesNotContain("BTBLOCKER");
    }

    @Test
    void reloadKeepsFlowsAndBans() {
        start();
        Bg echo = server("echo", "7000");
        echo.await("^LISTENING", Duration.ofSeconds(15));
        Path decided = marker("decided");
        Path reloaded = marker("reloaded");
        // from the second address: the first one is banned below, and a banned source's packets are all dropped
        Bg hold = client("hold", SERVER, "7000", decided.toString(), reloaded.toString(), CLIENT2);
        waitFor(() -> conntrackMark(CLIENT2, 7000).equals("1"), Duration.ofSeconds(30),
            "the held flow decided clean (connmark 1)");
        touch(decided);
        hold.await("^FIRST ok", Duration.ofSeconds(20));
        Bg sink = server("sink", "6881");
        sink.await("^LISTENING", Duration.ofSeconds(15));
        client("handshake", SERVER, "6881").await("^SENT", Duration.ofSeconds(20));
        waitFor(() -> guest.exec("ipset", "test", "torrent_block", CLIENT).exit() == 0, Duration.ofSeconds(20),
            "the client banned");
        String pid = mainPid();
        String rules = rules();

        guest.exec("systemctl", "reload", "btblocker").ok();
        waitFor(() -> journal().contains("configuration reloaded"), Duration.ofSeconds(30), "the reload logged");
        assertThat(mainPid()).as("reload keeps the process").isEqualTo(pid);
        waitFor(() -> guest.exec("systemctl", "is-active", "btblocker").out().strip().equals("active"),
            Duration.ofSeconds(10), "active again (READY=1 after RELOADING=1)");
        assertThat(rules()).as("the same rules after the reload").isEqualTo(rules);
        assertThat(guest.exec("ipset", "test", "torrent_block", CLIENT).exit()).as("the ban survives").isZero();
        assertThat(journal()).doesNotContain("reload refused");
        touch(reloaded);
        assertThat(hold.await("^SECOND (\\w+)", Duration.ofSeconds(30)).group(1))
            .as("a flow decided before the reload still passes").isEqualTo("ok");
        assertThat(guest.exec("ipset", "test", "torrent_block", CLIENT2).exit()).as("nobody else banned")
            .isNotZero();
    }

    @Test
    void theWatchdogRestartsAStoppedDaemon() {
        guest.write(DROPINS + "50-fast-watchdog.conf", "[Service]\nWatchdogSec=3s\nRestartSec=1s\n");
        guest.exec("systemctl", "daemon-reload").ok();
        start();
        String pid = mainPid();
        guest.exec("kill", "-STOP", pid).ok();
        waitFor(() -> {
            String now = mainPid();
            return !now.equals("0") && !now.equals(pid)
                && guest.exec("systemctl", "is-active", "btblocker").out().strip().equals("active");
        }, Duration.ofSeconds(90), "a new daemon after the watchdog fired");
        assertThat(unitJournal()).containsIgnoringCase("watchdog timeout");
    }

    // ------------------------------------------------------------------ helpers

    private static void start() {
        // Type=notify: start returns once the daemon sent READY=1, after its rules are installed; the journal may
        // store the daemon's line a moment later
        guest.exec("systemctl", "start", "btblocker").ok();
        waitFor(() -> journal().contains("btblocker running"), Duration.ofSeconds(20), "btblocker running");
    }

    /** The unit's status and the last lines of its journal, systemd's own lines included. */
    private static String diagnostics() {
        return "--- systemctl status btblocker\n"
            + guest.exec("systemctl", "status", "--no-pager", "-l", "-n", "0", "btblocker").out()
            + "--- journalctl -u btblocker (last 80 lines)\n"
            + guest.exec("journalctl", "-u", "btblocker", "--no-pager", "-n", "80").out()
            + "--- conntrack -L\n" + guest.exec("conntrack", "-L").out()
            + "--- rules\n" + rules();
    }

    private static String mainPid() {
        return guest.exec("systemctl", "show", "-p", "MainPID", "--value", "btblocker").ok().strip();
    }

    /** What the service's current (or last) run printed: every test starts it anew. */
    private static String journal() {
        String invocation = guest.exec("systemctl", "show", "-p", "InvocationID", "--value", "btblocker").out()
            .strip();
        if (invocation.isEmpty()) {
            return "";
        }
        return guest.exec("journalctl", "--no-pager", "-o", "cat", "_SYSTEMD_INVOCATION_ID=" + invocation).out();
    }

    /** Everything the unit printed, over all its runs. */
    private static String unitJournal() {
        return guest.exec("journalctl", "-u", "btblocker", "--no-pager", "-o", "cat").out();
    }

    private static String rules() {
        return guest.exec("sh", "-c", "iptables-save | grep -v '^#'; ip6tables-save | grep -v '^#'").out();
    }

    /** A path under target/ for a file the traffic script waits for; deleted when the JVM exits. */
    private static Path marker(String name) {
        Path p = Path.of("target", name + "-" + System.nanoTime()).toAbsolutePath();
        p.toFile().deleteOnExit();
        return p;
    }

    private static void touch(Path file) {
        try {
            Files.writeString(file, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The connection mark of the TCP flow from {@code source} to port {@code port}, "" when conntrack has none. */
    private static String conntrackMark(String source, int port) {
        String out = guest.exec("conntrack", "-L", "-p", "tcp", "-s", source, "--dport", Integer.toString(port))
            .out();
        Matcher m = Pattern.compile("\\bmark=(\\d+)").matcher(out);
        return m.find() ? m.group(1) : "";
    }

    private static int banTimeout(String address) {
        for (String line : guest.exec("ipset", "list", "torrent_block").ok().split("\n")) {
            if (line.startsWith(address + " timeout ")) {
                return Integer.parseInt(line.split(" ")[2]);
            }
        }
        throw new AssertionError(address + " is not in torrent_block");
    }

    private static String field(String status, String name) {
        return status.lines().filter(l -> l.startsWith(name + ":")).findFirst()
            .map(l -> l.substring(name.length() + 1).strip()).orElseThrow();
    }

    private static String uid(String status) {
        return field(status, "Uid").split("\\s+")[0];
    }

    private static void in(String ns, String... argv) {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        a.addAll(List.of(argv));
        Cmd.run(a).ok();
    }

    private static Bg client(String... args) {
        return python(clientNs, args);
    }

    private static Bg server(String... args) {
        return python(serverNs, args);
    }

    private static Bg python(String ns, String... args) {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", ns, "python3", "-u", traffic.toString()));
        a.addAll(List.of(args));
        Bg p = Bg.start(a);
        procs.add(p);
        return p;
    }

    private static void waitFor(BooleanSupplier condition, Duration timeout, String what) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Bg.pause();
        }
    }
}
