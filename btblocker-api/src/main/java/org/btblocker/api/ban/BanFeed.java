package org.btblocker.api.ban;

import java.net.InetAddress;

/**
 * Bans that arrive from outside the daemon (another gateway's detections through CrowdSec, say) and that every
 * local sink should apply. Thread-safe and non-blocking: a full queue drops the request and returns false, so the
 * caller retries on its next poll.
 */
public interface BanFeed {

    /** A feed that takes nothing (for tools that run no daemon). */
    BanFeed NONE = new BanFeed() {
        @Override
        public boolean ban(BanRequest request) {
            return false;
        }

        @Override
        public boolean unban(InetAddress address, String why) {
            return false;
        }
    };

    /**
     * Bans {@code request.address()} in every local sink; the request's {@link BanRequest#origin()} should be
     * {@link BanRequest.Origin#FLEET} so that it is not pushed back to where it came from.
     *
     * @return false when the daemon's ban queue is full (try again later)
     */
    boolean ban(BanRequest request);

    /**
     * Lifts a ban that came from this feed.
     *
     * @param why one line for the log, e.g. {@code "crowdsec decision 42 deleted"}
     * @return false when the daemon's ban queue is full (try again later)
     */
    boolean unban(InetAddress address, String why);
}
