package org.btblocker.app.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;

import org.btblocker.api.DetectorProvider;
import org.btblocker.app.errors.UserException;
import org.btblocker.engine.ProviderRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.typesafe.config.ConfigFactory;

class PluginClassLoaderTest {

    @TempDir
    Path dir;

    private Path plugins;
    private Path jar;

    @BeforeEach
    void buildThePlugin() throws IOException {
        plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxr-xr-x"));
        jar = PluginJar.build(plugins.resolve("portrange.jar"));
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
    }

    private ClassLoader app() {
        return getClass().getClassLoader();
    }

    @Test
    void aJarsDetectorIsFoundWithItsOriginAndItsDefaults() {
        ClassLoader loader = PluginClassLoader.over(plugins, app(), false);
        assertThat(loader).isInstanceOf(PluginClassLoader.class);
        assertThat(((PluginClassLoader) loader).jars()).containsExactly(jar);
        DetectorProvider portrange = ProviderRegistry.detectors(loader).get("portrange");
        assertThat(portrange).isNotNull();
        assertThat(ProviderRegistry.origin(portrange)).isEqualTo(jar.toString());
        assertThat(portrange.getClass().getClassLoader()).as("its own loader").isNotSameAs(loader)
                .isInstanceOf(java.net.URLClassLoader.class);
        assertThat(ProviderRegistry.detectors(loader).get("handshake")).as("built-ins are found once").isNotNull();
        assertThat(ConfigFactory.defaultReference(loader).getStringList("btblocker.portrange.ports"))
                .containsExactly("6881-6889");
        assertThat(ProviderRegistry.detectors(app()).get("portrange")).as("not without the plugin").isNull();
    }

    @Test
    void aMissingDirectoryMeansNoPlugins() {
        assertThat(PluginClassLoader.over(dir.resolve("none"), app(), true)).isSameAs(app());
    }

    @Test
    void whatIsRefusedAndWhy() {
        assertThat(PluginClassLoader.problem("root", PosixFilePermissions.fromString("rw-r--r--"))).isNull();
        assertThat(PluginClassLoader.problem("root", PosixFilePermissions.fromString("rw-rw-r--")))
                .isEqualTo("is writable by its group");
        assertThat(PluginClassLoader.problem("alice", PosixFilePermissions.fromString("rw-r--rw-")))
                .isEqualTo("is owned by alice, not root and is writable by everyone");
    }

    @Test
    void asRootAJarWritableByOthersIsRefusedInOneLine() throws IOException {
        assumeTrue(PluginClassLoader.isRoot(), "ownership checks apply to root only");
        assertThat(PluginClassLoader.over(plugins, app(), true)).isInstanceOf(PluginClassLoader.class);
        Files.setPosixFilePermissions(jar, EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE));
        assertThatThrownBy(() -> PluginClassLoader.over(plugins, app(), true)).isInstanceOf(UserException.class)
                .hasMessage("plugin " + jar + " is writable by its group; code there runs as root inside btblocker: "
                        + "chown root " + jar + " && chmod go-w " + jar + ", or remove it");
    }

    @Test
    void asRootAJarOwnedBySomeoneElseOrAnOpenDirectoryIsRefused() throws IOException {
        assumeTrue(PluginClassLoader.isRoot(), "ownership checks apply to root only");
        UserPrincipal nobody;
        try {
            nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        } catch (IOException e) {
            nobody = null;
        }
        assumeTrue(nobody != null, "no user nobody");
        Files.setOwner(jar, nobody);
        assertThatThrownBy(() -> PluginClassLoader.over(plugins, app(), true))
                .hasMessageStartingWith("plugin " + jar + " is owned by nobody, not root;");
        Files.setOwner(jar, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root"));
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> PluginClassLoader.over(plugins, app(), true))
                .hasMessageStartingWith("the plugins directory " + plugins + " is writable by its group and is "
                        + "writable by everyone;");
    }
}
