package org.btblocker.app.capture;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Reads a capture on a thread of its own while the caller inspects the packets read so far: the same cursor as
 * {@link CaptureReader} ({@link #next()}, then {@link #buffer()}, {@link #ipOffset()}, {@link #ipLength()},
 * {@link #timestampNanos()}), fed in batches of {@value #BATCH} packets through a few recycled batches, so the
 * hand-over costs two queue operations per batch and allocates nothing per packet.
 *
 * <p>Only a {@linkplain CaptureReader#isMapped() mapped} capture is read ahead: its packets stay where they lie in
 * the file's mapping, so a batch holds only where each packet is. Any other reader is used as it is, on the
 * caller's thread. A format error is raised by {@code next()} once the packets before it were handed out, as
 * {@code CaptureReader} does. Owned by one caller thread; {@link #close()} stops the reading thread (the reader itself
 * stays open: its owner closes it).
 */
public final class CaptureReadAhead implements AutoCloseable {

    static final int BATCH = 1024;
    private static final int BATCHES = 8;

    private static final class Batch {
        final ByteBuffer[] buffers = new ByteBuffer[BATCH];
        final int[] offsets = new int[BATCH];
        final int[] lengths = new int[BATCH];
        final long[] timestamps = new long[BATCH];
        int size;
        boolean last;
        IOException error;
        RuntimeException failure;
    }

    private final CaptureReader reader;
    private final ArrayBlockingQueue<Batch> full = new ArrayBlockingQueue<>(BATCHES);
    private final ArrayBlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES);
    private final Thread thread;
    private volatile boolean stopped;
    private Batch current;
    private int at = -1;

    /** Starts reading {@code reader} ahead when it is mapped. */
    public CaptureReadAhead(CaptureReader reader) {
        this.reader = reader;
        if (!reader.isMapped()) {
            this.thread = null;
            return;
        }
        for (int i = 0; i < BATCHES; i++) {
            free.add(new Batch());
        }
        this.thread = new Thread(this::readAll, "capture-read-ahead");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void readAll() {
        Batch b = null;
        try {
            b = free.take();
            b.size = 0;
            while (!stopped && reader.next()) {
                int i = b.size++;
                b.buffers[i] = reader.buffer();
                b.offsets[i] = reader.ipOffset();
                b.lengths[i] = reader.ipLength();
                b.timestamps[i] = reader.timestampNanos();
                if (b.size == BATCH) {
                    full.put(b);
                    b = free.take();
                    b.size = 0;
                }
            }
        } catch (IOException e) {
            b.error = e;
        } catch (RuntimeException e) {
            b.failure = e;
        } catch (InterruptedException e) {
            return; // closed before the end
        }
        b.last = true;
        full.add(b); // never blocks: at most BATCHES batches exist, and this one is not in the queue
    }

    /**
     * Moves to the next IP packet.
     *
     * @return false at the end of the capture
     * @throws CaptureFormatException when the file is corrupt or cut short, after the packets before the damage
     */
    public boolean next() throws IOException {
        if (thread == null) {
            return reader.next();
        }
        while (current == null || at + 1 >= current.size) {
            if (current != null) {
                if (current.last) {
                    at = current.size;
                    if (current.error != null) {
                        throw current.error;
                    }
                    if (current.failure != null) {
                        throw current.failure;
                    }
                    return false;
                }
                free.add(current);
            }
            try {
                current = full.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading " + reader.file());
            }
            at = -1;
        }
        at++;
        return true;
    }

    /** The buffer holding the current packet. */
    public ByteBuffer buffer() {
        return thread == null ? reader.buffer() : current.buffers[at];
    }

    /** Index of the current packet's IP header in {@link #buffer()}. */
    public int ipOffset() {
        return thread == null ? reader.ipOffset() : current.offsets[at];
    }

    /** Captured bytes of the current packet from its IP header on. */
    public int ipLength() {
        return thread == null ? reader.ipLength() : current.lengths[at];
    }

    /** The current packet's timestamp in nanoseconds since the epoch. */
    public long timestampNanos() {
        return thread == null ? reader.timestampNanos() : current.timestamps[at];
    }

    /** Stops the reading thread and waits for it; the reader's counters are final afterwards. */
    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        stopped = true;
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("interrupted while stopping the reader"));
        }
    }
}
