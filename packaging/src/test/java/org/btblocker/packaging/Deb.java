package org.btblocker.packaging;

import java.util.List;

/** Reads the built .deb with dpkg-deb (no installation). */
final class Deb {

    private Deb() {
    }

    static boolean canRead() {
        return Cmd.onPath("dpkg-deb") && java.nio.file.Files.isRegularFile(Project.deb());
    }

    /** The text of {@code path} (e.g. "etc/btblocker/btblocker.conf") inside the package's data archive. */
    static String file(String path) {
        return Cmd.run(List.of("sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -xOf - \"./$2\"", "sh",
            Project.deb().toString(), path)).ok();
    }

    /** A control file of the package ("control", "conffiles", "postinst", ...). */
    static String control(String name) {
        return Cmd.run(List.of("dpkg-deb", "-I", Project.deb().toString(), name)).ok();
    }

    /** One field of the control file. */
    static String field(String name) {
        return Cmd.run(List.of("dpkg-deb", "-f", Project.deb().toString(), name)).ok().strip();
    }

    /** {@code dpkg-deb -c}: one "mode owner size date time path" line per entry. */
    static List<String> contents() {
        return Cmd.run(List.of("dpkg-deb", "-c", Project.deb().toString())).ok().lines().toList();
    }
}
