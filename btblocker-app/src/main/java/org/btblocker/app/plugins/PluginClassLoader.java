package org.btblocker.app.plugins;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.btblocker.app.errors.ExitCodes;
import org.btblocker.app.errors.UserException;
import org.btblocker.netlink.Capabilities;

/**
 * The class loader of {@code btblocker.pluginsDir}: every {@code *.jar} there gets its own {@link URLClassLoader}
 * (whose parent is the application's loader, so plugins see the API but not each other), and this loader makes
 * them one to {@link java.util.ServiceLoader}: its resources ({@code META-INF/services/...}, {@code reference.conf})
 * are the application's followed by each jar's own, and a class the application does not have is looked up in
 * the jars, in name order. A provider's class is defined by its jar's loader, so
 * {@link org.btblocker.engine.ProviderRegistry#origin} names the jar.
 *
 * <p>A plugin runs inside the daemon with its privileges, so when btblocker runs as root or with CAP_NET_ADMIN
 * ({@link #isPrivileged()}) the directory and each jar must be owned by root and writable by nobody else;
 * otherwise the command stops with one line naming the file. A missing directory means no plugins.
 */
public final class PluginClassLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    private final List<URLClassLoader> jars;
    private final List<Path> paths;

    private PluginClassLoader(ClassLoader parent, List<Path> paths, List<URLClassLoader> jars) {
        super("btblocker-plugins", parent);
        this.paths = List.copyOf(paths);
        this.jars = List.copyOf(jars);
    }

    /**
     * The loader over the jars of {@code dir}, or {@code parent} itself when the directory does not exist or has no
     * jar.
     *
     * @param checkOwnership true when running privileged: refuse files not owned by root or writable by others
     * @throws UserException exit 1 naming the directory or jar refused, or the directory that cannot be read
     */
    public static ClassLoader over(Path dir, ClassLoader parent, boolean checkOwnership) {
        if (!Files.exists(dir)) {
            return parent;
        }
        if (!Files.isDirectory(dir)) {
            throw new UserException(ExitCodes.RUNTIME, "btblocker.pluginsDir " + dir + " is not a directory");
        }
        List<Path> found;
        try (Stream<Path> s = Files.list(dir)) {
            found = s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UserException(ExitCodes.RUNTIME, "btblocker.pluginsDir " + dir + ": cannot list it ("
                    + e.getMessage() + ")", e);
        }
        if (checkOwnership) {
            check(dir, "the plugins directory");
            for (Path jar : found) {
                check(jar, "plugin");
            }
        }
        if (found.isEmpty()) {
            return parent;
        }
        List<URLClassLoader> loaders = new ArrayList<>();
        for (Path jar : found) {
            try {
                loaders.add(new URLClassLoader("plugin " + jar.getFileName(), new URL[] {jar.toUri().toURL()},
                        parent));
            } catch (MalformedURLException e) {
                throw new UserException(ExitCodes.RUNTIME, "plugin " + jar + ": " + e.getMessage(), e);
            }
        }
        return new PluginClassLoader(parent, found, loaders);
    }

    /** Refuses {@code file} unless root owns it and neither group nor others may write it. */
    static void check(Path file, String what) {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            throw new UserException(ExitCodes.RUNTIME, what + " " + file + ": cannot read its owner and mode ("
                    + e.getMessage() + ")", e);
        }
        if (a.isSymbolicLink()) {
            try {
                Path target = file.toRealPath();
                check(target, what);
                return;
            } catch (IOException e) {
                throw new UserException(ExitCodes.RUNTIME, what + " " + file + ": a broken link", e);
            }
        }
        String problem = problem(a.owner().getName(), a.permissions());
        if (problem != null) {
            throw new UserException(ExitCodes.RUNTIME, what + " " + file + " " + problem + "; code there runs as "
                    + "root inside btblocker: chown root " + file + " && chmod go-w " + file + ", or remove it");
        }
    }

    /** Why a file with this owner and mode is refused, or null. */
    static String problem(String owner, Set<PosixFilePermission> mode) {
        List<String> p = new ArrayList<>();
        if (!owner.equals("root")) {
            p.add("is owned by " + owner + ", not root");
        }
        if (mode.contains(PosixFilePermission.GROUP_WRITE)) {
            p.add("is writable by its group");
        }
        if (mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            p.add("is writable by everyone");
        }
        return p.isEmpty() ? null : String.join(" and ", p);
    }

    /** True when this process runs with effective user id 0 (from /proc/self/status). */
    public static boolean isRoot() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("Uid:")).findFirst().map(l -> l.split("\\s+")[2].equals("0"))
                    .orElse(false);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * True when plugins would run with privileges: as root, or with CAP_NET_ADMIN (the packaged service runs as a
     * dynamic user holding it). Then the plugins directory and its jars must be root's.
     */
    public static boolean isPrivileged() {
        return isRoot() || Capabilities.hasNetAdmin();
    }

    /** The jars, in load order. */
    public List<Path> jars() {
        return paths;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        for (URLClassLoader jar : jars) {
            try {
                return jar.loadClass(name);
            } catch (ClassNotFoundException e) {
                // the next jar
            }
        }
        throw new ClassNotFoundException(name);
    }

    @Override
    protected URL findResource(String name) {
        for (URLClassLoader jar : jars) {
            URL u = jar.findResource(name);
            if (u != null) {
                return u;
            }
        }
        return null;
    }

    @Override
    protected Enumeration<URL> findResources(String name) throws IOException {
        List<URL> all = new ArrayList<>();
        for (URLClassLoader jar : jars) {
            all.addAll(Collections.list(jar.findResources(name)));    // the jar's own, not its parent's again
        }
        return Collections.enumeration(all);
    }
}
