package org.btblocker.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Where the build put things (system properties set by this module's pom) and how to run the packaged command. */
final class Project {

    private Project() {
    }

    /** The repository root. */
    static Path root() {
        return Path.of(System.getProperty("btblocker.root", "..")).toAbsolutePath().normalize();
    }

    /** The seed guide, ../shared/seed/NIXOS_DEPLOYMENT.md; may be missing on a machine without ../shared. */
    static Path seed() {
        return Path.of(System.getProperty("btblocker.seed", "../../shared/seed/NIXOS_DEPLOYMENT.md"));
    }

    /** The .deb the package phase built. */
    static Path deb() {
        return Path.of(System.getProperty("btblocker.deb", "target/btblocker.deb"));
    }

    /** The jars the .deb installs in /usr/share/btblocker/lib, as the build staged them. */
    static Path debLib() {
        return Path.of(System.getProperty("btblocker.debLib", "target/deb/lib"));
    }

    /** Runs {@code btblocker ARGS} from the staged jars, the way /usr/bin/btblocker runs them. */
    static Cmd.Result btblocker(String... args) {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", debLib() + "/*", "org.btblocker.app.Main"));
        argv.addAll(List.of(args));
        return Cmd.run(argv, Map.of(), Duration.ofMinutes(1));
    }

    /** Writes {@code text} to a new temporary file named {@code *-name}, deleted when the JVM exits. */
    static Path tempFile(String name, String text) {
        try {
            Path f = Files.createTempFile("btbpkg-", "-" + name);
            f.toFile().deleteOnExit();
            return Files.writeString(f, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
