package org.btblocker.netlink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's effective Linux capabilities, read from {@code /proc/self/status} ({@code CapEff}). */
public final class Capabilities {

    /** {@code CAP_NET_ADMIN} (linux/capability.h): netlink configuration, firewall rules, NFQUEUE binding. */
    public static final int CAP_NET_ADMIN = 12;

    private Capabilities() {
    }

    /** True when this process may change the network configuration (root, or granted CAP_NET_ADMIN). */
    public static boolean hasNetAdmin() {
        return has(CAP_NET_ADMIN);
    }

    /** True when capability number {@code cap} is in the effective set; false when it cannot be read. */
    public static boolean has(int cap) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return (Long.parseUnsignedLong(line.substring(7).trim(), 16) >>> cap & 1) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }
}
