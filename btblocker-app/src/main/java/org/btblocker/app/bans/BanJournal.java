package org.btblocker.app.bans;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.btblocker.api.ban.BanRequest;
import org.btblocker.app.json.Json;
import org.btblocker.app.errors.ExitCodes;
import org.btblocker.app.errors.UserException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bans that must survive a restart, a reboot or an {@code ipset flush}: an append-only journal of bans (with
 * their absolute expiry) and unbans in {@code stateDirectory/bans.journal}, one JSON object per line, each carrying
 * a sequence number. The active bans are kept in memory and rebuilt from the file when it is opened.
 *
 * <ul>
 *   <li><b>Durable:</b> every record is written to the file at once (so a {@code kill -9} loses nothing written)
 *   and the file is forced to disk by {@link #sync()}, which the ban worker calls every second.</li>
 *   <li><b>Robust:</b> a line that does not parse (a torn last record after a crash, a hand edit) is skipped and
 *   counted, never fatal.</li>
 *   <li><b>Bounded:</b> when the file holds many more records than active bans, it is rewritten with the active
 *   bans only (temporary file, fsync, atomic rename), keeping their sequence numbers.</li>
 * </ul>
 * Owned by one thread (the ban worker, or a command while no daemon runs); not thread-safe.
 */
public final class BanJournal implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BanJournal.class);

    /** The journal's file name in the state directory. */
    public static final String FILE = "bans.journal";
    private static final int COMPACT_MIN_RECORDS = 1024;

    /**
     * One active ban.
     *
     * @param seq      the journal sequence number of the ban record
     * @param address  the banned address
     * @param expires  when it ends
     * @param detector the detector (or {@code operator}, {@code import})
     * @param reason   why
     * @param origin   who decided it
     */
    public record Entry(long seq, InetAddress address, Instant expires, String detector, String reason,
                        BanRequest.Origin origin) {

        /** The request that re-applies this ban with the time it has left at {@code now}, or null when over. */
        public BanRequest request(Instant now) {
            long millis = expires.toEpochMilli() - now.toEpochMilli();
            if (millis < 1000) {
                return null;
            }
            return new BanRequest(address, java.time.Duration.ofMillis(millis), detector, reason, origin);
        }
    }

    private final Path file;
    private final InstantSource clock;
    private final Map<InetAddress, Entry> active = new LinkedHashMap<>();
    private FileChannel channel;
    private long nextSeq = 1;
    private long records;
    private long skipped;
    private long expired;
    private boolean dirty;

    private BanJournal(Path file, InstantSource clock) {
        this.file = file;
        this.clock = clock;
    }

    /**
     * Opens (creating when missing) the journal in {@code stateDirectory}, reading what it holds.
     *
     * @throws UserException one line naming the directory when it cannot be created, read or written
     */
    public static BanJournal open(Path stateDirectory, InstantSource clock) {
        BanJournal journal = new BanJournal(stateDirectory.resolve(FILE), clock);
        try {
            if (!Files.isDirectory(stateDirectory)) {
                Files.createDirectories(stateDirectory, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            if (Files.exists(journal.file)) {
                journal.load(Files.readAllLines(journal.file, StandardCharsets.UTF_8));
            }
            journal.channel = FileChannel.open(journal.file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            if (journal.channel.size() > 0 && !endsWithNewline(journal.file)) {
                journal.channel.write(ByteBuffer.wrap(new byte[] {'\n'}));  // a torn last record stays alone
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UserException(ExitCodes.RUNTIME, "btblocker.stateDirectory " + stateDirectory
                    + ": cannot keep the ban journal there (" + e.getMessage() + "); create it writable for btblocker "
                    + "or set btblocker.stateDirectory", e);
        }
        if (journal.skipped > 0) {
            log.warn("ban journal {}: skipped {} unreadable record(s) (a torn write after a crash?); the rest is "
                    + "restored", journal.file, journal.skipped);
        }
        return journal;
    }

    private static boolean endsWithNewline(Path file) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            in.read(last, in.size() - 1);
            return last.get(0) == '\n';
        }
    }

    private void load(List<String> lines) {
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> r = Json.parseFlatObject(line);
            if (r == null || !apply(r)) {
                skipped++;
                continue;
            }
            records++;
        }
        pruneExpired(clock.instant());
    }

    /** Applies one parsed record; false when it is not a valid record. */
    private boolean apply(Map<String, Object> r) {
        Object seqValue = r.get("seq");
        Object op = r.get("op");
        Object addr = r.get("addr");
        if (!(seqValue instanceof Long seq) || !(op instanceof String) || !(addr instanceof String text)) {
            return false;
        }
        InetAddress address = parseAddress(text);
        if (address == null) {
            return false;
        }
        nextSeq = Math.max(nextSeq, seq + 1);
        if (op.equals("unban")) {
            active.remove(address);
            return true;
        }
        if (!op.equals("ban") || !(r.get("expires") instanceof Long expires)) {
            return false;
        }
        String detector = r.get("detector") instanceof String d ? d : "unknown";
        String reason = r.get("reason") instanceof String s ? s : "";
        BanRequest.Origin origin = BanRequest.Origin.DETECTION;
        if (r.get("origin") instanceof String o) {
            try {
                origin = BanRequest.Origin.valueOf(o.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        active.remove(address);       // re-insert: the map keeps the order of the latest ban
        active.put(address, new Entry(seq, address, Instant.ofEpochMilli(expires), detector, reason, origin));
        return true;
    }

    /** An IPv4 or IPv6 address literal (never a host name looked up), or null: the one parser of addresses. */
    public static InetAddress parseAddress(String text) {
        boolean v4 = text.matches("(\\d{1,3}\\.){3}\\d{1,3}");
        boolean v6 = text.indexOf(':') >= 0 && text.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException | SecurityException e) {
            return null;
        }
    }

    /**
     * Records a ban and returns its entry (its sequence number orders deliveries to the sinks).
     *
     * @throws UncheckedIOException when the file cannot be written
     */
    public Entry ban(BanRequest request) {
        Instant expires = clock.instant().plus(request.duration());
        Entry e = new Entry(nextSeq++, request.address(), expires, request.detector(), request.reason(),
                request.origin());
        write(Json.object("seq", e.seq(), "op", "ban", "addr", format(e.address()), "expires",
                expires.toEpochMilli(), "detector", e.detector(), "reason", e.reason(), "origin",
                e.origin().name().toLowerCase(Locale.ROOT)));
        active.remove(e.address());
        active.put(e.address(), e);
        return e;
    }

    /** Records that a ban was lifted; false when the address was not banned. */
    public boolean unban(InetAddress address, String why) {
        boolean was = active.remove(address) != null;
        write(Json.object("seq", nextSeq++, "op", "unban", "addr", format(address), "why", why));
        return was;
    }

    private void write(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("ban journal " + file + ": " + e.getMessage(), e);
        }
        records++;
        dirty = true;
    }

    /** The bans still running at {@code now}, oldest first (expired ones are dropped from memory and counted). */
    public List<Entry> active(Instant now) {
        pruneExpired(now);
        return List.copyOf(active.values());
    }

    /** The active ban of {@code address}, or null. */
    public Entry get(InetAddress address) {
        Entry e = active.get(address);
        return e == null || !e.expires().isAfter(clock.instant()) ? null : e;
    }

    private void pruneExpired(Instant now) {
        var it = active.values().iterator();
        while (it.hasNext()) {
            if (!it.next().expires().isAfter(now)) {
                it.remove();
                expired++;
            }
        }
    }

    /** Bans that ran out since the journal was opened. */
    public long expired() {
        return expired;
    }

    /** Unreadable records skipped when the journal was read. */
    public long skipped() {
        return skipped;
    }

    /** Forces what was written to disk (a reboot then loses nothing either), and compacts when worth it. */
    public void sync() {
        if (!dirty) {
            return;
        }
        try {
            channel.force(false);
            dirty = false;
            if (records > COMPACT_MIN_RECORDS && records > 4L * Math.max(1, active.size())) {
                compact();
            }
        } catch (IOException e) {
            log.error("ban journal {}: cannot write to disk ({}); bans are still applied to the sinks", file,
                    e.getMessage());
        }
    }

    /** Rewrites the file with the active bans only, atomically. */
    void compact() throws IOException {
        pruneExpired(clock.instant());
        Path tmp = file.resolveSibling(FILE + ".tmp");
        List<Entry> entries = new ArrayList<>(active.values());
        entries.sort(Comparator.comparingLong(Entry::seq));
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            StringBuilder sb = new StringBuilder();
            for (Entry e : entries) {
                sb.append(Json.object("seq", e.seq(), "op", "ban", "addr", format(e.address()), "expires",
                        e.expires().toEpochMilli(), "detector", e.detector(), "reason", e.reason(), "origin",
                        e.origin().name().toLowerCase(Locale.ROOT))).append('\n');
            }
            // keeps the sequence going after a restart even when no ban is left
            sb.append(Json.object("seq", nextSeq - 1, "op", "unban", "addr", "0.0.0.0", "why", "compacted"))
                    .append('\n');
            ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                out.write(buf);
            }
            out.force(true);
        }
        channel.close();
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        records = entries.size() + 1;
        log.debug("ban journal {} compacted to {} bans", file, entries.size());
    }

    /** The next sequence number (for tests and the sinks' delivery marks). */
    public long nextSeq() {
        return nextSeq;
    }

    /** The journal file. */
    public Path file() {
        return file;
    }

    private static String format(InetAddress a) {
        return org.btblocker.api.packet.Addresses.formatAddress(org.btblocker.api.packet.Addresses.hi(a),
                org.btblocker.api.packet.Addresses.lo(a));
    }

    /** Syncs and closes the file. */
    @Override
    public void close() {
        sync();
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("ban journal {}: close failed: {}", file, e.getMessage());
        }
    }
}
