package org.btblocker.crowdsec;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real CrowdSec Local API for tests: Debian 12's {@code crowdsec} 1.4.6 run offline ({@code -no-cs -no-capi}) on
 * 127.0.0.1 with a free port, its config, sqlite database and log in a directory of the caller's. Machines and
 * bouncers are registered with the package's own {@code cscli}, which writes to the database directly.
 *
 * <p>The binaries come from, in order: a package unpacked with {@code dpkg-deb -x} into the directory of system
 * property {@code btblocker.crowdsec.root} (the parent pom passes the reactor's {@code target/crowdsec-deb}, where
 * {@code .ci/run} unpacks it; {@code target/crowdsec-deb} of the working directory without the property), an
 * installed package ({@code /usr/bin/crowdsec}), or, failing both, {@code apt-get download crowdsec} unpacked into
 * that directory here (installing the package would register it online). Tests call
 * {@link #unavailableReason()} and skip with it when no binary can be had.
 *
 * <pre>{@code
 * Assumptions.assumeTrue(LocalApi.unavailableReason() == null, LocalApi.unavailableReason());
 * try (LocalApi lapi = LocalApi.start(tempDir)) {
 *     lapi.addMachine("gw1", "secret");
 *     String key = lapi.addBouncer("gw1-bouncer");
 *     ... lapi.url() ...
 * }
 * }</pre>
 */
public final class LocalApi implements AutoCloseable {

    /** The version the tests were written against (Debian 12). */
    public static final String EXPECTED_VERSION = "v1.4.6";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static String unavailable;
    private static Path root;
    private static boolean probed;

    private final Path dir;
    private final Path config;
    private final String address;
    private final int port;
    private final List<String> prefix;
    private Process process;

    private LocalApi(Path dir, Path config, String address, int port, List<String> prefix) {
        this.dir = dir;
        this.config = config;
        this.address = address;
        this.port = port;
        this.prefix = List.copyOf(prefix);
    }

    /** Null when crowdsec can be run here; else why not (for {@code Assumptions.assumeTrue}). */
    public static synchronized String unavailableReason() {
        if (!probed) {
            probed = true;
            try {
                root = findOrUnpack();
            } catch (IOException e) {
                unavailable = "CrowdSec Local API not available: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                unavailable = "interrupted while looking for crowdsec";
            }
        }
        return unavailable;
    }

    private static Path findOrUnpack() throws IOException, InterruptedException {
        // the build passes the reactor's target/crowdsec-deb (where .ci/run unpacks the package)
        String configured = System.getProperty("btblocker.crowdsec.root", "");
        Path unpacked = (configured.isEmpty() ? Path.of("target", "crowdsec-deb") : Path.of(configured))
                .toAbsolutePath();
        for (Path c : List.of(unpacked, Path.of("/"))) {
            if (Files.isExecutable(c.resolve("usr/bin/crowdsec")) && Files.isExecutable(c.resolve("usr/bin/cscli"))) {
                return c;
            }
        }
        // Not installed: fetch the Debian package and unpack it (no maintainer scripts run).
        Path work = Files.createDirectories(unpacked.getParent()).resolve("crowdsec-download");
        deleteTree(work);
        Files.createDirectories(work);
        // the firewall bouncer comes along for the operator guide's FORWARD-chain test; only crowdsec is required
        Result download = run(work, List.of("apt-get", "download", "crowdsec", "crowdsec-firewall-bouncer"),
                COMMAND_TIMEOUT.multipliedBy(5));
        if (download.exit != 0) {
            download = run(work, List.of("apt-get", "download", "crowdsec"), COMMAND_TIMEOUT.multipliedBy(5));
        }
        List<Path> debs;
        try (var files = Files.list(work)) {
            debs = files.filter(p -> p.getFileName().toString().matches("crowdsec.*\\.deb")).toList();
        }
        if (debs.stream().noneMatch(p -> p.getFileName().toString().startsWith("crowdsec_"))) {
            throw new IOException("crowdsec is neither installed nor unpacked in " + unpacked + ", and `apt-get "
                    + "download crowdsec` failed (" + download.summary() + "); run .ci/run or apt-get update");
        }
        Path tmp = work.resolve("root");
        for (Path deb : debs) {
            Result x = run(work, List.of("dpkg-deb", "-x", deb.toString(), tmp.toString()), COMMAND_TIMEOUT);
            if (x.exit != 0) {
                throw new IOException("dpkg-deb -x " + deb + " failed (" + x.summary() + ")");
            }
        }
        if (!Files.exists(unpacked)) {
            Files.move(tmp, unpacked, StandardCopyOption.ATOMIC_MOVE);
        }
        deleteTree(work);
        return unpacked;
    }

    /** The crowdsec binary used. */
    public static Path crowdsecBinary() {
        return root.resolve("usr/bin/crowdsec");
    }

    /** The firewall bouncer of Debian's crowdsec-firewall-bouncer package, or null when it was not unpacked. */
    public static Path firewallBouncerBinary() {
        if (unavailableReason() != null) {
            return null;
        }
        for (Path c : List.of(root, Path.of("/"))) {
            Path b = c.resolve("usr/bin/crowdsec-firewall-bouncer");
            if (Files.isExecutable(b)) {
                return b;
            }
        }
        return null;
    }

    /** The cscli binary used. */
    public static Path cscliBinary() {
        return root.resolve("usr/bin/cscli");
    }

    /** The version line of the crowdsec binary ({@code version: v1.4.6-6~deb12u1+b1-debian}). */
    public static String version() throws IOException, InterruptedException {
        Result r = run(Path.of("."), List.of(crowdsecBinary().toString(), "-version"), COMMAND_TIMEOUT);
        for (String line : (r.out + "\n" + r.err).split("\n")) {
            int i = line.indexOf("version: ");
            if (i >= 0) {
                return line.substring(i + "version: ".length()).strip();
            }
        }
        return "unknown";
    }

    /**
     * Writes a config under {@code dir}, registers the machine cscli itself uses, and starts the LAPI.
     *
     * @throws IOException when crowdsec does not start listening within a minute (its log is in the message)
     */
    public static LocalApi start(Path dir) throws IOException, InterruptedException {
        return start(dir, List.of(), "127.0.0.1");
    }

    /**
     * Like {@link #start(Path)}, but crowdsec (and every cscli call) runs inside network namespace {@code netns}
     * ({@code ip netns exec}), listening on that namespace's 127.0.0.1; needs root.
     */
    public static LocalApi startIn(Path dir, String netns) throws IOException, InterruptedException {
        return startIn(dir, netns, "127.0.0.1");
    }

    /**
     * Like {@link #startIn(Path, String)}, listening on {@code address} of that namespace (one of its interfaces),
     * so that other namespaces linked to it reach the LAPI, as the gateways of a fleet do.
     */
    public static LocalApi startIn(Path dir, String netns, String address) throws IOException,
            InterruptedException {
        return start(dir, List.of("ip", "netns", "exec", netns), address);
    }

    private static LocalApi start(Path dir, List<String> prefix, String address) throws IOException,
            InterruptedException {
        String reason = unavailableReason();
        if (reason != null) {
            throw new IllegalStateException(reason);
        }
        Path d = dir.toAbsolutePath();
        for (String sub : List.of("config", "data", "hub", "plugins", "config/notifications")) {
            Files.createDirectories(d.resolve(sub));
        }
        int port = freePort();
        Path config = d.resolve("config/config.yaml");
        Files.writeString(config, configYaml(d, address, port));
        Files.writeString(d.resolve("config/profiles.yaml"), """
                name: default_ip_remediation
                filters:
                 - Alert.Remediation == true && Alert.GetScope() == "Ip"
                decisions:
                 - type: ban
                   duration: 4h
                on_success: break
                """);
        Files.writeString(d.resolve("config/simulation.yaml"), "simulation: off\n");
        Files.writeString(d.resolve("config/acquis.yaml"), "");
        Files.writeString(d.resolve("config/local_api_credentials.yaml"), "");
        LocalApi lapi = new LocalApi(d, config, address, port, prefix);
        // the machine cscli talks to the LAPI as (decisions list/add/delete)
        lapi.cscli("machines", "add", "cscli-local", "--auto", "-f", d.resolve("config/local_api_credentials.yaml")
                .toString());
        lapi.startProcess();
        return lapi;
    }

    private static String configYaml(Path d, String address, int port) {
        return """
                common:
                  daemonize: false
                  log_media: stdout
                  log_level: info
                  working_dir: %1$s
                config_paths:
                  config_dir: %1$s/config/
                  data_dir: %1$s/data/
                  simulation_path: %1$s/config/simulation.yaml
                  hub_dir: %1$s/hub/
                  index_path: %1$s/hub/.index.json
                  notification_dir: %1$s/config/notifications/
                  plugin_dir: %1$s/plugins/
                crowdsec_service:
                  acquisition_path: %1$s/config/acquis.yaml
                cscli:
                  output: human
                  color: no
                db_config:
                  log_level: info
                  type: sqlite
                  db_path: %1$s/data/crowdsec.db
                  use_wal: true
                  flush:
                    max_items: 5000
                    max_age: 7d
                api:
                  client:
                    insecure_skip_verify: false
                    credentials_path: %1$s/config/local_api_credentials.yaml
                  server:
                    log_level: info
                    listen_uri: %3$s:%2$d
                    profiles_path: %1$s/config/profiles.yaml
                    trusted_ips:
                      - 127.0.0.1
                prometheus:
                  enabled: false
                """.formatted(d, port, address);
    }

    private void startProcess() throws IOException, InterruptedException {
        Path log = dir.resolve("lapi.log");
        long logged = Files.exists(log) ? Files.size(log) : 0;
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(crowdsecBinary().toString(), "-c", config.toString(), "-no-cs", "-no-capi"));
        process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        // its own line says when it listens (a socket probe cannot reach into another namespace)
        String listening = "CrowdSec Local API listening on " + address + ":" + port;
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("crowdsec exited with " + process.exitValue() + " before listening: "
                        + tail(log));
            }
            String text = Files.readString(log, StandardCharsets.UTF_8);
            if (text.length() > logged && text.substring((int) logged).contains(listening)
                    && (!prefix.isEmpty() || accepts(port))) {
                return;
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IOException("crowdsec did not listen on " + address + ":" + port + " within " + START_TIMEOUT.toSeconds()
                + " s: " + tail(log));
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** {@code http://127.0.0.1:PORT} (or the address it was started on). */
    public String url() {
        return "http://" + address + ":" + port;
    }

    /** The port the LAPI listens on (kept across {@link #stop()} and {@link #startAgain()}). */
    public int port() {
        return port;
    }

    /** The directory holding config, database and {@code lapi.log}. */
    public Path directory() {
        return dir;
    }

    /** Registers (and validates) a machine with this password: {@code cscli machines add NAME --password PW}. */
    public void addMachine(String name, String password) throws IOException, InterruptedException {
        cscli("machines", "add", name, "--password", password, "-f", dir.resolve("config/" + name + ".yaml")
                .toString(), "--force");
    }

    /** Registers a bouncer and returns its API key: {@code cscli bouncers add NAME -k KEY}. */
    public String addBouncer(String name) throws IOException, InterruptedException {
        byte[] raw = new byte[16];
        new SecureRandom().nextBytes(raw);
        String key = HexFormat.of().formatHex(raw);
        cscli("bouncers", "add", name, "-k", key);
        return key;
    }

    /** Writes {@code secret} into a file of its own under the LAPI's directory (mode 600), for passwordFile. */
    public Path secretFile(String name, String secret) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, secret + "\n");
        f.toFile().setReadable(false, false);
        f.toFile().setReadable(true, true);
        return f;
    }

    /**
     * Runs {@code cscli -c CONFIG args...} and returns its standard output.
     *
     * @throws IOException when cscli exits non-zero (its output is in the message)
     */
    public String cscli(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(cscliBinary().toString(), "-c", config.toString()));
        cmd.addAll(List.of(args));
        Result r = run(dir, cmd, COMMAND_TIMEOUT);
        if (r.exit != 0) {
            throw new IOException("cscli " + String.join(" ", args) + " failed: " + r.summary());
        }
        return r.out;
    }

    /** Stops the LAPI process (SIGTERM, then SIGKILL after 10 s); the database stays. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Starts the LAPI again on the same port with the same database. */
    public void startAgain() throws IOException, InterruptedException {
        stop();
        startProcess();
    }

    /** True while the process runs. */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The LAPI's log so far (last 4 kB), for failure messages. */
    public String log() {
        return tail(dir.resolve("lapi.log"));
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8);
            return s.length() > 4096 ? s.substring(s.length() - 4096) : s;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private record Result(int exit, String out, String err) {
        String summary() {
            String e = (err + out).strip();
            return "exit " + exit + (e.isEmpty() ? "" : ": " + (e.length() > 2000 ? e.substring(e.length() - 2000)
                    : e));
        }
    }

    private static Result run(Path cwd, List<String> cmd, Duration timeout) throws IOException, InterruptedException {
        Path out = Files.createTempFile("lapi-cmd", ".out");
        Path err = Files.createTempFile("lapi-cmd", ".err");
        try {
            // outputs go to files, so that a hanging command cannot block us past its timeout
            Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, Files.readString(out), "timed out after " + timeout.toSeconds() + " s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            return new Result(-1, "", e.getMessage());
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
