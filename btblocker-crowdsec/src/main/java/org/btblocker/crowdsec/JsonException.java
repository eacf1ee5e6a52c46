package org.btblocker.crowdsec;

/**
 * A JSON document that is malformed, too deep or too large, or that has another shape than the Local API's answers
 * have. The only exception {@link JsonReader} throws.
 */
final class JsonException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int offset;

    /**
     * @param offset the character offset of the problem in the input, or -1 when it is about the shape of a parsed
     *               value rather than a position
     */
    JsonException(String message, int offset) {
        super(offset < 0 ? message : message + " at offset " + offset);
        this.offset = offset;
    }

    /** Where in the input the problem is (0 to the input's length), or -1 for a shape problem. */
    int offset() {
        return offset;
    }
}
