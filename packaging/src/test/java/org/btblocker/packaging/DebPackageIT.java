package org.btblocker.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * The .deb the package phase built: its dependencies, what it installs where, and its conffile, whose commented
 * keys must be the daemon's real defaults (uncommenting all of them changes nothing).
 */
class DebPackageIT {

    /** Keys of the conffile that come with the lead's runtime work; checked once the defaults exist on main. */
    static final Set<String> PENDING = Set.of("stateDirectory", "runtimeDirectory", "pluginsDir", "metrics.enabled",
        "metrics.address", "metrics.port");

    private static final Pattern COMMENTED_KEY = Pattern.compile("^(\\s*)#([A-Za-z][\\w.]*) = (.*)$",
        Pattern.MULTILINE);

    @BeforeAll
    static void needsThePackage() {
        assumeTrue(Cmd.onPath("dpkg-deb"), "skipped: dpkg-deb is not installed");
        assumeTrue(Deb.canRead(), "skipped: no package at " + Project.deb() + " (built by the package phase)");
    }

    @Test
    void dependsOnAJava17RuntimeIptablesAndIpset() {
        assertThat(Deb.field("Package")).isEqualTo("btblocker");
        assertThat(Deb.field("Architecture")).isEqualTo("all");
        assertThat(List.of(Deb.field("Depends").split(",\\s*")))
            .containsExactlyInAnyOrder("java17-runtime-headless", "iptables", "ipset");
        // Debian's openjdk-17 and newer runtimes provide java17-runtime-headless
        if (Cmd.onPath("apt-cache")) {
            assertThat(Cmd.run(List.of("apt-cache", "show", "openjdk-17-jre-headless")).out())
                .containsPattern("Provides:.*java17-runtime-headless");
        }
    }

    @Test
    void installsTheLauncherJarsUnitConfigAndPluginsDirectory() {
        Map<String, String> modes = new LinkedHashMap<>();
        for (String line : Deb.contents()) {
            String[] f = line.split("\\s+");
            modes.put(f[f.length - 1].replaceFirst("^\\./", "/"), f[0]);
        }
        assertThat(modes).containsEntry("/usr/bin/btblocker", "-rwxr-xr-x")
            .containsEntry("/lib/systemd/system/btblocker.service", "-rw-r--r--")
            .containsEntry("/etc/btblocker/btblocker.conf", "-rw-r--r--")
            .containsEntry("/etc/modules-load.d/btblocker.conf", "-rw-r--r--")
            .containsEntry("/etc/btblocker/plugins/", "drwxr-xr-x")
            .containsEntry("/usr/share/btblocker/run-e2e-test.sh", "-rwxr-xr-x");
        List<String> jars = modes.keySet().stream().filter(p -> p.startsWith("/usr/share/btblocker/lib/"))
            .map(p -> p.substring("/usr/share/btblocker/lib/".length())).toList();
        // the command and every runtime dependency; no test jars
        assertThat(jars).anyMatch(j -> j.matches("btblocker-app-.*\\.jar"))
            .anyMatch(j -> j.matches("config-.*\\.jar")).anyMatch(j -> j.matches("jnr-ffi-.*\\.jar"))
            .anyMatch(j -> j.matches("jffi-.*-native\\.jar")).anyMatch(j -> j.matches("picocli-.*\\.jar"))
            .anyMatch(j -> j.matches("logback-classic-.*\\.jar"))
            .noneMatch(j -> j.contains("junit") || j.contains("assertj") || j.contains("quicktheories")
                || j.endsWith("-tests.jar"));
        assertThat(Deb.file("usr/bin/btblocker")).contains("-cp '/usr/share/btblocker/lib/*' org.btblocker.app.Main");
    }

    @Test
    void theConfigurationAndTheModuleListAreConffiles() {
        assertThat(Deb.control("conffiles").lines().map(String::strip).toList())
            .containsExactlyInAnyOrder("/etc/btblocker/btblocker.conf", "/etc/modules-load.d/btblocker.conf");
    }

    @Test
    void everyKeyOfTheConffileIsCommentedOutAndShowsTheRealDefault() {
        String conf = Deb.file("etc/btblocker/btblocker.conf");
        // as shipped, the file sets nothing: the daemon runs on its defaults
        Config shipped = ConfigFactory.parseString(conf);
        assertThat(shipped.root().keySet()).containsExactly("btblocker");
        assertThat(shipped.getConfig("btblocker").root()).isEmpty();
        assertThat(Project.btblocker("check-config", "--config", Project.tempFile("shipped.conf", conf).toString())
            .ok()).contains("configuration OK");

        Matcher m = COMMENTED_KEY.matcher(conf);
        List<String> keys = new ArrayList<>();
        StringBuilder uncommented = new StringBuilder();
        int last = 0;
        while (m.find()) {
            keys.add(m.group(2));
            uncommented.append(conf, last, m.start()).append(m.group(1)).append(m.group(2)).append(" = ")
                .append(m.group(3));
            last = m.end();
        }
        uncommented.append(conf.substring(last));
        assertThat(keys).as("the seed's keys are all there").contains("queueNum", "entropyThreshold",
            "minPayloadSize", "ipsetName", "banDuration", "interfaces", "whitelistPorts", "logLevel", "logFormat");

        Config reference = ConfigFactory.defaultReference().getConfig("btblocker");
        Config all = ConfigFactory.parseString(uncommented.toString()).getConfig("btblocker");
        for (String key : keys) {
            if (PENDING.contains(key) && !reference.hasPath(key)) {
                continue;
            }
            assertThat(reference.hasPath(key)).as("btblocker." + key + " is a real key").isTrue();
            assertThat(all.getValue(key).unwrapped()).as("the default of btblocker." + key)
                .isEqualTo(reference.getValue(key).unwrapped());
        }
        // and the daemon accepts every line uncommented
        assertThat(Project.btblocker("check-config", "--config",
            Project.tempFile("uncommented.conf", uncommented.toString()).toString()).ok()).contains("configuration OK");
    }
}
