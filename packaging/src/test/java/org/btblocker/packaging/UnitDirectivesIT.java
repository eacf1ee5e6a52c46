package org.btblocker.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The unit the NixOS module writes and the one the Debian package installs carry the same [Service] directives
 * with the same values; only the path of the command differs. The kernel modules loaded at boot are the same too.
 */
class UnitDirectivesIT {

    @Test
    void theModulesServiceAndThePackagedUnitCarryTheSameDirectives() throws Exception {
        assumeTrue(Nix.isAvailable(), "skipped: nix-instantiate is not installed (Debian: nix-bin)");
        Map<String, Object> eval = Nix.evalModule(NixModuleIT.ENABLED);
        Map<String, String> nix = new LinkedHashMap<>(UnitFile.fromNix(
            Nix.at(eval, "config", "systemd", "services", "btblocker", "serviceConfig")));
        Map<String, String> shipped = new LinkedHashMap<>(UnitFile.parse(packagedUnit()).get("Service"));

        String nixExec = nix.remove("ExecStart");
        String debExec = shipped.remove("ExecStart");
        assertThat(nixExec).matches("/nix/store/[^ ]+/bin/btblocker run --config /etc/btblocker/btblocker.conf");
        assertThat(debExec).isEqualTo("/usr/bin/btblocker run --config /etc/btblocker/btblocker.conf");
        assertThat(shipped).isEqualTo(nix);

        List<Object> kernelModules = Nix.at(eval, "config", "boot", "kernelModules");
        String modulesLoad = Files.readString(Project.root().resolve("packaging/etc/modules-load.conf"));
        assertThat(modulesLoad.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList())
            .isEqualTo(kernelModules);
    }

    @Test
    void thePackagedUnitParses() throws Exception {
        Map<String, Map<String, String>> unit = UnitFile.parse(packagedUnit());
        assertThat(unit).containsOnlyKeys("Unit", "Service", "Install");
        assertThat(unit.get("Install")).containsEntry("WantedBy", "multi-user.target");
        assertThat(unit.get("Service")).containsEntry("Type", "notify").doesNotContainKey("MemoryDenyWriteExecute")
            .containsEntry("CapabilityBoundingSet", "CAP_NET_ADMIN CAP_NET_RAW")
            // SIGTERM to the daemon alone: the iptables it runs to remove its rules must not be killed with it
            .containsEntry("KillMode", "mixed");
        if (Cmd.onPath("systemd-analyze")) {
            // systemd's own parser: unknown directives and bad values are reported (the binary need not exist)
            var r = Cmd.run(List.of("systemd-analyze", "verify", "--man=no",
                Project.root().resolve("packaging/systemd/btblocker.service").toString()));
            assertThat(r.err()).doesNotContain("Unknown key").doesNotContain("Failed to parse");
        }
    }

    private static String packagedUnit() throws Exception {
        return Deb.canRead() ? Deb.file("lib/systemd/system/btblocker.service")
            : Files.readString(Project.root().resolve("packaging/systemd/btblocker.service"));
    }
}
