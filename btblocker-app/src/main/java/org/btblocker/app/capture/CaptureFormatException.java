package org.btblocker.app.capture;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A capture file is not a well-formed pcap or pcapng file: bad magic, a corrupt block, or a record cut short.
 * The message is one line naming the file and the byte offset of the offending record or block, e.g.
 * {@code capture.pcap: truncated packet record at byte 1234 (needs 60 bytes, 12 left)}.
 */
public final class CaptureFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long byteOffset;
    private final String what;

    /**
     * @param file       the capture file (as the user named it)
     * @param byteOffset offset of the offending record or block from the start of the file
     * @param what       what is wrong, e.g. "truncated packet record"
     * @param detail     facts in parentheses after the offset (e.g. "needs 60 bytes, 12 left"), or null
     */
    public CaptureFormatException(Path file, long byteOffset, String what, String detail) {
        super(file + ": " + what + " at byte " + byteOffset + (detail == null ? "" : " (" + detail + ")"));
        this.file = file;
        this.byteOffset = byteOffset;
        this.what = what;
    }

    /** The capture file. */
    public Path file() {
        return file;
    }

    /** Offset of the offending record or block from the start of the file. */
    public long byteOffset() {
        return byteOffset;
    }

    /** What is wrong, without file name, offset or detail. */
    public String what() {
        return what;
    }
}
