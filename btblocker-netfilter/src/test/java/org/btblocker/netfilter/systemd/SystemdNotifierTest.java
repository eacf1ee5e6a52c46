package org.btblocker.netfilter.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.btblocker.netlink.sys.Syscalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notifier against a real AF_UNIX datagram socket, bound and read by a python3 child process that prints each
 * datagram it receives (as Python's repr, one per line) — the receiving end systemd would be.
 */
class SystemdNotifierTest {

    private static final long PID = 4242;

    @TempDir
    Path dir;

    @Test
    void sendsEachMessageAsOneDatagramToASocketPath() throws Exception {
        String socket = dir.resolve("notify").toString();
        try (Receiver receiver = new Receiver(socket, 5);
                SystemdNotifier n = SystemdNotifier.from(Map.of("NOTIFY_SOCKET", socket), PID, () -> 123_456)) {
            assertThat(n.isEnabled()).isTrue();
            n.ready("2 queues, 7 detectors");
            n.status("1 ban");
            n.reloading();
            n.watchdog();
            n.stopping();
            assertThat(receiver.datagrams()).containsExactly("READY=1\\nSTATUS=2 queues, 7 detectors",
                "STATUS=1 ban", "RELOADING=1\\nMONOTONIC_USEC=123456", "WATCHDOG=1", "STOPPING=1");
            assertThat(n.failures()).isZero();
        }
    }

    @Test
    void reachesAnAbstractSocketNamedWithALeadingAt() throws Exception {
        String name = "@btblocker-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        try (Receiver receiver = new Receiver(name, 1);
                SystemdNotifier n = SystemdNotifier.from(Map.of("NOTIFY_SOCKET", name), PID, () -> 0)) {
            n.ready("up");
            assertThat(receiver.datagrams()).containsExactly("READY=1\\nSTATUS=up");
        }
    }

    @Test
    void withoutNotifySocketEveryCallDoesNothing() {
        for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of("NOTIFY_SOCKET", ""),
                Map.of("NOTIFY_SOCKET", "relative/socket"))) {
            SystemdNotifier n = SystemdNotifier.from(env, PID, () -> 0);
            assertThat(n.isEnabled()).as(env.toString()).isFalse();
            n.ready("x");
            n.watchdog();
            n.close();
            assertThat(n.failures()).isZero();
            assertThat(n.watchdogInterval()).isEqualTo(Duration.ZERO);
        }
    }

    @Test
    void aSocketNobodyListensOnCountsFailuresAndNeverThrows() {
        assumeTrue(Syscalls.isAvailable(), "needs libc through jnr-ffi");
        String socket = dir.resolve("nobody-here").toString();
        try (SystemdNotifier n = SystemdNotifier.from(Map.of("NOTIFY_SOCKET", socket), PID, () -> 0)) {
            n.ready("x");
            n.watchdog();
            n.status("y");
            assertThat(n.failures()).isEqualTo(3);
        }
    }

    @Test
    void watchdogIntervalComesFromWatchdogUsecWhenItIsForThisProcess() {
        String socket = dir.resolve("s").toString();
        assertThat(interval(Map.of("NOTIFY_SOCKET", socket, "WATCHDOG_USEC", "30000000")))
            .isEqualTo(Duration.ofSeconds(30));
        assertThat(interval(Map.of("NOTIFY_SOCKET", socket, "WATCHDOG_USEC", "2500000", "WATCHDOG_PID", "4242")))
            .isEqualTo(Duration.ofMillis(2500));
        assertThat(interval(Map.of("NOTIFY_SOCKET", socket, "WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "1")))
            .as("meant for another process").isEqualTo(Duration.ZERO);
        assertThat(interval(Map.of("NOTIFY_SOCKET", socket))).isEqualTo(Duration.ZERO);
        assertThat(interval(Map.of("NOTIFY_SOCKET", socket, "WATCHDOG_USEC", "soon"))).isEqualTo(Duration.ZERO);
        assertThat(interval(Map.of("NOTIFY_SOCKET", socket, "WATCHDOG_USEC", "0"))).isEqualTo(Duration.ZERO);
    }

    private static Duration interval(Map<String, String> env) {
        assumeTrue(Syscalls.isAvailable(), "needs libc through jnr-ffi");
        try (SystemdNotifier n = SystemdNotifier.from(env, PID, () -> 0)) {
            return n.watchdogInterval();
        }
    }

    /** python3 bound to a datagram socket, printing the first {@code count} datagrams it receives. */
    private static final class Receiver implements AutoCloseable {

        private static final String SCRIPT = String.join("\n",
            "import socket, sys",
            "name, count = sys.argv[1], int(sys.argv[2])",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
            "s.bind('\\0' + name[1:] if name.startswith('@') else name)",
            "s.settimeout(20)",
            "print('BOUND', flush=True)",
            "for _ in range(count):",
            "    print(repr(s.recv(4096).decode())[1:-1], flush=True)");

        private final Process process;
        private final BufferedReader out;
        private final int count;

        Receiver(String name, int count) throws IOException {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "needs /usr/bin/python3 to read the socket");
            this.count = count;
            this.process = new ProcessBuilder("/usr/bin/python3", "-c", SCRIPT, name, Integer.toString(count))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("BOUND");
        }

        List<String> datagrams() throws IOException {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String line = out.readLine();
                if (line == null) {
                    break;
                }
                lines.add(line);
            }
            return lines;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
