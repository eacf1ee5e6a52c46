package org.btblocker.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.btblocker.app.plugins.PluginJar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** {@code btblocker detectors} with the example plugin in a plugins directory. */
class DetectorsCommandTest {

    @TempDir
    Path dir;

    private String[] run(String... args) {
        CommandLine cl = BtblockerCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void showsWhereEachDetectorAndBanSinkCameFrom() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = PluginJar.build(plugins.resolve("portrange.jar"));
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));

        String[] r = run("detectors", "--set", "btblocker.pluginsDir=\"" + plugins + "\"", "--set",
            "btblocker.detectors=[handshake, portrange]");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        String out = r[1];
        assertThat(out).contains("portrange  enabled").contains("    from " + jar + "\n")
            .contains("    btblocker.portrange.ports = [\"6881-6889\"]")
            .containsPattern("handshake +enabled .*\n    from built in\n")
            .containsPattern("dht +disabled")
            .contains("ban sinks (btblocker.banSinks):")
            .containsPattern("ipset +enabled .*\n    from built in\n")
            .containsPattern("nftables +disabled")
            .contains("enabled: btblocker.banSinks = [ipset]");

        String[] check = run("check-config", "--set", "btblocker.pluginsDir=\"" + plugins + "\"", "--set",
            "btblocker.detectors=[handshake, portrange]");
        assertThat(check[0]).as(check[2]).isEqualTo("0");
        assertThat(check[1]).contains("detectors [handshake, portrange]");

        String[] without = run("check-config", "--set", "btblocker.pluginsDir=\"" + dir.resolve("none") + "\"",
            "--set", "btblocker.detectors=[handshake, portrange]");
        assertThat(without[0]).isEqualTo("2");
        assertThat(without[2]).contains("unknown detector \"portrange\"");
    }
}
