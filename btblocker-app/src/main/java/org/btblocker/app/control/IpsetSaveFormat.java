package org.btblocker.app.control;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.btblocker.app.bans.BanJournal;

/**
 * The text of {@code ipset save}, which the seed's backup timer keeps ({@code ipset save torrent_block >
 * /var/lib/btblocker/ipset-backup.txt}): {@code btblocker bans export} writes it, {@code bans import} and
 * {@code ipset restore} read it.
 * <pre>
 * create torrent_block hash:ip family inet hashsize 1024 maxelem 65536 timeout 0
 * add torrent_block 10.0.0.2 timeout 17995
 * create torrent_block6 hash:ip family inet6 hashsize 1024 maxelem 65536 timeout 0
 * add torrent_block6 fd00::2 timeout 3600
 * </pre>
 */
public final class IpsetSaveFormat {

    private IpsetSaveFormat() {
    }

    /** One ban read from an {@code add} line. */
    public record Entry(InetAddress address, Duration timeout) {
    }

    /** What {@link #parse} found: the bans, and how many lines were not {@code add} lines. */
    public record Parsed(List<Entry> entries, int skipped, List<String> problems) {
    }

    /**
     * The export: both sets' {@code create} lines (with timeout support, as our sink creates them) and one
     * {@code add} per ban, in the order given.
     *
     * @param setName {@code btblocker.ipsetName}; IPv6 bans go to {@code setName + "6"}
     */
    public static List<String> write(String setName, List<BanLine> bans) {
        List<String> out = new ArrayList<>();
        out.add("create " + setName + " hash:ip family inet hashsize 1024 maxelem 65536 timeout 0");
        for (BanLine b : bans) {
            if (!b.isIpv6()) {
                out.add("add " + setName + " " + b.address() + " timeout " + Math.max(1, b.secondsLeft()));
            }
        }
        out.add("create " + setName + "6 hash:ip family inet6 hashsize 1024 maxelem 65536 timeout 0");
        for (BanLine b : bans) {
            if (b.isIpv6()) {
                out.add("add " + setName + "6 " + b.address() + " timeout " + Math.max(1, b.secondsLeft()));
            }
        }
        return out;
    }

    /**
     * Reads {@code add SET ADDR [timeout N] ...} lines, whatever the set's name; every other line ({@code create},
     * comments, blank) is skipped. A missing timeout or {@code timeout 0} (no timeout in ipset) gives a null
     * timeout: the caller applies {@code banDuration}. An {@code add} line whose address is not an IP address
     * (a CIDR, a port) is reported, not fatal.
     */
    public static Parsed parse(List<String> lines) {
        List<Entry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int skipped = 0;
        for (int n = 0; n < lines.size(); n++) {
            String[] w = lines.get(n).strip().split("\\s+");
            if (w.length < 3 || !w[0].equals("add")) {
                skipped++;
                continue;
            }
            InetAddress address = BanJournal.parseAddress(w[2]);
            if (address == null) {
                problems.add("line " + (n + 1) + ": \"" + w[2] + "\" is not an IP address");
                continue;
            }
            Duration timeout = null;
            for (int i = 3; i + 1 < w.length; i++) {
                if (w[i].equals("timeout")) {
                    try {
                        long t = Long.parseLong(w[i + 1]);
                        timeout = t > 0 ? Duration.ofSeconds(t) : null;
                    } catch (NumberFormatException e) {
                        problems.add("line " + (n + 1) + ": timeout \"" + w[i + 1] + "\" is not a number");
                        address = null;
                    }
                }
            }
            if (address != null) {
                entries.add(new Entry(address, timeout));
            }
        }
        return new Parsed(entries, skipped, problems);
    }
}
