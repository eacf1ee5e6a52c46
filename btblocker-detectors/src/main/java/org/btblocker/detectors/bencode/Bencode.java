package org.btblocker.detectors.bencode;

import java.nio.ByteBuffer;

/**
 * A strict, allocation-free reader of bencode (BEP 3) in place, over absolute offsets of a {@link ByteBuffer}.
 *
 * <p>Every method takes {@code (buffer, off, end)} where {@code end} is exclusive, never throws on any bytes or
 * offsets, and answers with a primitive: {@code -1} (or {@link #INVALID_INTEGER}) means "not valid bencode here".
 * The buffer's position and limit are never changed.
 *
 * <p>Strictness, per BEP 3:
 * <ul>
 *   <li>integers {@code i-?[0-9]+e}: no leading zeros, no {@code -0}, no empty digits; additionally they must fit
 *       a signed 64-bit value (no real client sends bigger ones) and {@code Long.MIN_VALUE} is refused;</li>
 *   <li>byte strings {@code <len>:<bytes>}: decimal length without leading zeros ({@code 0:} is the empty string),
 *       at most {@link Limits#maxStringLength()};</li>
 *   <li>lists {@code l...e} and dictionaries {@code d...e} whose keys are byte strings; sorted keys are enforced only
 *       when {@link Limits#requireSortedKeys()} is set, since some clients emit unsorted dictionaries;</li>
 *   <li>nesting is capped by {@link Limits#maxDepth()} (never more than {@link Limits#HARD_MAX_DEPTH}, so the
 *       recursion cannot overflow the stack), items per container by {@link Limits#maxElements()}.</li>
 * </ul>
 *
 * <p>Typical use: validate the whole datagram, then look up keys in place.
 * <pre>{@code
 * if (Bencode.skipValue(b, off, end, Limits.KRPC) != end) return -1;        // exactly one value
 * int y = Bencode.findKey(b, off, end, Y, Limits.KRPC);                     // offset of the value of "y"
 * if (Bencode.stringLength(b, y, end) == 1 && b.get(Bencode.stringOffset(b, y, end)) == 'q') ...
 * }</pre>
 */
public final class Bencode {

    /** {@link #typeAt} answer: an integer {@code i...e}. */
    public static final int INTEGER = 1;
    /** {@link #typeAt} answer: a byte string {@code <len>:...}. */
    public static final int STRING = 2;
    /** {@link #typeAt} answer: a list {@code l...e}. */
    public static final int LIST = 3;
    /** {@link #typeAt} answer: a dictionary {@code d...e}. */
    public static final int DICTIONARY = 4;

    /** What {@link #integerValue} returns for anything that is not a valid bencoded integer. */
    public static final long INVALID_INTEGER = Long.MIN_VALUE;

    /** Decimal digits of the longest string length we ever parse (2^31-1 has 10). */
    private static final int MAX_LENGTH_DIGITS = 10;

    private Bencode() {
    }

    /**
     * Validates the value starting at {@code off} and returns the offset just after it.
     *
     * @return the end offset of the value (at most {@code end}), or -1 when there is no valid, complete value
     *         within {@code [off, end)} under {@code limits}
     */
    public static int skipValue(ByteBuffer b, int off, int end, Limits limits) {
        if (!inRange(b, off, end)) {
            return -1;
        }
        return value(b, off, end, limits, 0);
    }

    /**
     * Which kind of value starts at {@code off}, judged from its first byte only.
     *
     * @return {@link #INTEGER}, {@link #STRING}, {@link #LIST}, {@link #DICTIONARY}, or -1
     */
    public static int typeAt(ByteBuffer b, int off, int end) {
        if (!inRange(b, off, end) || off >= end) {
            return -1;
        }
        int c = b.get(off);
        if (c == 'i') {
            return INTEGER;
        }
        if (c >= '0' && c <= '9') {
            return STRING;
        }
        if (c == 'l') {
            return LIST;
        }
        return c == 'd' ? DICTIONARY : -1;
    }

    /**
     * Finds {@code key} in the dictionary starting at {@code dictOff} and returns the offset of its value. Entries
     * before the key are validated (values skipped under {@code limits}, one level down); the rest are not, so
     * validate the whole message with {@link #skipValue} first. With duplicate keys the first one wins.
     *
     * @return the offset of the key's value, or -1 when there is no dictionary, it is malformed before the key, or
     *         the key is absent
     */
    public static int findKey(ByteBuffer b, int dictOff, int end, byte[] key, Limits limits) {
        if (!inRange(b, dictOff, end) || dictOff >= end || b.get(dictOff) != 'd') {
            return -1;
        }
        int p = dictOff + 1;
        for (int n = 0; n <= limits.maxElements(); n++) {       // bounded: each pair consumes at least 3 bytes
            if (p >= end) {
                return -1;
            }
            if (b.get(p) == 'e') {
                return -1;
            }
            int keyEnd = string(b, p, end, limits);
            if (keyEnd < 0) {
                return -1;
            }
            if (stringEquals(b, p, end, key)) {
                return keyEnd < end ? keyEnd : -1;
            }
            p = value(b, keyEnd, end, limits, 1);
            if (p < 0) {
                return -1;
            }
        }
        return -1;
    }

    /** Length of the byte string at {@code off}, or -1 when no complete byte string starts there. */
    public static int stringLength(ByteBuffer b, int off, int end) {
        int contentOff = stringOffset(b, off, end);
        if (contentOff < 0) {
            return -1;
        }
        return (int) lengthPrefix(b, off, end);
    }

    /** Offset of the first content byte of the byte string at {@code off}, or -1 when none is complete there. */
    public static int stringOffset(ByteBuffer b, int off, int end) {
        if (!inRange(b, off, end)) {
            return -1;
        }
        long len = lengthPrefix(b, off, end);
        if (len < 0) {
            return -1;
        }
        int colon = off + digits(len);
        int content = colon + 1;
        return content + len <= end ? content : -1;
    }

    /** True when the byte string at {@code off} is complete and equals {@code expected}. */
    public static boolean stringEquals(ByteBuffer b, int off, int end, byte[] expected) {
        int content = stringOffset(b, off, end);
        if (content < 0 || lengthPrefix(b, off, end) != expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (b.get(content + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The value of the integer at {@code off}, or {@link #INVALID_INTEGER} when no valid, complete integer starts
     * there (valid integers never have that value).
     */
    public static long integerValue(ByteBuffer b, int off, int end) {
        if (!inRange(b, off, end) || off >= end || b.get(off) != 'i') {
            return INVALID_INTEGER;
        }
        int p = off + 1;
        boolean negative = false;
        if (p < end && b.get(p) == '-') {
            negative = true;
            p++;
        }
        int first = p;
        long v = 0;
        while (p < end) {
            int c = b.get(p);
            if (c == 'e') {
                break;
            }
            if (c < '0' || c > '9') {
                return INVALID_INTEGER;
            }
            int d = c - '0';
            if (v > (Long.MAX_VALUE - d) / 10) {
                return INVALID_INTEGER;            // does not fit in 63 bits: refused, never wrapped
            }
            v = v * 10 + d;
            p++;
        }
        int count = p - first;
        if (p >= end || count == 0) {
            return INVALID_INTEGER;                // unterminated or "ie" / "i-e"
        }
        if (b.get(first) == '0' && (count > 1 || negative)) {
            return INVALID_INTEGER;                // leading zero or "-0"
        }
        return negative ? -v : v;
    }

    /**
     * True when the byte at {@code off} closes a container. To walk a list or dictionary in place: its first item
     * (or its {@code e}) is at {@code containerOff + 1}; {@code isEnd} tells when the walk is over, and
     * {@link #skipValue} steps from one item (or key, or value) to the next.
     */
    public static boolean isEnd(ByteBuffer b, int off, int end) {
        return inRange(b, off, end) && off < end && b.get(off) == 'e';
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static boolean inRange(ByteBuffer b, int off, int end) {
        return b != null && off >= 0 && off <= end && end <= b.limit();
    }

    /** One value at {@code depth} (0 = top level); the caller checked the range. */
    static int value(ByteBuffer b, int off, int end, Limits limits, int depth) {
        if (off >= end) {
            return -1;
        }
        int c = b.get(off);
        if (c == 'i') {
            return integerEnd(b, off, end);
        }
        if (c >= '0' && c <= '9') {
            return string(b, off, end, limits);
        }
        if (c == 'l') {
            return depth < limits.maxDepth() ? list(b, off, end, limits, depth) : -1;
        }
        if (c == 'd') {
            return depth < limits.maxDepth() ? dictionary(b, off, end, limits, depth) : -1;
        }
        return -1;
    }

    private static int list(ByteBuffer b, int off, int end, Limits limits, int depth) {
        int p = off + 1;
        for (int n = 0; ; n++) {                        // bounded: each item consumes at least 2 bytes
            if (p >= end) {
                return -1;
            }
            if (b.get(p) == 'e') {
                return p + 1;
            }
            if (n >= limits.maxElements()) {
                return -1;
            }
            p = value(b, p, end, limits, depth + 1);
            if (p < 0) {
                return -1;
            }
        }
    }

    private static int dictionary(ByteBuffer b, int off, int end, Limits limits, int depth) {
        int p = off + 1;
        int previousKey = -1;
        for (int n = 0; ; n++) {                        // bounded: each pair consumes at least 3 bytes
            if (p >= end) {
                return -1;
            }
            if (b.get(p) == 'e') {
                return p + 1;
            }
            if (n >= limits.maxElements()) {
                return -1;
            }
            int keyEnd = string(b, p, end, limits);
            if (keyEnd < 0) {
                return -1;
            }
            if (limits.requireSortedKeys() && previousKey >= 0 && compareStrings(b, previousKey, p, end) >= 0) {
                return -1;
            }
            previousKey = p;
            p = value(b, keyEnd, end, limits, depth + 1);
            if (p < 0) {
                return -1;
            }
        }
    }

    private static int integerEnd(ByteBuffer b, int off, int end) {
        if (integerValue(b, off, end) == INVALID_INTEGER) {
            return -1;
        }
        int p = off + 1;
        while (b.get(p) != 'e') {                        // integerValue proved an 'e' before end
            p++;
        }
        return p + 1;
    }

    private static int string(ByteBuffer b, int off, int end, Limits limits) {
        long len = lengthPrefix(b, off, end);
        if (len < 0 || len > limits.maxStringLength()) {
            return -1;
        }
        long stop = off + digits(len) + 1 + len;
        return stop <= end ? (int) stop : -1;
    }

    /** The decimal length before the colon at {@code off}, or -1 (no digits, leading zero, no colon, too long). */
    private static long lengthPrefix(ByteBuffer b, int off, int end) {
        long len = 0;
        int p = off;
        while (p < end && p - off <= MAX_LENGTH_DIGITS) {
            int c = b.get(p);
            if (c == ':') {
                int count = p - off;
                if (count == 0 || (count > 1 && b.get(off) == '0')) {
                    return -1;
                }
                return len <= Integer.MAX_VALUE ? len : -1;
            }
            if (c < '0' || c > '9') {
                return -1;
            }
            len = len * 10 + (c - '0');
            p++;
        }
        return -1;
    }

    private static int digits(long v) {
        int n = 1;
        while (v >= 10) {
            v /= 10;
            n++;
        }
        return n;
    }

    /** Unsigned lexicographic comparison of two valid byte strings (offsets of their length prefixes). */
    private static int compareStrings(ByteBuffer b, int a, int c, int end) {
        int aLen = (int) lengthPrefix(b, a, end);
        int cLen = (int) lengthPrefix(b, c, end);
        int aOff = a + digits(aLen) + 1;
        int cOff = c + digits(cLen) + 1;
        int n = Math.min(aLen, cLen);
        for (int i = 0; i < n; i++) {
            int x = b.get(aOff + i) & 0xff;
            int y = b.get(cOff + i) & 0xff;
            if (x != y) {
                return x - y;
            }
        }
        return aLen - cLen;
    }
}
