package org.btblocker.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;

/**
 * The .deb the package phase built: its dependencies, what it installs where, and its conffile, which lists every
 * key of the daemon commented out with its real default (uncommenting all of them changes nothing).
 */
class DebPackageIT {

    /** A commented key line: {@code #key = value}; a value opening a list may go on over {@code #}-lines. */
    private static final Pattern COMMENTED_KEY = Pattern.compile("^(\\s*)#([A-Za-z][\\w.]*) = (.*)$");

    @BeforeAll
    static void needsThePackage() {
        assumeTrue(Cmd.onPath("dpkg-deb"), "skipped: dpkg-deb is not installed");
        assumeTrue(Deb.canRead(), "skipped: no package at " + Project.deb() + " (built by the package phase)");
    }

    @Test
    void dependsOnAJava17RuntimeIptablesIpsetAndConntrack() {
        assertThat(Deb.field("Package")).isEqualTo("btblocker");
        assertThat(Deb.field("Architecture")).isEqualTo("all");
        assertThat(List.of(Deb.field("Depends").split(",\\s*")))
            .containsExactlyInAnyOrder("java17-runtime-headless", "iptables", "ipset",
                "conntrack");   // a ban cuts the banned host's open connections (conntrack -D)
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

        Uncommented u = uncomment(conf);
        assertThat(u.keys()).as("the seed's keys are all there").contains("queueNum", "entropyThreshold",
            "minPayloadSize", "ipsetName", "banDuration", "interfaces", "whitelistPorts", "logLevel", "logFormat");
        assertThat(u.keys()).as("each key once").doesNotHaveDuplicates();

        // every problem at once: a merge that adds, drops or changes keys gets the whole list of lines to fix
        SoftAssertions problems = new SoftAssertions();
        Map<String, ConfigValue> defaults = DaemonKeys.defaults();
        List<String> missing = defaults.keySet().stream().filter(k -> !u.keys().contains(k))
            .map(k -> "  #" + k + " = " + defaults.get(k).render(ConfigRenderOptions.concise())).toList();
        problems.assertThat(missing).as("keys of the daemon the conffile does not list (lines to add)").isEmpty();

        // uncommented, every line sets its key to the default it shows (substitutions resolved as the daemon does)
        Config all = ConfigFactory.parseString(u.text()).withFallback(DaemonKeys.referenceRoot()).resolve()
            .getConfig("btblocker");
        for (String key : u.keys()) {
            if (DaemonKeys.isPending(key)) {
                continue;
            }
            if (!defaults.containsKey(key)) {
                problems.fail("btblocker." + key + " is not a key the daemon reads (remove its line)");
                continue;
            }
            problems.assertThat(all.getValue(key).unwrapped()).as("the default of btblocker." + key)
                .isEqualTo(defaults.get(key).unwrapped());
        }
        problems.assertAll();
        // and the daemon accepts every line uncommented
        assertThat(Project.btblocker("check-config", "--config", Project.tempFile("uncommented.conf", u.text())
            .toString()).ok()).contains("configuration OK");
    }

    @Test
    void theUncommentingIsRight() {
        Uncommented u = uncomment("btblocker {\n  # prose # not=a key\n  #a.b = 1\n  #list = [\n  #  \"x\",\n"
            + "  #  \"y\"\n  #]\n  #c = [${btblocker.a.b}]\n}\n");
        assertThat(u.keys()).containsExactly("a.b", "list", "c");
        assertThat(ConfigFactory.parseString(u.text()).resolve().getConfig("btblocker").root().unwrapped())
            .isEqualTo(Map.of("a", Map.of("b", 1), "list", List.of("x", "y"), "c", List.of(1)));
    }

    /** The conffile with its key lines uncommented, and those keys in file order. */
    private record Uncommented(String text, List<String> keys) { }

    private static Uncommented uncomment(String conf) {
        List<String> keys = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int open = 0;       // brackets of a list value still open, over continuation lines
        for (String line : conf.split("\n", -1)) {
            Matcher m = COMMENTED_KEY.matcher(line);
            if (open > 0) {
                String value = line.replaceFirst("^(\\s*)#", "$1");
                assertThat(value).as("a continuation line of a commented list").isNotEqualTo(line);
                open += depth(value);
                text.append(value);
            } else if (m.matches()) {
                keys.add(m.group(2));
                open = depth(m.group(3));
                text.append(m.group(1)).append(m.group(2)).append(" = ").append(m.group(3));
            } else {
                text.append(line);
            }
            text.append('\n');
        }
        assertThat(open).as("every commented list is closed").isZero();
        return new Uncommented(text.toString(), List.copyOf(keys));
    }

    /** Brackets opened minus closed, outside quoted strings. */
    private static int depth(String value) {
        int depth = 0;
        boolean quoted = false;
        for (char c : value.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '[') {
                depth++;
            } else if (!quoted && c == ']') {
                depth--;
            }
        }
        return depth;
    }
}
