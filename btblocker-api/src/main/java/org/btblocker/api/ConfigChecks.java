package org.btblocker.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;

/**
 * Reads settings from one configuration block so that a bad value fails with the full key path the operator writes
 * ({@code btblocker.utp.maxDatagrams}) and the file and line (or {@code --set}) it came from. A detector's
 * {@link DetectorProvider#create(Config)} receives only its own block, which does not know its path: pass it.
 *
 * <pre>{@code
 * int max = ConfigChecks.intIn(own, "btblocker.utp", "maxDatagrams", 2, 65535);
 * }</pre>
 */
public final class ConfigChecks {

    private ConfigChecks() {
    }

    /**
     * {@code block.getInt(key)}, checked to lie in {@code [min, max]}.
     *
     * @param blockPath the block's own path, e.g. {@code "btblocker"} or {@code "btblocker.utp"}
     * @throws ConfigException.BadValue out of range; {@link ConfigException.WrongType} not an integer (both naming
     *         {@code blockPath.key})
     */
    public static int intIn(Config block, String blockPath, String key, int min, int max) {
        int value;
        try {
            value = block.getInt(key);
        } catch (ConfigException.WrongType e) {
            throw new ConfigException.WrongType(origin(block, key), blockPath + "." + key, "an integer",
                    block.getValue(key).valueType().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (value < min || value > max) {
            throw bad(block, blockPath, key, "an integer from " + min + " to " + max + ", got " + value);
        }
        return value;
    }

    /**
     * {@code block.getIntList(key)}, every element a TCP/UDP port from 1 to 65535 (0 is not a port a packet can
     * carry). The one reader of port lists such as {@code whitelistPorts}.
     *
     * @throws ConfigException.BadValue naming {@code blockPath.key} and the first bad element
     */
    public static java.util.List<Integer> ports(Config block, String blockPath, String key) {
        java.util.List<Integer> ports;
        try {
            ports = block.getIntList(key);
        } catch (ConfigException.WrongType e) {
            throw bad(block, blockPath, key, "a list of ports like [22, 80], got " + block.getValue(key).render());
        }
        for (int port : ports) {
            if (port < 1 || port > 65535) {
                throw bad(block, blockPath, key, "ports from 1 to 65535, got " + port);
            }
        }
        return java.util.List.copyOf(ports);
    }

    /**
     * The error for a value of {@code key} that is not what {@code expected} says.
     *
     * @param expected what would be valid and what was found, e.g. {@code "a port from 0 to 65535, got 70000"}
     */
    public static ConfigException.BadValue bad(Config block, String blockPath, String key, String expected) {
        return new ConfigException.BadValue(origin(block, key), blockPath + "." + key, "expected " + expected);
    }

    private static ConfigOrigin origin(Config block, String key) {
        return block.hasPath(key) ? block.getValue(key).origin() : block.origin();
    }
}
