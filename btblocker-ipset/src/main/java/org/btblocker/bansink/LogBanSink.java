package org.btblocker.bansink;

import java.net.InetAddress;
import org.btblocker.api.ban.BanRequest;
import org.btblocker.api.ban.BanSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Bans nothing: logs each request. {@link #isBanned} is always false, because nothing is ever blocked. */
final class LogBanSink implements BanSink {

    private static final Logger log = LoggerFactory.getLogger(LogBanSink.class);

    @Override
    public void ban(BanRequest request) {
        log.atInfo().setMessage("BAN (log only) {} for {}s detector={} reason=\"{}\"")
                .addArgument(request.address().getHostAddress())
                .addArgument(request.duration().toSeconds())
                .addArgument(request.detector())
                .addArgument(request.reason())
                .addKeyValue("ban", request.address().getHostAddress())
                .addKeyValue("banSeconds", request.duration().toSeconds())
                .log();
    }

    @Override
    public void unban(InetAddress address) {
        log.info("UNBAN (log only) {}", address.getHostAddress());
    }

    @Override
    public boolean isBanned(InetAddress address) {
        return false;
    }

    @Override
    public void close() {
        // nothing held
    }
}
