package org.btblocker.app.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.stream.Stream;

/**
 * Three network namespaces, client — gateway — server, joined by two veth pairs, for the daemon's end-to-end tests.
 *
 * <pre>
 *  client (CLIENT4, CLIENT6) ─ veth ─ [gwClientIf] gateway [gwServerIf] ─ veth ─ server (SERVER4, SERVER6)
 *          10.91.1.0/24, fd91:1::/64                    10.91.2.0/24, fd91:2::/64
 * </pre>
 *
 * The gateway forwards; client and server route via it. The daemon runs inside the gateway namespace with the two
 * gateway ends as its {@code interfaces}. Names are random per lab ({@code btbe2e-<hex>-c|gw|s}), so a leftover from
 * a crashed run never collides. {@link #close()} kills what runs inside the namespaces and deletes them.
 */
final class GatewayLab implements AutoCloseable {

    static final String CLIENT4 = "10.91.1.2";
    static final String GATEWAY4_C = "10.91.1.1";
    static final String SERVER4 = "10.91.2.2";
    /** More hosts behind the server's link (extra addresses of the server namespace): other DHT nodes, say. */
    static final String SERVER4_B = "10.91.2.3";
    static final String SERVER4_C = "10.91.2.4";
    /** A second address on the client's link: the "third host" whose address a spoofed packet carries. */
    static final String THIRD4 = "10.91.1.3";
    static final String CLIENT6 = "fd91:1::2";
    static final String SERVER6 = "fd91:2::2";

    private static final String PYTHON = "/usr/bin/python3";

    final String client;
    final String gateway;
    final String server;
    final String gwClientIf;
    final String gwServerIf;
    /** The client's and the server's ends of the veth pairs (where a test's forged frames are sent from). */
    final String clientIf;
    final String serverIf;
    final Path dir;
    private final Path script;
    private final List<Proc> procs = new ArrayList<>();

    private GatewayLab(String id, Path dir) {
        this.client = "btbe2e-" + id + "-c";
        this.gateway = "btbe2e-" + id + "-gw";
        this.server = "btbe2e-" + id + "-s";
        this.gwClientIf = "e" + id + "gc";
        this.gwServerIf = "e" + id + "gs";
        this.clientIf = "e" + id + "c";
        this.serverIf = "e" + id + "s";
        this.dir = dir;
        this.script = dir.resolve("traffic.py");
    }

    /** Skips the calling test class unless this host can build the lab: root, ip netns, iptables, ipset, python. */
    static void assumePrerequisites() {
        assumeTrue(isRoot(), "end-to-end tests need root (network namespaces, NFQUEUE, iptables)");
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), "end-to-end tests need " + PYTHON);
        for (String tool : List.of("ip", "iptables", "ip6tables", "iptables-save", "ipset")) {
            assumeTrue(onPath(tool), "end-to-end tests need `" + tool + "` on PATH");
        }
        assumeTrue(Proc.run(List.of("ip", "netns", "list")).exit() == 0, "`ip netns` does not work here");
    }

    private static boolean isRoot() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("Uid:")).findFirst()
                .map(l -> l.split("\\s+")[2].equals("0")).orElse(false);
        } catch (IOException e) {
            return false;
        }
    }

    static boolean onPath(String tool) {
        return Stream.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
            .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    /** Builds the topology; on any failure deletes what was made and rethrows. */
    static GatewayLab create() {
        String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        Path dir;
        try {
            dir = Files.createTempDirectory("btbe2e-" + id);
            try (InputStream in = GatewayLab.class.getResourceAsStream("/e2e/traffic.py")) {
                Files.copy(in, dir.resolve("traffic.py"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        GatewayLab lab = new GatewayLab(id, dir);
        try {
            lab.build(id);
            return lab;
        } catch (RuntimeException | Error e) {
            lab.close();
            throw e;
        }
    }

    private void build(String id) {
        for (String ns : List.of(client, gateway, server)) {
            sh("ip", "netns", "add", ns).ok();
            in(ns, "ip", "link", "set", "lo", "up").ok();
            // no duplicate address detection, not even for link-local addresses: the links are usable at once
            in(ns, "sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.all.accept_dad=0").ok();
        }
        sh("ip", "link", "add", clientIf, "netns", client, "type", "veth", "peer", "name", gwClientIf, "netns",
            gateway).ok();
        sh("ip", "link", "add", gwServerIf, "netns", gateway, "type", "veth", "peer", "name", serverIf, "netns",
            server).ok();
        in(client, "ip", "addr", "add", CLIENT4 + "/24", "dev", clientIf).ok();
        in(client, "ip", "addr", "add", THIRD4 + "/24", "dev", clientIf).ok();
        in(gateway, "ip", "addr", "add", GATEWAY4_C + "/24", "dev", gwClientIf).ok();
        in(gateway, "ip", "addr", "add", "10.91.2.1/24", "dev", gwServerIf).ok();
        in(server, "ip", "addr", "add", SERVER4 + "/24", "dev", serverIf).ok();
        in(server, "ip", "addr", "add", SERVER4_B + "/24", "dev", serverIf).ok();
        in(server, "ip", "addr", "add", SERVER4_C + "/24", "dev", serverIf).ok();
        in(client, "ip", "-6", "addr", "add", CLIENT6 + "/64", "dev", clientIf, "nodad").ok();
        in(gateway, "ip", "-6", "addr", "add", "fd91:1::1/64", "dev", gwClientIf, "nodad").ok();
        in(gateway, "ip", "-6", "addr", "add", "fd91:2::1/64", "dev", gwServerIf, "nodad").ok();
        in(server, "ip", "-6", "addr", "add", SERVER6 + "/64", "dev", serverIf, "nodad").ok();
        // wire-sized packets (no TSO super-packets), so packet counts compare with a real link's
        in(client, "ip", "link", "set", clientIf, "gso_max_segs", "1").ok();
        in(server, "ip", "link", "set", serverIf, "gso_max_segs", "1").ok();
        in(gateway, "ip", "link", "set", gwClientIf, "gso_max_segs", "1").ok();
        in(gateway, "ip", "link", "set", gwServerIf, "gso_max_segs", "1").ok();
        in(client, "ip", "link", "set", clientIf, "up").ok();
        in(gateway, "ip", "link", "set", gwClientIf, "up").ok();
        in(gateway, "ip", "link", "set", gwServerIf, "up").ok();
        in(server, "ip", "link", "set", serverIf, "up").ok();
        in(client, "ip", "route", "add", "default", "via", GATEWAY4_C).ok();
        in(server, "ip", "route", "add", "default", "via", "10.91.2.1").ok();
        in(client, "ip", "-6", "route", "add", "default", "via", "fd91:1::1").ok();
        in(server, "ip", "-6", "route", "add", "default", "via", "fd91:2::1").ok();
        in(gateway, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1").ok();
        // one exchange per family resolves the neighbours, so the tests' first packets are not delayed
        for (String addr : List.of(SERVER4, SERVER6)) {
            Proc sink = listen(server, "tcp_sink", addr, "9", "10");
            List<String> sent = pythonRun(client, "tcp_send", addr, "9", "00", "0");
            if (!sent.contains("SENT 1")) {
                throw new AssertionError("the lab does not forward to " + addr + ": " + sent);
            }
            sink.awaitOut("^GOT 1", Duration.ofSeconds(15));
            sink.close();
        }
    }

    /** Runs a command in the root namespace. */
    static Proc.Result sh(String... argv) {
        return Proc.run(List.of(argv));
    }

    /** Runs a command inside namespace {@code ns} to completion. */
    Proc.Result in(String ns, String... argv) {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        a.addAll(List.of(argv));
        return Proc.run(a);
    }

    /** Starts a command inside namespace {@code ns}; it is killed by {@link #close()} at the latest. */
    Proc spawn(String ns, String name, List<String> argv) {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        a.addAll(argv);
        Proc p = Proc.start(name, a);
        synchronized (procs) {
            procs.add(p);
        }
        return p;
    }

    /** Starts {@code traffic.py CMD ARGS} inside {@code ns}. */
    Proc python(String ns, String... args) {
        List<String> a = new ArrayList<>(List.of(PYTHON, "-u", script.toString()));
        a.addAll(List.of(args));
        return spawn(ns, args[0] + "@" + ns.substring(ns.lastIndexOf('-') + 1), a);
    }

    /** Starts {@code traffic.py CMD ARGS} inside {@code ns} and waits for its {@code LISTENING} line. */
    Proc listen(String ns, String... args) {
        Proc p = python(ns, args);
        p.awaitOut("^LISTENING", Duration.ofSeconds(15));
        return p;
    }

    /** Runs {@code traffic.py CMD ARGS} inside {@code ns} to completion (60 s at most); returns its stdout lines. */
    List<String> pythonRun(String ns, String... args) {
        try (Proc p = python(ns, args)) {
            int exit = p.awaitExit(Duration.ofSeconds(60));
            if (exit != 0) {
                throw new AssertionError("traffic.py " + String.join(" ", args) + " exited " + exit + ": " + p.err());
            }
            return p.out();
        }
    }

    /**
     * The daemon configuration text for this lab with {@code extra} HOCON appended inside {@code btblocker {}}. Each
     * call gets its own state directory (ban journal), so one test's bans are not restored in the next; a test of
     * restarts passes the same {@code stateDirectory} in {@code extra}.
     */
    String config(String extra) {
        Path state = dir.resolve("state-" + System.nanoTime());
        return "btblocker {\n  interfaces = [\"" + gwClientIf + "\", \"" + gwServerIf + "\"]\n"
            + "  stateDirectory = \"" + state + "\"\n  runtimeDirectory = \"" + dir.resolve("run") + "\"\n"
            + "  banDuration = \"600\"\n  statsInterval = 1s\n  logLevel = info\n" + extra + "\n}\n";
    }

    /** Writes {@link #config(String)} to a new file of the lab's directory. */
    Path writeConfig(String extra) {
        Path conf = dir.resolve("btblocker-" + System.nanoTime() + ".conf");
        try {
            Files.writeString(conf, config(extra));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return conf;
    }

    /** Starts {@code btblocker run} inside the gateway with {@link #config(String)}; does not wait. */
    Proc startDaemonProcess(String extra) {
        return startDaemonProcess(writeConfig(extra));
    }

    /** Starts {@code btblocker run --config conf} inside the gateway; does not wait. */
    Proc startDaemonProcess(Path conf) {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return spawn(gateway, "daemon", List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
            "-cp", cp, "org.btblocker.app.Main", "run", "--config", conf.toString()));
    }

    /** Starts the daemon and waits for "btblocker running". */
    Proc startDaemon(String extra) {
        return startDaemon(writeConfig(extra));
    }

    /** Starts the daemon with {@code conf} and waits for "btblocker running". */
    Proc startDaemon(Path conf) {
        Proc d = startDaemonProcess(conf);
        d.awaitErr("btblocker running", Duration.ofSeconds(40));
        return d;
    }

    /** SIGTERM, then waits for the exit (the daemon removes its rules first); returns the exit code. */
    static int stop(Proc daemon) {
        daemon.terminate();
        return daemon.awaitExit(Duration.ofSeconds(30));
    }

    /** Kills the test's processes, empties the ban sets and the gateway's connection table, so the next test starts from no bans and marks. */
    void resetGateway() {
        killProcesses();
        for (String set : List.of("torrent_block", "torrent_block6")) {
            in(gateway, "ipset", "flush", set);
        }
        in(gateway, "conntrack", "-F");
    }

    /** The members of ipset {@code set} in the gateway: address → remaining timeout (s). */
    java.util.Map<String, Integer> ipsetMembers(String set) {
        Proc.Result r = in(gateway, "ipset", "list", set);
        java.util.Map<String, Integer> m = new java.util.LinkedHashMap<>();
        if (r.exit() != 0) {
            return m;
        }
        boolean members = false;
        for (String line : r.out().split("\n")) {
            if (line.startsWith("Members:")) {
                members = true;
            } else if (members && !line.isBlank()) {
                Matcher t = java.util.regex.Pattern.compile("^(\\S+)(?: timeout (\\d+))?").matcher(line.trim());
                if (t.find()) {
                    m.put(t.group(1), t.group(2) == null ? -1 : Integer.parseInt(t.group(2)));
                }
            }
        }
        return m;
    }

    /** The MAC address of the gateway's interface {@code iface} (where forged frames are sent to). */
    String gatewayMac(String iface) {
        return in(gateway, "cat", "/sys/class/net/" + iface + "/address").ok().trim();
    }

    /**
     * Sends frames forged in namespace {@code ns} on its veth {@code iface} to the gateway's {@code gatewayIf} ({@code
     * traffic.py forge}: any source address, built by hand). Specs as {@code traffic.py forge} takes them.
     */
    void forge(String ns, String iface, String gatewayIf, String... specs) {
        List<String> args = new ArrayList<>(List.of("forge", iface, gatewayMac(gatewayIf)));
        args.addAll(List.of(specs));
        List<String> out = pythonRun(ns, args.toArray(String[]::new));
        if (!out.contains("FORGED " + specs.length)) {
            throw new AssertionError("forge: " + out);
        }
    }

    /**
     * The members of {@code set} once {@code address} is one of them, or as they are after {@code timeout}: a ban
     * reaches the kernel from its sink's own thread, a moment after the BLOCK line is logged.
     */
    java.util.Map<String, Integer> awaitIpsetMember(String set, String address, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        java.util.Map<String, Integer> m = ipsetMembers(set);
        while (!m.containsKey(address) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);                    // polling the kernel's set, with a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            m = ipsetMembers(set);
        }
        return m;
    }

    /** A counter of the gateway's interface {@code iface} (e.g. {@code rx_packets}). */
    long ifaceCounter(String iface, String counter) {
        return Long.parseLong(in(gateway, "cat", "/sys/class/net/" + iface + "/statistics/" + counter).ok().trim());
    }

    /** Kills every process started through this lab (servers, clients, daemons) that still runs. */
    void killProcesses() {
        synchronized (procs) {
            procs.forEach(Proc::close);
            procs.clear();
        }
    }

    @Override
    public void close() {
        killProcesses();
        for (String ns : List.of(client, gateway, server)) {
            // anything still running inside (ours: started through this lab) is killed by pid, then the name goes
            Proc.Result pids = sh("ip", "netns", "pids", ns);
            if (pids.exit() == 0) {
                for (String pid : pids.out().split("\\s+")) {
                    if (!pid.isBlank()) {
                        ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                sh("ip", "netns", "delete", ns);
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temp dir only
        }
    }
}
