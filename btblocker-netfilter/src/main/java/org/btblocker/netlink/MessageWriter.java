package org.btblocker.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes netlink messages into one reused direct buffer: {@code struct nlmsghdr}, optionally {@code struct nfgenmsg},
 * then attributes ({@code struct nlattr} + value, padded to 4 bytes), with nesting. Several messages may be written
 * back to back (a batch sent in one {@code sendto}).
 *
 * <p>Header fields ({@code nlmsghdr}, {@code nlattr}) are host order as the kernel expects; attribute values written by
 * the {@code attrU16/U32/U64} methods and {@code nfgenmsg.res_id} are big-endian, as every nfnetlink subsystem uses.
 *
 * <p>Mutable and owned by one thread. After {@link #reset()} writing allocates nothing (except
 * {@link #attrString}), so verdicts can be written on the packet path. Writing past the capacity is a programming
 * error and throws {@link IllegalStateException}.
 *
 * <pre>{@code
 * w.reset().begin(nfnlType(NFNL_SUBSYS_QUEUE, NFQNL_MSG_CONFIG), NLM_F_REQUEST | NLM_F_ACK, seq)
 *  .nfgenmsg(AF_UNSPEC, NFNETLINK_V0, queueNum)
 *  .attrU32(NFQA_CFG_QUEUE_MAXLEN, 4096)
 *  .end();
 * socket.send(w.buffer());
 * }</pre>
 */
public final class MessageWriter {

    private static final boolean HOST_BIG_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;
    private static final int MAX_DEPTH = 16;

    private final ByteBuffer buf;
    private final int[] nests = new int[MAX_DEPTH];
    private int depth;
    private int pos;
    private int messageStart = -1;
    private int seq;

    /** A writer with a direct buffer of {@code capacity} bytes. */
    public MessageWriter(int capacity) {
        if (capacity < Netlink.NLMSG_HDRLEN) {
            throw new IllegalArgumentException("capacity " + capacity + " < " + Netlink.NLMSG_HDRLEN);
        }
        this.buf = ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
    }

    /** Forgets everything written; the next message starts at offset 0. */
    public MessageWriter reset() {
        pos = 0;
        depth = 0;
        messageStart = -1;
        return this;
    }

    /**
     * Starts a message: {@code nlmsghdr {len (patched by end), type, flags, seq, pid 0}}. Any message still open is
     * ended first.
     */
    public MessageWriter begin(int type, int flags, int seq) {
        if (messageStart >= 0) {
            end();
        }
        ensure(Netlink.NLMSG_HDRLEN);
        messageStart = pos;
        this.seq = seq;
        buf.putInt(pos, 0);
        buf.putShort(pos + 4, (short) type);
        buf.putShort(pos + 6, (short) flags);
        buf.putInt(pos + 8, seq);
        buf.putInt(pos + 12, 0);
        pos += Netlink.NLMSG_HDRLEN;
        return this;
    }

    /** Writes {@code struct nfgenmsg {u8 family; u8 version; __be16 res_id}} right after the header. */
    public MessageWriter nfgenmsg(int family, int version, int resId) {
        requireOpen();
        ensure(Netlink.NFGENMSG_SIZE);
        buf.put(pos, (byte) family);
        buf.put(pos + 1, (byte) version);
        putBe16At(pos + 2, resId);
        pos += Netlink.NFGENMSG_SIZE;
        return this;
    }

    /**
     * Reserves {@code bytes} (rounded up to 4, zero-filled) of a fixed family header after {@code nlmsghdr} and
     * returns their offset, for structs other than nfgenmsg (filled with the {@code put...At} methods).
     */
    public int reserve(int bytes) {
        requireOpen();
        if (bytes < 0) {
            throw new IllegalArgumentException("negative length " + bytes);
        }
        int padded = Netlink.align(bytes);
        ensure(padded);
        for (int i = pos; i < pos + padded; i++) {
            buf.put(i, (byte) 0);
        }
        int at = pos;
        pos += padded;
        return at;
    }

    /**
     * Reserves an attribute of {@code valueLength} bytes (zero-filled, padding included) and returns the offset of its
     * value, for fixed structs filled with the {@code put...At} methods.
     */
    public int attr(int type, int valueLength) {
        requireOpen();
        if (valueLength < 0 || valueLength > 0xffff - Netlink.NLA_HDRLEN) {
            throw new IllegalArgumentException("attribute value length " + valueLength);
        }
        int total = Netlink.NLA_HDRLEN + valueLength;
        int padded = Netlink.align(total);
        ensure(padded);
        buf.putShort(pos, (short) total);
        buf.putShort(pos + 2, (short) type);
        for (int i = pos + Netlink.NLA_HDRLEN; i < pos + padded; i++) {
            buf.put(i, (byte) 0);
        }
        int valueOffset = pos + Netlink.NLA_HDRLEN;
        pos += padded;
        return valueOffset;
    }

    /** An attribute without value (a flag). */
    public MessageWriter attrFlag(int type) {
        attr(type, 0);
        return this;
    }

    /** A one-byte attribute. */
    public MessageWriter attrU8(int type, int value) {
        buf.put(attr(type, 1), (byte) value);
        return this;
    }

    /** A big-endian 16-bit attribute. */
    public MessageWriter attrU16(int type, int value) {
        putBe16At(attr(type, 2), value);
        return this;
    }

    /** A big-endian 32-bit attribute. */
    public MessageWriter attrU32(int type, int value) {
        putBe32At(attr(type, 4), value);
        return this;
    }

    /** A big-endian 64-bit attribute. */
    public MessageWriter attrU64(int type, long value) {
        putBe64At(attr(type, 8), value);
        return this;
    }

    /** A host-order 32-bit attribute (for the few non-netfilter attributes that use it). */
    public MessageWriter attrU32Host(int type, int value) {
        buf.putInt(attr(type, 4), value);
        return this;
    }

    /** An attribute holding {@code value[off, off + len)}. */
    public MessageWriter attrBytes(int type, byte[] value, int off, int len) {
        int at = attr(type, len);
        for (int i = 0; i < len; i++) {
            buf.put(at + i, value[off + i]);
        }
        return this;
    }

    /** An attribute holding all of {@code value}. */
    public MessageWriter attrBytes(int type, byte[] value) {
        return attrBytes(type, value, 0, value.length);
    }

    /** A NUL-terminated UTF-8 string attribute (NLA_NUL_STRING / NLA_STRING as netfilter sends them). */
    public MessageWriter attrString(int type, String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        int at = attr(type, b.length + 1);
        for (int i = 0; i < b.length; i++) {
            buf.put(at + i, b[i]);
        }
        return this;
    }

    /** Opens a nested attribute (type | NLA_F_NESTED); close it with {@link #nestEnd()}. */
    public MessageWriter nestBegin(int type) {
        requireOpen();
        if (depth == MAX_DEPTH) {
            throw new IllegalStateException("attributes nested deeper than " + MAX_DEPTH);
        }
        ensure(Netlink.NLA_HDRLEN);
        nests[depth++] = pos;
        buf.putShort(pos, (short) 0);
        buf.putShort(pos + 2, (short) (type | Netlink.NLA_F_NESTED));
        pos += Netlink.NLA_HDRLEN;
        return this;
    }

    /** Closes the innermost nested attribute, patching its length. */
    public MessageWriter nestEnd() {
        if (depth == 0) {
            throw new IllegalStateException("nestEnd without nestBegin");
        }
        int start = nests[--depth];
        int len = pos - start;
        if (len > 0xffff) {
            throw new IllegalStateException("nested attribute longer than 65535 bytes");
        }
        buf.putShort(start, (short) len);
        return this;
    }

    /** Ends the current message, patching {@code nlmsg_len}. */
    public MessageWriter end() {
        requireOpen();
        if (depth != 0) {
            throw new IllegalStateException(depth + " nested attribute(s) still open");
        }
        buf.putInt(messageStart, pos - messageStart);
        messageStart = -1;
        return this;
    }

    /**
     * The written bytes: the buffer with position 0 and limit at the end of the last message, ready to send. Ends an
     * open message first.
     */
    public ByteBuffer buffer() {
        if (messageStart >= 0) {
            end();
        }
        buf.limit(pos).position(0);
        return buf;
    }

    /** Bytes written so far. */
    public int length() {
        return pos;
    }

    /** Sequence number of the last message begun. */
    public int seq() {
        return seq;
    }

    /** Offset of the open message, or -1 between messages. */
    public int messageStart() {
        return messageStart;
    }

    /** Writes one byte at an absolute offset (inside a reserved attribute). */
    public void putU8At(int offset, int value) {
        buf.put(offset, (byte) value);
    }

    /** Writes a host-order 16-bit value at an absolute offset. */
    public void putU16HostAt(int offset, int value) {
        buf.putShort(offset, (short) value);
    }

    /** Writes a host-order 32-bit value at an absolute offset. */
    public void putU32HostAt(int offset, int value) {
        buf.putInt(offset, value);
    }

    /** Writes a big-endian 16-bit value at an absolute offset. */
    public void putBe16At(int offset, int value) {
        short s = (short) value;
        buf.putShort(offset, HOST_BIG_ENDIAN ? s : Short.reverseBytes(s));
    }

    /** Writes a big-endian 32-bit value at an absolute offset. */
    public void putBe32At(int offset, int value) {
        buf.putInt(offset, HOST_BIG_ENDIAN ? value : Integer.reverseBytes(value));
    }

    /** Writes a big-endian 64-bit value at an absolute offset. */
    public void putBe64At(int offset, long value) {
        buf.putLong(offset, HOST_BIG_ENDIAN ? value : Long.reverseBytes(value));
    }

    private void requireOpen() {
        if (messageStart < 0) {
            throw new IllegalStateException("no message begun");
        }
    }

    private void ensure(int bytes) {
        buf.limit(buf.capacity());
        if (pos + bytes > buf.capacity()) {
            throw new IllegalStateException("netlink message exceeds the writer's " + buf.capacity() + " bytes");
        }
    }
}
