package org.btblocker.app.capture;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;

/**
 * A sliding window over a byte channel (big-endian, as the IP headers in it are). The reader asks for the next
 * {@code n} bytes with {@link #fill}, reads them at indices relative to {@link #position()}, then {@link #advance}s.
 *
 * <p>Over a file ({@link #mapped}) the window is a read-only memory map of up to {@value #MAP_WINDOW} bytes of it:
 * nothing is copied, and when a record runs past the window's end the next window is mapped from that record on.
 * A buffer once returned by {@link #buffer()} stays valid (the old mapping lives as long as something refers to
 * it), so another thread may go on reading packets from it while this one moves on.
 *
 * <p>Over any other channel it is one reused, growing heap buffer: bytes before the position may be discarded by the
 * next {@code fill}, so a caller keeps indices only until then. The buffer grows only when a record does not fit,
 * and only as far as bytes actually arrive, so a corrupt length field cannot make it allocate more than about twice
 * the file size.
 */
final class ByteWindow implements Closeable {

    /** Bytes mapped at once: a quarter of what one mapped buffer can hold, far above the largest record. */
    static final long MAP_WINDOW = 1L << 29;

    private final ReadableByteChannel in;
    private final FileChannel file;
    private final long fileSize;
    private final long mapWindow;
    private ByteBuffer buf;
    private int limit;     // valid bytes are buf[0, limit)
    private int pos;       // current read index
    private long base;     // file offset of buf[0]
    private boolean eof;

    ByteWindow(ReadableByteChannel in, int initialCapacity) {
        this.in = in;
        this.file = null;
        this.fileSize = -1;
        this.mapWindow = 0;
        this.buf = ByteBuffer.allocate(initialCapacity).order(ByteOrder.BIG_ENDIAN);
        this.buf.limit(0);
    }

    private ByteWindow(FileChannel file, long size, long mapWindow) {
        this.in = file;
        this.file = file;
        this.fileSize = size;
        this.mapWindow = mapWindow;
        this.buf = ByteBuffer.allocate(0);
    }

    /**
     * A window that maps {@code file} (from its start) instead of copying it, {@code mapWindow} bytes at a time (or
     * more when a record is larger).
     */
    static ByteWindow mapped(FileChannel file, long mapWindow) throws IOException {
        return new ByteWindow(file, file.size(), mapWindow);
    }

    /** True when the window maps the file (its buffers stay valid after the window moves on). */
    boolean isMapped() {
        return file != null;
    }

    /** The buffer holding the window; its limit is the end of the valid bytes. */
    ByteBuffer buffer() {
        return buf;
    }

    /** Index in {@link #buffer()} of the current read position. */
    int position() {
        return pos;
    }

    /** File offset of the current read position. */
    long offset() {
        return base + pos;
    }

    /**
     * Makes the next {@code n} bytes available from the current position, reading and growing as needed.
     *
     * @return {@code n}, or fewer when the channel ends first (the bytes that are left)
     */
    int fill(int n) throws IOException {
        int avail = limit - pos;
        if (avail >= n || eof) {
            return Math.min(avail, n);
        }
        if (file != null) {
            return remap(n);
        }
        if (pos > 0) { // keep the unread tail only
            System.arraycopy(buf.array(), pos, buf.array(), 0, avail);
            base += pos;
            pos = 0;
            limit = avail;
        }
        while (limit < n && !eof) {
            if (limit == buf.capacity()) {
                int capacity = (int) Math.min(2L * buf.capacity(), Math.max(n, buf.capacity() + 1));
                ByteBuffer bigger = ByteBuffer.allocate(capacity).order(ByteOrder.BIG_ENDIAN);
                System.arraycopy(buf.array(), 0, bigger.array(), 0, limit);
                buf = bigger;
            }
            buf.limit(buf.capacity()).position(limit);
            int read = in.read(buf);
            if (read < 0) {
                eof = true;
            } else {
                limit += read;
            }
        }
        buf.limit(limit).position(0);
        return Math.min(limit - pos, n);
    }

    /** Maps the next window from the current position on. */
    private int remap(int n) throws IOException {
        long start = base + pos;
        long size = Math.min(fileSize - start, Math.max(mapWindow, n));
        buf = file.map(FileChannel.MapMode.READ_ONLY, start, size).order(ByteOrder.BIG_ENDIAN);
        base = start;
        pos = 0;
        limit = (int) size;
        eof = start + size == fileSize;
        return Math.min(limit, n);
    }

    /** Moves the read position on by {@code n} bytes, which {@link #fill} made available. */
    void advance(int n) {
        pos += n;
    }

    /**
     * Skips {@code n} bytes without keeping them (for blocks that may be larger than worth buffering).
     *
     * @return the bytes skipped: {@code n}, or fewer when the channel ends first
     */
    long skip(long n) throws IOException {
        long done = 0;
        while (done < n) {
            int avail = limit - pos;
            if (avail == 0) {
                avail = fill((int) Math.min(n - done, buf.capacity()));
                if (avail == 0) {
                    break;
                }
            }
            int step = (int) Math.min(avail, n - done);
            pos += step;
            done += step;
        }
        return done;
    }

    int u8(int rel) {
        return buf.get(pos + rel) & 0xff;
    }

    int u16(int rel, boolean littleEndian) {
        short v = buf.getShort(pos + rel);
        return (littleEndian ? Short.reverseBytes(v) : v) & 0xffff;
    }

    long u32(int rel, boolean littleEndian) {
        int v = buf.getInt(pos + rel);
        return (littleEndian ? Integer.reverseBytes(v) : v) & 0xffffffffL;
    }

    long i64(int rel, boolean littleEndian) {
        long v = buf.getLong(pos + rel);
        return littleEndian ? Long.reverseBytes(v) : v;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
