package org.btblocker.crowdsec;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanFeed;
import org.btblocker.api.ban.BanSink;
import org.btblocker.api.ban.BanSinkContext;
import org.btblocker.api.ban.BanSinkProvider;
import org.btblocker.api.ban.BanSinkSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code crowdsec} ban sink ({@code btblocker.banSinks = [ipset, crowdsec]}): every gateway of a fleet pushes
 * its bans to one CrowdSec Local API as a machine, and with {@code btblocker.crowdsec.pull = true} applies the
 * fleet's bans it reads back from the decision stream as a bouncer. It enforces nothing itself
 * ({@link org.btblocker.api.ban.Enforcement#none()}): a local sink (ipset, nftables) drops the banned addresses.
 * Settings are in {@code btblocker.crowdsec} (see this module's {@code reference.conf}).
 */
public final class CrowdsecBanSinkProvider implements BanSinkProvider {

    private static final Logger log = LoggerFactory.getLogger(CrowdsecBanSinkProvider.class);

    /** For {@link java.util.ServiceLoader}. */
    public CrowdsecBanSinkProvider() { }

    @Override
    public String name() {
        return "crowdsec";
    }

    @Override
    public String description() {
        return "pushes bans to a CrowdSec Local API (alerts with ban decisions), optionally pulls the fleet's bans";
    }

    @Override
    public BanSinkSetup configure(BanSinkContext context) {
        return new Setup(CrowdsecSettings.from(context.own()), context.feed(), Clock.systemUTC());
    }

    /**
     * The checked settings, the daemon's feed for pulled bans, and the clock.
     *
     * @param settings the {@code btblocker.crowdsec} block
     * @param feed     where pulled fleet bans go
     * @param clock    the time for tokens, alerts and decision expiries
     */
    record Setup(CrowdsecSettings settings, BanFeed feed, Clock clock) implements BanSinkSetup {
        Setup {
            Objects.requireNonNull(settings, "settings");
            Objects.requireNonNull(feed, "feed");
            Objects.requireNonNull(clock, "clock");
        }

        @Override
        public String describe() {
            return settings.describe();
        }

        /**
         * Checks the files, logs in (a refused login is logged and the sink still opens, so the daemon keeps
         * blocking locally) and starts pull.
         *
         * @throws BanException a file named in the settings cannot be read (one line naming the key)
         */
        @Override
        public BanSink open() throws BanException {
            return open(true);
        }

        /** Opens the sink for a command that runs no daemon: no login until asked, no pull. */
        @Override
        public BanSink openExisting() throws BanException {
            return open(false);
        }

        private BanSink open(boolean daemon) throws BanException {
            if (settings.push()) {
                requireReadable(settings.passwordFile(), "passwordFile");
            }
            if (settings.pull() && daemon) {
                requireReadable(settings.bouncerKeyFile(), "bouncerKeyFile");
            }
            HttpClient http = LapiClient.httpClient(settings);
            LapiClient client = new LapiClient(settings, http);
            MachineSession session = settings.push() ? new MachineSession(settings, client, clock) : null;
            boolean pull = settings.pull() && daemon;
            if (pull && feed == BanFeed.NONE) {
                // a daemon that takes no bans from outside: every hand-over would be refused
                log.warn("crowdsec: btblocker.crowdsec.pull = true, but this daemon takes no fleet bans (no ban "
                        + "feed); not following the decision stream");
                pull = false;
            }
            DecisionPuller puller = pull ? new DecisionPuller(settings, client, feed, clock) : null;
            CrowdsecBanSink sink = new CrowdsecBanSink(settings, session, clock, puller);
            if (daemon) {
                sink.loginNow();
            }
            if (puller != null) {
                puller.start();
            }
            return sink;
        }

        private static void requireReadable(Path file, String key) throws BanException {
            try {
                if (Files.readString(file).isBlank()) {
                    throw new BanException("crowdsec: btblocker.crowdsec." + key + " " + file + " is empty");
                }
            } catch (IOException e) {
                throw new BanException("crowdsec: cannot read btblocker.crowdsec." + key + " " + file + " ("
                        + e.getClass().getSimpleName() + ")", e);
            }
        }
    }
}
