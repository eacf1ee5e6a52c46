package org.btblocker.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** packaging/run-e2e-test.sh, the operator's manual test, run as an operator would, on the packaged jars. */
class RunE2eScriptIT {

    @Test
    void theManualTestPassesAndLeavesNothingBehind() throws Exception {
        assumeTrue(Cmd.isRoot(), "run-e2e-test.sh needs root");
        for (String tool : List.of("ip", "iptables", "ipset", "python3")) {
            assumeTrue(Cmd.onPath(tool), "run-e2e-test.sh needs `" + tool + "`");
        }
        assumeTrue(Files.isDirectory(Project.debLib()), "no packaged jars at " + Project.debLib());
        // what /usr/bin/btblocker does, with the jars where the build staged them
        Path launcher = Project.tempFile("btblocker", "#!/bin/sh\nexec " + Path.of(System.getProperty("java.home"),
            "bin", "java") + " -XX:TieredStopAtLevel=1 -cp '" + Project.debLib() + "/*' org.btblocker.app.Main"
            + " \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));

        Cmd.Result r = Cmd.run(List.of("sh", Project.root().resolve("packaging/run-e2e-test.sh").toString()),
            Map.of("BTBLOCKER", launcher.toString()), Duration.ofMinutes(3));
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("PASS  the client is banned in the gateway's ipset torrent_block")
            .contains("PASS  the stop removed every rule of ours").contains("6 passed, 0 failed");
        // its own namespaces are gone (other sessions on this machine may be running the script at the same time)
        Matcher gateway = Pattern.compile("running in namespace (btbe2e-\\S+)-gw").matcher(r.out());
        assertThat(gateway.find()).as("the script names its gateway namespace: " + r.out()).isTrue();
        assertThat(Cmd.run(List.of("ip", "netns", "list")).ok()).doesNotContain(gateway.group(1) + "-");
        // the script's daemon keeps its ban journal in its own directory: the default one belongs to the service
        assertThat(r.out()).containsPattern("bans restored from /tmp/btblocker-e2e\\.\\w+/state/bans\\.journal");
    }
}
