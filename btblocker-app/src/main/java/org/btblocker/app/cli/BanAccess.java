package org.btblocker.app.cli;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.btblocker.api.ban.BanDurations;
import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanFeed;
import org.btblocker.api.ban.BanRequest;
import org.btblocker.api.ban.BanSink;
import org.btblocker.api.packet.CidrSet;
import org.btblocker.app.bans.BanJournal;
import org.btblocker.app.bans.ConfiguredSinks;
import org.btblocker.app.control.BanLine;
import org.btblocker.app.control.ControlClient;
import org.btblocker.app.control.ControlCommands;
import org.btblocker.app.control.IpsetSaveFormat;
import org.btblocker.app.daemon.InstanceLock;
import org.btblocker.app.errors.ExitCodes;
import org.btblocker.app.errors.UserException;
import org.btblocker.app.json.Json;

import com.typesafe.config.Config;

/**
 * Where {@code btblocker bans ...} reads and changes the ban list: the running daemon, through its control socket
 * (so the ban worker, the one owner of the list, does it and every sink follows at once), or, when no daemon runs,
 * the ban journal itself, under the instance lock so that no daemon starts meanwhile.
 */
interface BanAccess extends AutoCloseable {

    /** The active bans. */
    List<BanLine> list();

    /** Bans {@code address} for {@code duration} (null: banDuration). */
    BanLine add(InetAddress address, Duration duration, String reason);

    /** Lifts a ban; false when {@code address} was not banned. */
    boolean remove(InetAddress address);

    /** Bans every entry (a null timeout: banDuration); returns how many (allowlisted ones are skipped). */
    int addAll(List<IpsetSaveFormat.Entry> entries);

    /** A line for stderr about where the answer came from, or null. */
    String note();

    @Override
    void close();

    /**
     * The daemon's socket when one answers there, else the journal under the instance lock.
     *
     * @throws UserException exit 1 when a daemon holds the lock but its socket does not answer, or the journal
     *         cannot be opened
     */
    static BanAccess open(Config root, ClassLoader loader) {
        Path runtime = Path.of(root.getString("btblocker.runtimeDirectory"));
        ControlClient client = ControlClient.of(runtime);
        if (client.isRunning()) {
            return new ViaDaemon(client);
        }
        InstanceLock lock = InstanceLock.acquire(runtime);
        try {
            return new ViaJournal(root, loader, lock, client.path());
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Through the running daemon's control socket. */
    final class ViaDaemon implements BanAccess {
        private final ControlClient client;

        ViaDaemon(ControlClient client) {
            this.client = client;
        }

        @Override
        public List<BanLine> list() {
            List<BanLine> out = new ArrayList<>();
            for (Map<String, Object> m : client.call(Map.of("cmd", "bans.list"))) {
                BanLine b = BanLine.fromJson(m);
                if (b != null) {
                    out.add(b);
                }
            }
            return out;
        }

        @Override
        public BanLine add(InetAddress address, Duration duration, String reason) {
            Map<String, Object> req = new LinkedHashMap<>();
            req.put("cmd", "bans.add");
            req.put("addr", BanLine.format(address));
            if (duration != null) {
                req.put("seconds", duration.getSeconds());
            }
            req.put("reason", reason);
            List<Map<String, Object>> r = client.call(req);
            @SuppressWarnings("unchecked")
            Map<String, Object> ban = (Map<String, Object>) r.get(r.size() - 1).get("ban");
            return BanLine.fromJson(ban);
        }

        @Override
        public boolean remove(InetAddress address) {
            List<Map<String, Object>> r = client.call(Map.of("cmd", "bans.del", "addr", BanLine.format(address)));
            return Boolean.TRUE.equals(r.get(r.size() - 1).get("removed"));
        }

        @Override
        public int addAll(List<IpsetSaveFormat.Entry> entries) {
            int added = 0;
            for (int i = 0; i < entries.size(); i += ControlCommands.MAX_BANS_PER_REQUEST) {
                List<Object> part = new ArrayList<>();
                for (IpsetSaveFormat.Entry e : entries.subList(i, Math.min(entries.size(),
                        i + ControlCommands.MAX_BANS_PER_REQUEST))) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("addr", BanLine.format(e.address()));
                    m.put("seconds", e.timeout() == null ? Json.NULL : (Object) e.timeout().getSeconds());
                    part.add(m);
                }
                List<Map<String, Object>> r = client.call(Map.of("cmd", "bans.add", "bans", part, "reason",
                        "imported"));
                added += ((Long) r.get(r.size() - 1).get("added")).intValue();
            }
            return added;
        }

        @Override
        public String note() {
            return null;
        }

        @Override
        public void close() {
        }
    }

    /** On the journal, no daemon running (the instance lock keeps one from starting meanwhile). */
    final class ViaJournal implements BanAccess {
        private final Config root;
        private final ClassLoader loader;
        private final InstanceLock lock;
        private final Path socket;
        private final BanJournal journal;
        private final InstantSource clock = InstantSource.system();
        private final Duration banDuration;
        private final CidrSet allowlist;
        private final List<String> notes = new ArrayList<>();

        ViaJournal(Config root, ClassLoader loader, InstanceLock lock, Path socket) {
            Config b = root.getConfig("btblocker");
            this.root = root;
            this.loader = loader;
            this.lock = lock;
            this.socket = socket;
            this.banDuration = BanDurations.parse(b, "banDuration");
            this.allowlist = CidrSet.parse(b.getStringList("allowlist"));
            this.journal = BanJournal.open(Path.of(b.getString("stateDirectory")), clock);
        }

        @Override
        public List<BanLine> list() {
            Instant now = clock.instant();
            notes.add("no daemon runs (nothing answers on " + socket + "): the bans of the journal "
                    + journal.file() + "; the sinks were not consulted");
            return journal.active(now).stream().map(e -> BanLine.of(e, now)).toList();
        }

        @Override
        public BanLine add(InetAddress address, Duration duration, String reason) {
            refuseAllowlisted(address);
            BanJournal.Entry e = journal.ban(new BanRequest(address, duration == null ? banDuration : duration,
                    "operator", reason, BanRequest.Origin.OPERATOR));
            notes.add("no daemon runs: recorded in " + journal.file() + "; it reaches the sinks when btblocker run "
                    + "starts");
            return BanLine.of(e, clock.instant());
        }

        private void refuseAllowlisted(InetAddress address) {
            if (allowlist.contains(address)) {
                throw new UserException(ExitCodes.CONFIG, address.getHostAddress() + " is in btblocker.allowlist: "
                        + "it is never banned");
            }
        }

        /**
         * Lifts the ban in the journal and in every configured sink that exists already (opened without creating
         * anything): otherwise the next start would keep dropping an address the journal no longer bans.
         */
        @Override
        public boolean remove(InetAddress address) {
            boolean was = journal.unban(address, "operator");
            for (ConfiguredSinks.ConfiguredSink s : ConfiguredSinks.configure(root, loader, BanFeed.NONE).sinks()) {
                try (BanSink sink = s.setup().openExisting()) {
                    sink.unban(address);
                } catch (BanException | RuntimeException e) {
                    notes.add("ban sink " + s.name() + ": " + e.getMessage());
                }
            }
            return was;
        }

        @Override
        public int addAll(List<IpsetSaveFormat.Entry> entries) {
            int n = 0;
            for (IpsetSaveFormat.Entry e : entries) {
                if (allowlist.contains(e.address())) {
                    continue;
                }
                journal.ban(new BanRequest(e.address(), e.timeout() == null ? banDuration : e.timeout(), "import",
                        "imported", BanRequest.Origin.OPERATOR));
                n++;
            }
            notes.add("no daemon runs: recorded in " + journal.file() + "; they reach the sinks when btblocker run "
                    + "starts");
            return n;
        }

        @Override
        public String note() {
            return notes.isEmpty() ? null : String.join("; ", notes);
        }

        @Override
        public void close() {
            journal.close();
            lock.close();
        }
    }
}
