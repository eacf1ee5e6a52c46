package org.btblocker.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Walks the netlink messages ({@code struct nlmsghdr} + payload, 4-byte aligned) in one receive buffer, in place.
 * Also reads the parts every nfnetlink user needs: {@code struct nfgenmsg} after the header and
 * {@code struct nlmsgerr} (error code, extended-ack text) in NLMSG_ERROR messages.
 *
 * <p>Never throws on any bytes: a header shorter than 16 bytes, or a length below the header or past the region,
 * sets a sticky {@linkplain #hasError() error} and ends the walk. Mutable, reused, owned by one thread; allocates
 * nothing except {@link #extackMessage(AttrCursor)}.
 */
public final class MessageCursor {

    private ByteBuffer buf;
    private int end;
    private int next;
    private int offset = -1;
    private int length;
    private boolean error;

    /** An empty cursor; point it somewhere with {@link #reset}. */
    public MessageCursor() {
        this.buf = ByteBuffer.allocate(0);
    }

    /** Points the cursor at {@code buf[offset, offset + length)}; a region outside the buffer's limit is an error. */
    public MessageCursor reset(ByteBuffer buf, int offset, int length) {
        this.buf = buf;
        this.offset = -1;
        this.length = 0;
        if (offset < 0 || length < 0 || offset > buf.limit() - length) {
            this.next = this.end = 0;
            this.error = true;
        } else {
            this.next = offset;
            this.end = offset + length;
            this.error = false;
        }
        return this;
    }

    /** Points the cursor at {@code buf[position, limit)}, as left by a receive. */
    public MessageCursor reset(ByteBuffer buf) {
        return reset(buf, buf.position(), buf.remaining());
    }

    /** Advances to the next message; false at the end or on malformed data. */
    public boolean next() {
        if (error) {
            return false;
        }
        int remaining = end - next;
        if (remaining == 0) {
            offset = -1;
            return false;
        }
        if (remaining < Netlink.NLMSG_HDRLEN) {
            return fail();
        }
        int len = hostInt(next);
        if (len < Netlink.NLMSG_HDRLEN || len > remaining) {
            return fail();
        }
        offset = next;
        length = len;
        next = next + Math.min(Netlink.align(len), remaining);
        return true;
    }

    private boolean fail() {
        error = true;
        offset = -1;
        return false;
    }

    /** True once malformed data was seen; sticky until {@link #reset}. */
    public boolean hasError() {
        return error;
    }

    /** The buffer being walked. */
    public ByteBuffer buffer() {
        return buf;
    }

    /** Absolute offset of the current message's header. */
    public int offset() {
        return offset;
    }

    /** {@code nlmsg_len} of the current message. */
    public int length() {
        return offset < 0 ? 0 : length;
    }

    /** {@code nlmsg_type}. */
    public int type() {
        return offset < 0 ? 0 : hostShort(offset + 4);
    }

    /** {@code nlmsg_flags}. */
    public int flags() {
        return offset < 0 ? 0 : hostShort(offset + 6);
    }

    /** {@code nlmsg_seq}. */
    public int seq() {
        return offset < 0 ? 0 : hostInt(offset + 8);
    }

    /** {@code nlmsg_pid}: the sender's port id (0 = kernel). */
    public int portId() {
        return offset < 0 ? 0 : hostInt(offset + 12);
    }

    /** Absolute offset of the payload (after the header). */
    public int payloadOffset() {
        return offset + Netlink.NLMSG_HDRLEN;
    }

    /** Length of the payload. */
    public int payloadLength() {
        return offset < 0 ? 0 : length - Netlink.NLMSG_HDRLEN;
    }

    /** NFNL_SUBSYS_ID(type): the nfnetlink subsystem. */
    public int nfSubsystem() {
        return (type() & 0xff00) >> 8;
    }

    /** NFNL_MSG_TYPE(type): the message type inside the subsystem. */
    public int nfMessage() {
        return type() & 0xff;
    }

    /** {@code nfgenmsg.nfgen_family}, or -1 when the payload is too short. */
    public int nfFamily() {
        return payloadLength() < Netlink.NFGENMSG_SIZE ? -1 : buf.get(payloadOffset()) & 0xff;
    }

    /** {@code nfgenmsg.version}, or -1 when the payload is too short. */
    public int nfVersion() {
        return payloadLength() < Netlink.NFGENMSG_SIZE ? -1 : buf.get(payloadOffset() + 1) & 0xff;
    }

    /** {@code nfgenmsg.res_id} (big-endian; queue number, ipset protocol...), or -1 when the payload is too short. */
    public int nfResId() {
        if (payloadLength() < Netlink.NFGENMSG_SIZE) {
            return -1;
        }
        int at = payloadOffset() + 2;
        return (buf.get(at) & 0xff) << 8 | buf.get(at + 1) & 0xff;
    }

    /**
     * Points {@code into} at the attributes after a fixed family header of {@code headerLength} bytes (aligned);
     * false (and {@code into} empty, in error) when the payload cannot hold the header.
     */
    public boolean attributes(AttrCursor into, int headerLength) {
        int skip = Netlink.align(headerLength);
        if (offset < 0 || headerLength < 0 || payloadLength() < skip) {
            into.reset(buf, -1, 0);
            return false;
        }
        into.reset(buf, payloadOffset() + skip, payloadLength() - skip);
        return true;
    }

    /** Points {@code into} at the attributes after {@code struct nfgenmsg}. */
    public boolean nfAttributes(AttrCursor into) {
        return attributes(into, Netlink.NFGENMSG_SIZE);
    }

    /** True for NLMSG_ERROR (an ack or an error). */
    public boolean isError() {
        return offset >= 0 && type() == Netlink.NLMSG_ERROR;
    }

    /**
     * For NLMSG_ERROR: {@code nlmsgerr.error}, 0 for an ack, {@code -errno} for an error; {@code -EPROTO} when the
     * payload is too short to hold it. For NLMSG_DONE: the int status the kernel appends (0 when absent). Otherwise 0.
     */
    public int errorCode() {
        int t = type();
        if (offset < 0 || t != Netlink.NLMSG_ERROR && t != Netlink.NLMSG_DONE) {
            return 0;
        }
        if (payloadLength() < 4) {
            return t == Netlink.NLMSG_ERROR ? -Errno.EPROTO : 0;
        }
        return hostInt(payloadOffset());
    }

    /**
     * The extended-ack text (NLMSGERR_ATTR_MSG) of an NLMSG_ERROR, or null. Uses {@code scratch} to walk the TLVs.
     */
    public String extackMessage(AttrCursor scratch) {
        if (!isError() || (flags() & Netlink.NLM_F_ACK_TLVS) == 0 || payloadLength() < Netlink.NLMSGERR_SIZE) {
            return null;
        }
        int tlvStart = Netlink.NLMSGERR_SIZE;
        if ((flags() & Netlink.NLM_F_CAPPED) == 0) {
            // the request was echoed: struct nlmsgerr.msg plus its payload, nlmsg_len bytes in all
            int echoed = hostInt(payloadOffset() + 4);
            if (echoed < Netlink.NLMSG_HDRLEN) {
                return null;
            }
            tlvStart = 4 + Netlink.align(echoed);
        }
        if (tlvStart < 0 || tlvStart > payloadLength()) {
            return null;
        }
        scratch.reset(buf, payloadOffset() + tlvStart, payloadLength() - tlvStart);
        return scratch.seek(Netlink.NLMSGERR_ATTR_MSG) ? scratch.string() : null;
    }

    private int hostShort(int at) {
        int a = buf.get(at) & 0xff;
        int b = buf.get(at + 1) & 0xff;
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? b << 8 | a : a << 8 | b;
    }

    private int hostInt(int at) {
        int v = (buf.get(at) & 0xff) << 24 | (buf.get(at + 1) & 0xff) << 16 | (buf.get(at + 2) & 0xff) << 8
                | buf.get(at + 3) & 0xff;
        return ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? v : Integer.reverseBytes(v);
    }
}
