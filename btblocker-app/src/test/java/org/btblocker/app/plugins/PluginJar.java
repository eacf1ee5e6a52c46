package org.btblocker.app.plugins;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds {@code examples/plugin-detector} (the third-party "portrange" detector) into a jar with the JDK's
 * compiler, against this test's class path: the reactor builds the examples after this module, so its jar is not
 * there yet when these tests run.
 */
public final class PluginJar {

    private PluginJar() {
    }

    /** The example's sources, from the module directory the tests run in. */
    static Path exampleDir() {
        return Path.of(System.getProperty("user.dir")).toAbsolutePath().resolveSibling("examples")
                .resolve("plugin-detector");
    }

    /** Compiles and jars the example into {@code jar}; returns it. */
    public static Path build(Path jar) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler (a JRE, not a JDK)");
        }
        Path work = Files.createTempDirectory("plugin-build");
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("--release", "17", "-d", classes.toString(), "-cp",
                System.getProperty("java.class.path")));
        try (Stream<Path> s = Files.walk(exampleDir().resolve("src/main/java"))) {
            s.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
        }
        StringWriter errors = new StringWriter();
        int rc = javac.run(null, null, new java.io.PrintStream(new java.io.ByteArrayOutputStream() {
            @Override
            public void flush() {
                errors.write(toString());
            }
        }, true), args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("compiling the example plugin failed: " + errors);
        }
        Files.createDirectories(jar.getParent());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            add(j, classes);
            add(j, exampleDir().resolve("src/main/resources"));
        }
        return jar;
    }

    private static void add(JarOutputStream j, Path root) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            j.putNextEntry(new JarEntry(root.relativize(f).toString().replace('\\', '/')));
            j.write(Files.readAllBytes(f));
            j.closeEntry();
        }
    }
}
