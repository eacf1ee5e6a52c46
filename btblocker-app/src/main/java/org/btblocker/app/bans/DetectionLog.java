package org.btblocker.app.bans;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.btblocker.app.errors.ExitCodes;
import org.btblocker.app.errors.UserException;
import org.btblocker.app.json.Json;
import org.btblocker.engine.Decision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code btblocker.detectionLog}: one JSON object per line for every BLOCK decision, with the flow, the detector,
 * its reason, the ban, and the first payload bytes of each direction in hex, so that a false positive can be
 * reported (and replayed against a detector) without a packet capture:
 * <pre>
 * {"ts":"2026-12-02T06:01:56.422Z","action":"block","proto":"tcp","src":"10.0.0.2:40000","dst":"10.0.0.3:6881",
 *  "detector":"handshake","reason":"BEP 3 handshake","ban":"10.0.0.2/18000s","packets":4,"bidirectional":true,
 *  "srcOpening":"13426974546f7272656e742070726f746f636f6c...","dstOpening":""}
 * </pre>
 * Written on its own thread from a bounded queue: the ban worker only offers a line, and a full queue drops it
 * and counts it. The file is appended to and flushed after each batch; when it is moved or deleted (logrotate), the
 * next line creates it again.
 */
public final class DetectionLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DetectionLog.class);
    private static final int CAPACITY = 1024;
    private static final String STOP = "";

    private final Path file;
    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Thread thread;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private OutputStream out;
    private Object openedKey;
    private String lastError;

    private DetectionLog(Path file) {
        this.file = file;
        this.thread = new Thread(this::run, "btblocker-detection-log");
        this.thread.setDaemon(true);
    }

    /**
     * Opens (creating it and its directory when missing) the file {@code btblocker.detectionLog} names and starts
     * the writer, or returns null when the key is empty (off).
     *
     * @throws UserException exit 1 naming the key and the file when it cannot be written
     */
    public static DetectionLog open(String path) {
        if (path == null || path.isBlank()) {
            return null;
        }
        DetectionLog dl = new DetectionLog(Path.of(path));
        try {
            dl.reopen();
        } catch (IOException e) {
            throw new UserException(ExitCodes.RUNTIME, "btblocker.detectionLog " + path + ": cannot write it ("
                    + e.getMessage() + "); create its directory writable for btblocker, or set btblocker.detectionLog "
                    + "= \"\"", e);
        }
        dl.thread.start();
        return dl;
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** Lines written. */
    public long written() {
        return written.get();
    }

    /** Lines dropped because the writer fell behind. */
    public long dropped() {
        return dropped.get();
    }

    /** The line for {@code d}: what {@link #offer} writes. */
    static String line(Decision d, String action, String ban, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ts", now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
        m.put("action", action);
        m.put("proto", d.protocolName());
        m.put("src", d.initiator());
        m.put("dst", d.responder());
        m.put("detector", d.detector());
        m.put("reason", d.reason());
        m.put("ban", ban);
        m.put("packets", (long) d.packets());
        m.put("bidirectional", d.bidirectional());
        m.put("offender", d.offender() == org.btblocker.api.Direction.INITIATOR ? "src" : "dst");
        m.put("srcOpening", d.initiatorOpening() == null ? null : HexFormat.of().formatHex(d.initiatorOpening()));
        m.put("dstOpening", d.responderOpening() == null ? null : HexFormat.of().formatHex(d.responderOpening()));
        return Json.value(new StringBuilder(256), m).toString();
    }

    /** Queues the line of one BLOCK decision; never blocks (the ban worker calls it). */
    void offer(Decision d, String action, String ban, Instant now) {
        if (!queue.offer(line(d, action, ban, now))) {
            dropped.incrementAndGet();
        }
    }

    private void run() {
        List<String> batch = new ArrayList<>();
        try {
            while (true) {
                String first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 255);
                boolean stop = batch.remove(STOP);
                write(batch);
                batch.clear();
                if (stop) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeStream();
        }
    }

    private void write(List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l).append('\n');
        }
        try {
            if (!Files.exists(file) || !fileKey().equals(openedKey)) {
                reopen();                  // rotated away: start a new file
            }
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            written.addAndGet(lines.size());
            lastError = null;
        } catch (IOException e) {
            dropped.addAndGet(lines.size());
            if (!String.valueOf(e.getMessage()).equals(lastError)) {
                log.error("btblocker.detectionLog {}: {}; detection lines are dropped until it works again", file,
                        e.getMessage());
            }
            lastError = String.valueOf(e.getMessage());
        }
    }

    private Object fileKey() throws IOException {
        Object key = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        return key == null ? file : key;
    }

    private void reopen() throws IOException {
        closeStream();
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rwx------")));
        }
        if (!Files.exists(file)) {
            // the flows' first bytes can be personal data: root only
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        out = Files.newOutputStream(file, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        openedKey = fileKey();
    }

    private void closeStream() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // closing anyway
            }
            out = null;
        }
    }

    /** Writes what is queued (within 2 s) and closes the file. */
    @Override
    public void close() {
        try {
            queue.offer(STOP, 2, TimeUnit.SECONDS);
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
    }
}
