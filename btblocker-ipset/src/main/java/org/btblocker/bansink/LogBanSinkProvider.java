package org.btblocker.bansink;

import com.typesafe.config.Config;
import org.btblocker.api.ban.BanSink;
import org.btblocker.api.ban.BanSinkProvider;

/** The {@code log} ban sink: {@code btblocker.banSink = log} logs bans instead of enforcing them. */
public final class LogBanSinkProvider implements BanSinkProvider {

    /** For {@link java.util.ServiceLoader}. */
    public LogBanSinkProvider() { }

    @Override
    public String name() {
        return "log";
    }

    @Override
    public BanSink create(Config btblocker) {
        BanDurations.parse(btblocker, "banDuration");     // a wrong value is an error even in log-only mode
        return new LogBanSink();
    }
}
