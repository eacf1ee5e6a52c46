package org.btblocker.netfilter.firewall;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.btblocker.netlink.Capabilities;

/**
 * Checks what the firewall needs before anything is installed, and says in one line per problem what is wrong and
 * what to do. The facts come from a {@link Host}, so the decision logic is pure and tested with a fake host.
 */
final class FirewallProbe {

    private FirewallProbe() { }

    /** Whether a kernel feature is there. UNKNOWN when the host gives no way to tell (then we do not complain). */
    enum Feature { PRESENT, ABSENT, UNKNOWN }

    /** Facts about the machine. */
    interface Host {
        /** True when this process has CAP_NET_ADMIN in its effective set. */
        boolean hasNetAdmin();

        /** True when an executable of this name is on the PATH. */
        boolean hasProgram(String name);

        /** Whether the kernel has (or can load) this module; {@code configOption} is its Kconfig symbol. */
        Feature kernelFeature(String module, String configOption);

        /** The existing network interfaces. */
        List<String> interfaces();

        /** The real machine: /proc, /sys, /lib/modules and PATH. */
        static Host system() {
            return new SystemHost();
        }
    }

    /** One line per problem; empty when everything needed is there. */
    static List<String> probe(FirewallSettings s, Host host) {
        List<String> errors = new ArrayList<>();
        if (!host.hasNetAdmin()) {
            errors.add("not root: changing the firewall needs CAP_NET_ADMIN; run as root or grant the capability");
        }
        for (String program : List.of("iptables", "ip6tables")) {
            if (!host.hasProgram(program)) {
                errors.add(program + " not found on PATH; install iptables (the nft-based variant works)");
            }
        }
        feature(host, errors, "nfnetlink_queue", "CONFIG_NETFILTER_NETLINK_QUEUE");
        feature(host, errors, "xt_NFQUEUE", "CONFIG_NETFILTER_XT_TARGET_NFQUEUE");
        feature(host, errors, "xt_connmark", "CONFIG_NETFILTER_XT_CONNMARK");
        feature(host, errors, "xt_multiport", "CONFIG_NETFILTER_XT_MATCH_MULTIPORT");
        List<String> existing = host.interfaces();
        for (String iface : s.interfaces()) {
            if (!existing.contains(iface)) {
                errors.add("interface " + iface + " does not exist (existing: " + String.join(", ", existing)
                        + "); fix btblocker.interfaces");
            }
        }
        if (!s.ipsetMatches().isEmpty()) {
            feature(host, errors, "xt_set", "CONFIG_NETFILTER_XT_SET");
        }
        if (!s.nftMatches().isEmpty()) {
            if (!host.hasProgram("nft")) {
                errors.add("nft not found on PATH (the nftables ban sink's drop chains need it); install nftables "
                        + "or use btblocker.banSinks = [ipset]");
            }
            feature(host, errors, "nf_tables", "CONFIG_NF_TABLES");
        }
        return List.copyOf(errors);
    }

    private static void feature(Host host, List<String> errors, String module, String option) {
        if (host.kernelFeature(module, option) == Feature.ABSENT) {
            errors.add("kernel module " + module + " is not loadable (" + option + "); load it with modprobe "
                    + module + " or use a kernel that has it");
        }
    }

    /** Reads the facts from the running system. */
    static final class SystemHost implements Host {

        @Override
        public boolean hasNetAdmin() {
            return Capabilities.hasNetAdmin();
        }

        @Override
        public boolean hasProgram(String name) {
            String path = System.getenv("PATH");
            List<String> dirs = new ArrayList<>(List.of((path == null ? "" : path).split(":")));
            dirs.addAll(List.of("/usr/sbin", "/sbin", "/run/current-system/sw/bin"));
            return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, name)).anyMatch(Files::isExecutable);
        }

        @Override
        public Feature kernelFeature(String module, String configOption) {
            if (Files.isDirectory(Path.of("/sys/module", module))) {
                return Feature.PRESENT;
            }
            if (module.equals("xt_NFQUEUE") && fileContains(Path.of("/proc/net/ip_tables_targets"), "NFQUEUE")) {
                return Feature.PRESENT;
            }
            String release = release();
            Path modules = Path.of("/lib/modules", release);
            boolean haveModules = Files.isDirectory(modules);
            if (haveModules && (fileContains(modules.resolve("modules.builtin"), "/" + module + ".ko")
                    || fileContains(modules.resolve("modules.dep"), "/" + module + ".ko"))) {
                return Feature.PRESENT;
            }
            String value = kernelConfig(configOption);
            if (value == null) {
                return haveModules ? Feature.ABSENT : Feature.UNKNOWN;
            }
            return value.equals("y") || (value.equals("m") && haveModules) ? Feature.PRESENT : Feature.ABSENT;
        }

        @Override
        public List<String> interfaces() {
            try (Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
                return s.map(p -> p.getFileName().toString()).sorted().toList();
            } catch (IOException e) {
                return List.of();
            }
        }

        private static String release() {
            try {
                return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
            } catch (IOException e) {
                return System.getProperty("os.version", "");
            }
        }

        private static boolean fileContains(Path file, String text) {
            try (Stream<String> lines = Files.lines(file)) {
                return lines.anyMatch(l -> l.contains(text));
            } catch (IOException | java.io.UncheckedIOException e) {
                return false;
            }
        }

        /** "y", "m", "n" (explicitly not set) or null when /proc/config.gz is not there. */
        private static String kernelConfig(String option) {
            Path config = Path.of("/proc/config.gz");
            if (!Files.isReadable(config)) {
                return null;
            }
            try (var in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(config)),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith(option + "=")) {
                        return line.substring(option.length() + 1).trim().toLowerCase(Locale.ROOT);
                    }
                }
                return "n";
            } catch (IOException e) {
                return null;
            }
        }
    }
}
