package org.btblocker.api.ban;

/**
 * A ban sink whose settings were read and checked ({@link BanSinkProvider#configure}) but that has not touched the
 * system yet. Immutable; the daemon compares two setups with {@link #equals} on reload to keep a sink that did not
 * change, so implement it as a record of the settings.
 */
public interface BanSinkSetup {

    /** One line naming what the sink writes to, for logs: {@code "ipset torrent_block, torrent_block6"}. */
    String describe();

    /**
     * How the kernel drops the sources this sink bans, so that the daemon's firewall adds the matching rule (and
     * removes it with the rest of its rules). {@link Enforcement#none()} for sinks that enforce elsewhere.
     */
    default Enforcement enforcement() {
        return Enforcement.none();
    }

    /**
     * Opens the sink for banning, creating what it needs when missing (its sets, a session).
     *
     * @throws BanException one line naming what is missing and what to do
     */
    BanSink open() throws BanException;

    /**
     * Opens the sink to read or change bans that exist, creating nothing (for {@code btblocker bans} while no
     * daemon runs). A missing set is a {@link BanException} that says so.
     *
     * @throws BanException one line naming what is missing
     */
    default BanSink openExisting() throws BanException {
        return open();
    }
}
