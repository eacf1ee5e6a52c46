package org.btblocker.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

import org.btblocker.app.errors.ExitCodes;
import org.btblocker.app.errors.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;

/**
 * Issue 8, item 5: a typo under {@code btblocker.} is refused in one line naming the key, where it was set and the
 * nearest known key (e1b8c66 accepted {@code btblocker.queuNum = 5} and {@code entropy.treshold} in silence and used
 * the defaults); a plugin's keys, declared in its own reference.conf, are known.
 */
class KnownKeysTest {

    private static final ClassLoader LOADER = KnownKeysTest.class.getClassLoader();

    private static Config config(String text, ClassLoader loader) {
        return ConfigFactory.parseString(text, ConfigParseOptions.defaults().setOriginDescription("test.conf"))
                .withFallback(ConfigFactory.defaultReference(loader)).resolve();
    }

    private static String refusal(String text) {
        try {
            KnownKeys.refuseUnknown(config(text, LOADER), LOADER);
        } catch (UserException e) {
            assertThat(e.exitCode()).isEqualTo(ExitCodes.CONFIG);
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + text);
    }

    @Test
    void typosAreRefusedNamingTheKeyAndTheNearestKnownOne() {
        assertThat(refusal("btblocker.queuNum = 5")).startsWith("btblocker.queuNum: unknown key (set in test.conf: 1)")
                .contains("did you mean btblocker.queueNum?");
        assertThat(refusal("btblocker.entropy.treshold = 7.9"))
                .startsWith("btblocker.entropy.treshold: unknown key")
                .contains("did you mean btblocker.entropy.threshold?");
        assertThat(refusal("btblocker { banduration = \"5h\" }")).contains("did you mean btblocker.banDuration?");
        assertThat(refusal("btblocker.entropyy { threshold = 7 }")).startsWith("btblocker.entropyy: unknown key")
                .contains("did you mean btblocker.entropy?");
        assertThat(refusal("btblocker { queuNum = 5, logLevl = debug }")).doesNotContain("\n")
                .startsWith("btblocker.logLevl: unknown key").contains("(1 more unknown: btblocker.queuNum)");
    }

    @Test
    void everyKnownKeyAndEverythingOutsideBtblockerIsAccepted() {
        assertThatCode(() -> KnownKeys.refuseUnknown(config("btblocker { queueNum = 5, entropy.threshold = 7.9, "
                + "whitelistPorts = [], handshake.minFrames = 4, firewall.sourceCheck = loose }\n"
                + "akka.loglevel = DEBUG", LOADER), LOADER)).doesNotThrowAnyException();
        assertThatCode(() -> KnownKeys.refuseUnknown(ConfigFactory.defaultReference(LOADER), LOADER))
                .doesNotThrowAnyException();
    }

    @Test
    void aPluginsKeysComeFromItsOwnReferenceConf(@TempDir Path jar) throws Exception {
        Files.writeString(jar.resolve("reference.conf"), "btblocker.myplugin { ports = [1], extra {} }\n");
        try (URLClassLoader plugin = new URLClassLoader(new URL[] {jar.toUri().toURL()}, LOADER)) {
            Config root = config("btblocker.myplugin { ports = [6881], extra { anything = 1 } }", plugin);
            assertThatCode(() -> KnownKeys.refuseUnknown(root, plugin)).as("an empty object leaves its contents free")
                    .doesNotThrowAnyException();
            assertThatThrownBy(() -> KnownKeys.refuseUnknown(config("btblocker.myplugin.prots = [1]", plugin), plugin))
                    .hasMessageContaining("did you mean btblocker.myplugin.ports?");
            assertThatThrownBy(() -> KnownKeys.refuseUnknown(root, LOADER)).as("without the plugin: unknown")
                    .hasMessageStartingWith("btblocker.myplugin: unknown key");
        }
    }

    @Test
    void editDistanceIsLevenshteinIgnoringCase() {
        assertThat(KnownKeys.distance("queuNum", "queueNum")).isEqualTo(1);
        assertThat(KnownKeys.distance("treshold", "threshold")).isEqualTo(1);
        assertThat(KnownKeys.distance("BanDuration", "banDuration")).isZero();
        assertThat(KnownKeys.distance("", "abc")).isEqualTo(3);
        assertThat(KnownKeys.distance("kitten", "sitting")).isEqualTo(3);
    }
}
