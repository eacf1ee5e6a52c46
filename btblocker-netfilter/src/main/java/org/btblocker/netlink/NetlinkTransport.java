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

    /** Releases the transport; idempotent. */
    @Override
    void close();
}
