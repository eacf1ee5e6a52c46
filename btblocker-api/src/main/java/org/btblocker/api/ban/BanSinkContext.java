package org.btblocker.api.ban;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import com.typesafe.config.Config;

/**
 * What a ban sink provider is configured from.
 *
 * @param btblocker      the whole {@code btblocker} block, for the seed's shared keys ({@code ipsetName}, ...)
 * @param own            the sink's own block {@code btblocker.<name>} (empty when the sink ships none)
 * @param banDuration    {@code btblocker.banDuration}, already read with {@link BanDurations}
 * @param stateDirectory {@code btblocker.stateDirectory}: where a sink may keep state across restarts
 * @param feed           where a sink that also <em>receives</em> bans (a fleet's decision stream) hands them to the
 *                       daemon; they reach every other sink and the ban journal
 */
public record BanSinkContext(Config btblocker, Config own, Duration banDuration, Path stateDirectory, BanFeed feed) {

    /** Checks that nothing is null. */
    public BanSinkContext {
        Objects.requireNonNull(btblocker, "btblocker");
        Objects.requireNonNull(own, "own");
        Objects.requireNonNull(banDuration, "banDuration");
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(feed, "feed");
    }
}
