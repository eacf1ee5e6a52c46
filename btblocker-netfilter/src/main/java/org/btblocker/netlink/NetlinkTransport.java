package org.btblocker.netlink;

import java.nio.ByteBuffer;

/**
 * Sends and receives whole netlink datagrams. {@link NetlinkSocket} is the real one; tests plug in a scripted fake
 * kernel so protocol code (requests, the NFQUEUE loop, ipset/nftables codecs) runs without root.
 */
public interface NetlinkTransport extends AutoCloseable {

    /** {@link #receive} result: nothing arrived within the timeout. */
    int TIMEOUT = 0;

    /** Sends {@code message[position, limit)} to the kernel as one datagram; the buffer's position is unchanged. */
    void send(ByteBuffer message) throws NetlinkException;

    /**
     * Receives one datagram into {@code into}, from index 0. On return the buffer's position is 0 and its limit the
     * datagram length.
     *
     * @param timeoutMillis 0 = do not wait, negative = wait until something arrives
     * @return the length (&gt; 0); {@link #TIMEOUT}; or a recoverable {@code -errno}: {@code -Errno.ENOBUFS} when the
     *         kernel dropped messages because the socket's receive buffer was full, {@code -Errno.EMSGSIZE} when the
     *         datagram was larger than {@code into} and was cut (its rest is lost)
     * @throws NetlinkException on any other failure (closed socket, ...)
     */
    int receive(ByteBuffer into, int timeoutMillis) throws NetlinkException;

    /**
     * Receives up to {@code lengths.length} datagrams with one call where the transport can (recvmmsg): datagram i
     * lands at {@code into[i * slotBytes, i * slotBytes + lengths[i])}, where {@code lengths[i]} is its length, or
     * {@code -Errno.EMSGSIZE} when it was larger than the slot and was cut (its bytes are lost). Waits (as
     * {@link #receive}) for the first datagram only, then takes what is already queued; fewer than asked for means
     * the socket had no more at that moment. The buffer's position and limit are set to 0 and its capacity.
     *
     * <p>The default receives one datagram per call.
     *
     * @param into a buffer of at least {@code lengths.length * slotBytes} bytes, direct for a real socket; a
     *        transport may keep native state for it, so pass the same buffer, slot size and array every time
     * @return how many datagrams were received (&gt; 0), {@link #TIMEOUT}, or a recoverable {@code -errno} as from
     *         {@link #receive} ({@code -Errno.ENOBUFS}); an error met after the first datagram is reported by the
     *         next call
     * @throws NetlinkException on any other failure (closed socket, ...)
     */
    default int receiveBatch(ByteBuffer into, int slotBytes, int[] lengths, int timeoutMillis)
            throws NetlinkException {
        int n = receive(into, timeoutMillis);
        into.limit(into.capacity()).position(0);
        if (n == -Errno.EMSGSIZE || n > slotBytes) {
            lengths[0] = -Errno.EMSGSIZE;
            return 1;
        }
        if (n <= 0) {
            return n;
        }
        lengths[0] = n;
        return 1;
    }

    /** Releases the transport; idempotent. */
    @Override
    void close();
}
