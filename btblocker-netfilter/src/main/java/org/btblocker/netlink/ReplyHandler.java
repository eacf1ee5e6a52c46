package org.btblocker.netlink;

/** Receives the non-ack replies of a {@link NetlinkChannel#request request} (e.g. dump entries, GET answers). */
@FunctionalInterface
public interface ReplyHandler {

    /**
     * Called once per reply message, with the cursor on it; the bytes are valid only during the call.
     *
     * @throws NetlinkException to abort the request
     */
    void onReply(MessageCursor reply) throws NetlinkException;
}
