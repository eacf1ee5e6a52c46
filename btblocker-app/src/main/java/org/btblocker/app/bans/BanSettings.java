package org.btblocker.app.bans;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.btblocker.api.packet.CidrSet;
import org.btblocker.api.ban.BanDurations;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * The ban policy's settings from the {@code btblocker} block.
 *
 * @param target        whose address is banned
 * @param localNetworks what counts as local for {@link BanTarget#REMOTE} / {@link BanTarget#LOCAL}
 * @param allowlist     never banned (shared with the engine's {@code allowlist})
 * @param duration      {@code banDuration}
 * @param minEvidence   one-way UDP detections of one address (from different counterparts) needed before it is banned
 * @param evidenceWindow how long a one-way detection counts
 * @param reconcileInterval how often each sink is compared with the ban journal (lost bans re-added)
 * @param monitorOnly   detect and log, ban nothing
 */
record BanSettings(BanTarget target, CidrSet localNetworks, CidrSet allowlist, Duration duration, int minEvidence,
                   Duration evidenceWindow, Duration reconcileInterval,
                   boolean monitorOnly) {

    static BanSettings from(Config btblocker) {
        String targetText = btblocker.getString("ban.target");
        BanTarget target;
        try {
            target = BanTarget.valueOf(targetText.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(btblocker.getValue("ban.target").origin(), "btblocker.ban.target",
                    "expected one of source, remote, local, both, none; got \"" + targetText + "\"");
        }
        CidrSet local = cidrs(btblocker, "ban.localNetworks");
        CidrSet allow = cidrs(btblocker, "allowlist");
        int minEvidence = btblocker.getInt("ban.minEvidence");
        if (minEvidence < 1 || minEvidence > 1000) {
            throw new ConfigException.BadValue(btblocker.getValue("ban.minEvidence").origin(),
                    "btblocker.ban.minEvidence", "expected an integer from 1 to 1000, got " + minEvidence);
        }
        return new BanSettings(target, local, allow, BanDurations.parse(btblocker, "banDuration"), minEvidence,
                positive(btblocker, "ban.evidenceWindow"), positive(btblocker, "ban.reconcileInterval"),
                btblocker.getBoolean("monitorOnly"));
    }

    private static Duration positive(Config c, String path) {
        Duration d = c.getDuration(path);
        if (d.isNegative() || d.isZero()) {
            throw org.btblocker.api.ConfigChecks.bad(c, "btblocker", path, "a positive duration like \"10m\", got "
                    + c.getValue(path).render());
        }
        return d;
    }

    private static CidrSet cidrs(Config c, String path) {
        List<String> list = c.getStringList(path);
        try {
            return CidrSet.parse(list);
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(c.getValue(path).origin(), "btblocker." + path,
                    "expected a list of CIDRs like \"10.0.0.0/8\": " + e.getMessage());
        }
    }
}
