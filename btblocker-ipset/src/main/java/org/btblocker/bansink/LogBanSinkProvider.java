package org.btblocker.bansink;

import org.btblocker.api.ban.BanSink;
import org.btblocker.api.ban.BanSinkContext;
import org.btblocker.api.ban.BanSinkProvider;
import org.btblocker.api.ban.BanSinkSetup;

/** The {@code log} ban sink: {@code btblocker.banSinks = [log]} logs bans instead of enforcing them. */
public final class LogBanSinkProvider implements BanSinkProvider {

    /** For {@link java.util.ServiceLoader}. */
    public LogBanSinkProvider() { }

    @Override
    public String name() {
        return "log";
    }

    @Override
    public String description() {
        return "logs each ban, enforces nothing (dry runs, hosts without ipset or nftables)";
    }

    @Override
    public BanSinkSetup configure(BanSinkContext context) {
        return new Setup();
    }

    /** Nothing to configure: every log sink is the same. */
    record Setup() implements BanSinkSetup {
        @Override
        public String describe() {
            return "log only";
        }

        @Override
        public BanSink open() {
            return new LogBanSink();
        }
    }
}
