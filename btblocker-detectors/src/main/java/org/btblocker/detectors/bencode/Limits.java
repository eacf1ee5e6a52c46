package org.btblocker.detectors.bencode;

/**
 * Bounds for the {@link Bencode} parser, so that hostile input costs bounded time and stack.
 *
 * @param maxDepth           how many containers may be nested inside each other: 1 allows a list or dictionary of
 *                           scalars only; at most {@link #HARD_MAX_DEPTH}, the parser's fixed stack budget
 * @param maxStringLength    the longest byte string accepted, in bytes
 * @param maxElements        the most items in one list, or key/value pairs in one dictionary
 * @param requireSortedKeys  when true, dictionary keys must be strictly increasing (unsigned byte order, no
 *                           duplicates) as BEP 3 requires; when false, any order and duplicates are accepted, because
 *                           some real clients do not sort their keys
 */
public record Limits(int maxDepth, int maxStringLength, int maxElements, boolean requireSortedKeys) {

    /** The deepest nesting the parser ever accepts; it recurses once per level. */
    public static final int HARD_MAX_DEPTH = 64;

    /**
     * For KRPC (BEP 5) datagrams: a message nests at most a few levels (message, {@code r}, {@code values} list);
     * strings fit in a UDP datagram; keys need not be sorted.
     */
    public static final Limits KRPC = new Limits(8, 65_535, 1_024, false);

    /** For tracker responses and other HTTP-carried bencode: larger strings and lists, still bounded. */
    public static final Limits TRACKER = new Limits(16, 1 << 20, 16_384, false);

    /** Checks the ranges. */
    public Limits {
        if (maxDepth < 1 || maxDepth > HARD_MAX_DEPTH) {
            throw new IllegalArgumentException("maxDepth must be in [1, " + HARD_MAX_DEPTH + "]: " + maxDepth);
        }
        if (maxStringLength < 0) {
            throw new IllegalArgumentException("maxStringLength must be >= 0: " + maxStringLength);
        }
        if (maxElements < 0) {
            throw new IllegalArgumentException("maxElements must be >= 0: " + maxElements);
        }
    }

    /** A copy that does (or does not) require sorted dictionary keys. */
    public Limits withSortedKeys(boolean required) {
        return new Limits(maxDepth, maxStringLength, maxElements, required);
    }
}
