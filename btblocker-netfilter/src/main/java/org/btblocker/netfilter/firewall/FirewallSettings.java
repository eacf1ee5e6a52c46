package org.btblocker.netfilter.firewall;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.btblocker.api.ConfigChecks;
import org.btblocker.api.ban.Enforcement;

/**
 * Everything the firewall rules depend on.
 *
 * @param interfaces     network interfaces whose traffic is inspected (at least one)
 * @param localTraffic   also inspect traffic to and from this host (INPUT/OUTPUT), not only forwarded traffic
 * @param queueNum       first NFQUEUE number
 * @param queueCount     number of queues; more than one spreads flows with {@code --queue-balance}
 * @param whitelistPorts TCP/UDP ports (source or destination) that are never queued
 * @param enforcements   how the configured ban sinks' bans are dropped (one drop rule each); the sinks create their
 *                       sets, the firewall only matches them
 * @param marks          mark bits for decided connections
 */
public record FirewallSettings(List<String> interfaces, boolean localTraffic, int queueNum, int queueCount,
        List<Integer> whitelistPorts, List<Enforcement> enforcements, Marks marks) {

    // IFNAMSIZ is 16 including the NUL; '/' and whitespace are rejected by the kernel, '+' is an iptables wildcard.
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.:@-][A-Za-z0-9_.:@+-]{0,14}");

    /** Validates every field; messages name the setting. */
    public FirewallSettings {
        interfaces = List.copyOf(interfaces);
        whitelistPorts = List.copyOf(whitelistPorts);
        enforcements = List.copyOf(enforcements.stream().filter(e -> !(e instanceof Enforcement.None)).distinct()
                .toList());
        check(!interfaces.isEmpty(), "interfaces must name at least one interface");
        for (String i : interfaces) {
            check(INTERFACE.matcher(i).matches() && !i.equals(".") && !i.equals(".."),
                    "interfaces: not an interface name: \"" + i + "\"");
        }
        check(interfaces.stream().distinct().count() == interfaces.size(), "interfaces: duplicate names");
        check(queueNum >= 0 && queueNum <= 65535, "queueNum must be within 0..65535");
        check(queueCount >= 1 && queueNum + queueCount - 1 <= 65535, "queueCount must be >= 1 and end at <= 65535");
        for (int p : whitelistPorts) {
            check(p >= 1 && p <= 65535, "whitelistPorts: not a port: " + p);
        }
        check(marks != null, "marks are required");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Whitelisted ports without duplicates, ascending. */
    List<Integer> distinctPorts() {
        return whitelistPorts.stream().distinct().sorted().toList();
    }

    /** The ipset drop matches among {@link #enforcements()}. */
    List<Enforcement.IpsetMatch> ipsetMatches() {
        return enforcements.stream().filter(Enforcement.IpsetMatch.class::isInstance)
                .map(Enforcement.IpsetMatch.class::cast).toList();
    }

    /** The nftables drop matches among {@link #enforcements()}. */
    List<Enforcement.NftSetMatch> nftMatches() {
        return enforcements.stream().filter(Enforcement.NftSetMatch.class::isInstance)
                .map(Enforcement.NftSetMatch.class::cast).toList();
    }

    /**
     * Reads the settings from the {@code btblocker} block: {@code interfaces}, {@code queueNum}, {@code queue.count},
     * {@code firewall.localTraffic|whitelistPorts|marks.clean|marks.bittorrent|marks.mask}. Every key is read
     * eagerly; the ban sinks' {@code enforcements} come from their setups.
     *
     * @throws ConfigException naming the key that is missing or wrong
     */
    public static FirewallSettings from(Config btblocker, List<Enforcement> enforcements) {
        List<String> interfaces = btblocker.getStringList("interfaces");
        int queueNum = ConfigChecks.intIn(btblocker, "btblocker", "queueNum", 0, 0xffff);
        int queueCount = ConfigChecks.intIn(btblocker, "btblocker", "queue.count", 1, 64);
        boolean local = btblocker.getBoolean("firewall.localTraffic");
        List<Integer> ports = ConfigChecks.ports(btblocker, "btblocker", "firewall.whitelistPorts");
        long clean = mark(btblocker, "firewall.marks.clean");
        long bt = mark(btblocker, "firewall.marks.bittorrent");
        long mask = mark(btblocker, "firewall.marks.mask");
        Marks marks;
        try {
            marks = new Marks(clean, bt, mask);
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(btblocker.getValue("firewall.marks").origin(),
                    "btblocker.firewall.marks",
                    e.getMessage());
        }
        try {
            return new FirewallSettings(interfaces, local, queueNum, queueCount, ports, enforcements, marks);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            String path = message.startsWith("queueCount") ? "queue.count" : message.startsWith("interfaces")
                    ? "interfaces" : message.startsWith("queueNum") ? "queueNum" : "firewall";
            throw new ConfigException.BadValue(
                    btblocker.hasPath(path) ? btblocker.getValue(path).origin() : btblocker.origin(),
                    "btblocker." + path, message);
        }
    }

    /** A mark is an integer or a string {@code "0x.."}; HOCON has no hex literals. */
    private static long mark(Config c, String path) {
        ConfigValue v = c.getValue(path);
        if (v.valueType() == ConfigValueType.NUMBER) {
            return c.getLong(path);
        }
        String s = c.getString(path).trim().toLowerCase(Locale.ROOT);
        long value = s.startsWith("0x") ? parseHex(s.substring(2)) : parseDecimal(s);
        if (value < 0) {
            throw new ConfigException.BadValue(c.getValue(path).origin(), "btblocker." + path,
                    "expected a 32-bit mark like \"0x1\", got \"" + s + "\"");
        }
        return value;
    }

    private static long parseHex(String s) {
        if (s.isEmpty() || s.length() > 8) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            v = v << 4 | d;
        }
        return v;
    }

    private static long parseDecimal(String s) {
        if (s.isEmpty() || s.length() > 10) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            int d = Character.digit(s.charAt(i), 10);
            if (d < 0) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v > 0xFFFF_FFFFL ? -1 : v;
    }

    /** A copy with other interfaces (tests, CLI overrides). */
    public FirewallSettings withInterfaces(List<String> newInterfaces) {
        return new FirewallSettings(new ArrayList<>(newInterfaces), localTraffic, queueNum, queueCount,
                whitelistPorts, enforcements, marks);
    }
}
