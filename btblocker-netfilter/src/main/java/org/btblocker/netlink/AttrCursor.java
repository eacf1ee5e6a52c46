package org.btblocker.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Walks netlink attributes ({@code struct nlattr {u16 nla_len; u16 nla_type}} + value, 4-byte aligned) in place over a
 * region of a buffer, without copying. Values are read big-endian (netfilter's byte order) unless a method says
 * "host".
 *
 * <p>Never throws on any bytes: a malformed attribute (length below the header, past the region, trailing bytes that
 * cannot hold a header) or a read past the value sets a sticky {@linkplain #hasError() error}; {@link #next()} then
 * returns false and reads return 0. Mutable, reused, owned by one thread; allocates nothing (except
 * {@link #string()}).
 *
 * <pre>{@code
 * for (a.reset(buf, off, len); a.next(); ) {
 *     switch (a.type()) { case NFQA_MARK -> mark = a.u32(); default -> { } }
 * }
 * }</pre>
 */
public final class AttrCursor {

    private ByteBuffer buf;
    private int start;
    private int end;
    private int next;
    private int attrOffset = -1;
    private int attrLength;
    private int rawType;
    private boolean error;

    /** An empty cursor; point it somewhere with {@link #reset}. */
    public AttrCursor() {
        this.buf = ByteBuffer.allocate(0);
    }

    /**
     * Points the cursor at {@code buf[offset, offset + length)}, before the first attribute. A region outside the
     * buffer's limit leaves the cursor empty and in error.
     */
    public AttrCursor reset(ByteBuffer buf, int offset, int length) {
        this.buf = buf;
        this.attrOffset = -1;
        this.attrLength = 0;
        this.rawType = 0;
        if (offset < 0 || length < 0 || offset > buf.limit() - length) {
            this.start = this.end = this.next = 0;
            this.error = true;
        } else {
            this.start = offset;
            this.end = offset + length;
            this.next = offset;
            this.error = false;
        }
        return this;
    }

    /** Goes back before the first attribute of the current region (clearing an error caused by reads). */
    public AttrCursor rewind() {
        return reset(buf, start, end - start);
    }

    /** Advances to the next attribute; false at the end of the region or on malformed data. */
    public boolean next() {
        if (error) {
            return false;
        }
        int remaining = end - next;
        if (remaining == 0) {
            attrOffset = -1;
            return false;
        }
        if (remaining < Netlink.NLA_HDRLEN) {
            return fail();
        }
        int len = u16Host(next);
        if (len < Netlink.NLA_HDRLEN || len > remaining) {
            return fail();
        }
        attrOffset = next;
        attrLength = len;
        rawType = u16Host(next + 2);
        // the last attribute may lack its padding; never step past the region
        next = next + Math.min(Netlink.align(len), remaining);
        return true;
    }

    /**
     * Moves to the first attribute of the given type (searching from the start of the region); false when absent or
     * the region is malformed before it.
     */
    public boolean seek(int type) {
        rewind();
        while (next()) {
            if (type() == type) {
                return true;
            }
        }
        return false;
    }

    private boolean fail() {
        error = true;
        attrOffset = -1;
        return false;
    }

    /** True once malformed data or an out-of-range read was seen; sticky until {@link #reset}. */
    public boolean hasError() {
        return error;
    }

    /** Attribute type with NLA_F_NESTED and NLA_F_NET_BYTEORDER masked off. */
    public int type() {
        return rawType & Netlink.NLA_TYPE_MASK;
    }

    /** Attribute type as sent, flag bits included. */
    public int rawType() {
        return rawType;
    }

    /** True when the NLA_F_NESTED flag is set. */
    public boolean isNested() {
        return (rawType & Netlink.NLA_F_NESTED) != 0;
    }

    /** Absolute buffer offset of the current value. */
    public int valueOffset() {
        return attrOffset + Netlink.NLA_HDRLEN;
    }

    /** Length of the current value (without header and padding). */
    public int valueLength() {
        return attrOffset < 0 ? 0 : attrLength - Netlink.NLA_HDRLEN;
    }

    /** The buffer being walked. */
    public ByteBuffer buffer() {
        return buf;
    }

    /** Points {@code into} at the current value, to walk a nested attribute; false (and into empty) if none. */
    public boolean nested(AttrCursor into) {
        if (attrOffset < 0) {
            into.reset(buf, 0, 0);
            return false;
        }
        into.reset(buf, valueOffset(), valueLength());
        return true;
    }

    /** The value as u8. */
    public int u8() {
        return u8At(0);
    }

    /** The value as big-endian u16. */
    public int u16() {
        return u16At(0);
    }

    /** The value as big-endian u32 (as int; use {@link Integer#toUnsignedLong} for the unsigned value). */
    public int u32() {
        return u32At(0);
    }

    /** The value as big-endian u64. */
    public long u64() {
        return u64At(0);
    }

    /** The value as host-order u32 (e.g. NLMSGERR_ATTR_OFFS). */
    public int u32Host() {
        if (!inValue(0, 4)) {
            return 0;
        }
        int be = u32At(0);
        return ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? be : Integer.reverseBytes(be);
    }

    /** Byte at {@code rel} inside the value; 0 and error when outside. */
    public int u8At(int rel) {
        return inValue(rel, 1) ? buf.get(valueOffset() + rel) & 0xff : 0;
    }

    /** Big-endian u16 at {@code rel} inside the value; 0 and error when outside. */
    public int u16At(int rel) {
        if (!inValue(rel, 2)) {
            return 0;
        }
        int at = valueOffset() + rel;
        return (buf.get(at) & 0xff) << 8 | buf.get(at + 1) & 0xff;
    }

    /** Big-endian u32 at {@code rel} inside the value; 0 and error when outside. */
    public int u32At(int rel) {
        if (!inValue(rel, 4)) {
            return 0;
        }
        int at = valueOffset() + rel;
        return (buf.get(at) & 0xff) << 24 | (buf.get(at + 1) & 0xff) << 16 | (buf.get(at + 2) & 0xff) << 8
                | buf.get(at + 3) & 0xff;
    }

    /** Big-endian u64 at {@code rel} inside the value; 0 and error when outside. */
    public long u64At(int rel) {
        if (!inValue(rel, 8)) {
            return 0;
        }
        int at = valueOffset() + rel;
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | buf.get(at + i) & 0xff;
        }
        return v;
    }

    /**
     * The value as a string up to its first NUL (UTF-8). Allocates: for error texts and names, not the packet path.
     */
    public String string() {
        int len = valueLength();
        if (attrOffset < 0) {
            return "";
        }
        int n = 0;
        while (n < len && buf.get(valueOffset() + n) != 0) {
            n++;
        }
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = buf.get(valueOffset() + i);
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    private boolean inValue(int rel, int size) {
        if (attrOffset < 0 || rel < 0 || rel > valueLength() - size) {
            error = true;
            return false;
        }
        return true;
    }

    private int u16Host(int at) {
        int lo = buf.get(at) & 0xff;
        int hi = buf.get(at + 1) & 0xff;
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? hi << 8 | lo : lo << 8 | hi;
    }
}
