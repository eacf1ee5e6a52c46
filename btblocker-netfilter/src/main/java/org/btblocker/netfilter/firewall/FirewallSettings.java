package org.btblocker.netfilter.firewall;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Everything the firewall rules depend on.
 *
 * @param interfaces     network interfaces whose traffic is inspected (at least one)
 * @param localTraffic   also inspect traffic to and from this host (INPUT/OUTPUT), not only forwarded traffic
 * @param queueNum       first NFQUEUE number
 * @param queueCount     number of queues; more than one spreads flows with {@code --queue-balance}
 * @param whitelistPorts TCP/UDP ports (source or destination) that are never queued
 * @param banSink        where banned addresses live, which decides the drop rule
 * @param ipsetName      IPv4 ipset name; the IPv6 set is {@link #ipsetName6()}
 * @param nftTable       nftables table (family inet) holding the ban sets, for {@link SinkKind#NFTABLES}
 * @param nftSet4        IPv4 set in {@code nftTable}
 * @param nftSet6        IPv6 set in {@code nftTable}
 * @param marks          mark bits for decided connections
 */
public record FirewallSettings(List<String> interfaces, boolean localTraffic, int queueNum, int queueCount,
        List<Integer> whitelistPorts, SinkKind banSink, String ipsetName, String nftTable, String nftSet4,
        String nftSet6, Marks marks) {

    /** Where bans go; the firewall adds the drop rule that matches it. */
    public enum SinkKind {
        /** ipset {@code hash:ip} sets, matched with {@code -m set}. */
        IPSET,
        /** nftables sets in our own {@code inet} table, which also holds the drop chains. */
        NFTABLES,
        /** Bans are only logged: no drop rule. */
        LOG;

        /** Parses the {@code banSink} value ({@code ipset}, {@code nftables}, {@code log}); null when unknown. */
        static SinkKind parse(String name) {
            for (SinkKind kind : values()) {
                if (kind.name().toLowerCase(Locale.ROOT).equals(name)) {
                    return kind;
                }
            }
            return null;
        }
    }

    // IFNAMSIZ is 16 including the NUL; '/' and whitespace are rejected by the kernel, '+' is an iptables wildcard.
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.:@-][A-Za-z0-9_.:@+-]{0,14}");
    // IPSET_MAXNAMELEN is 32 including the NUL; the IPv6 sibling adds "6".
    private static final Pattern IPSET_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,30}");
    private static final Pattern NFT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,30}");

    /** Validates every field; messages name the setting. */
    public FirewallSettings {
        interfaces = List.copyOf(interfaces);
        whitelistPorts = List.copyOf(whitelistPorts);
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
        check(banSink != null, "banSink is required");
        check(IPSET_NAME.matcher(ipsetName).matches(), "ipsetName must be 1..30 characters of [A-Za-z0-9_.:-]");
        check(NFT_NAME.matcher(nftTable).matches(), "nftables.table: not an nftables name: \"" + nftTable + "\"");
        check(NFT_NAME.matcher(nftSet4).matches(), "nftables.set4: not an nftables name: \"" + nftSet4 + "\"");
        check(NFT_NAME.matcher(nftSet6).matches(), "nftables.set6: not an nftables name: \"" + nftSet6 + "\"");
        check(!nftSet4.equals(nftSet6), "nftables.set4 and nftables.set6 must differ");
        check(marks != null, "marks are required");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The IPv6 sibling of {@link #ipsetName()}: the same name with {@code 6} appended. */
    public String ipsetName6() {
        return ipsetName + "6";
    }

    /** Whitelisted ports without duplicates, ascending. */
    List<Integer> distinctPorts() {
        return whitelistPorts.stream().distinct().sorted().toList();
    }

    /**
     * Reads the settings from the {@code btblocker} block: {@code interfaces}, {@code queueNum}, {@code banSink},
     * {@code ipsetName}, {@code nftables.table|set4|set6}, {@code queue.count} and
     * {@code firewall.localTraffic|whitelistPorts|
     * marks.clean|marks.bittorrent|marks.mask}. Every key is read eagerly.
     *
     * @throws ConfigException naming the key that is missing or wrong
     */
    public static FirewallSettings from(Config btblocker) {
        List<String> interfaces = btblocker.getStringList("interfaces");
        int queueNum = btblocker.getInt("queueNum");
        int queueCount = btblocker.getInt("queue.count");
        boolean local = btblocker.getBoolean("firewall.localTraffic");
        List<Integer> ports = btblocker.getIntList("firewall.whitelistPorts");
        String sinkName = btblocker.getString("banSink");
        SinkKind kind = SinkKind.parse(sinkName);
        if (kind == null) {
            throw new ConfigException.BadValue(btblocker.getValue("banSink").origin(), "btblocker.banSink",
                    "expected ipset, nftables or log, got \"" + sinkName + "\"");
        }
        String ipsetName = btblocker.getString("ipsetName");
        String table = btblocker.getString("nftables.table");
        String set4 = btblocker.getString("nftables.set4");
        String set6 = btblocker.getString("nftables.set6");
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
            return new FirewallSettings(interfaces, local, queueNum, queueCount, ports, kind, ipsetName, table, set4,
                    set6, marks);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            String key = message.substring(0, Math.max(0, message.indexOf(' ')));
            key = key.endsWith(":") ? key.substring(0, key.length() - 1) : key;
            String path = switch (key) {
                case "queueCount" -> "queue.count";
                case "whitelistPorts" -> "firewall." + key;
                case "interfaces", "queueNum", "ipsetName", "nftables.table", "nftables.set4", "nftables.set6" -> key;
                default -> "firewall";
            };
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
                whitelistPorts, banSink, ipsetName, nftTable, nftSet4, nftSet6, marks);
    }
}
