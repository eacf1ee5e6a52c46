package org.btblocker.app.control;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.btblocker.app.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's control socket, {@code runtimeDirectory/control.sock}: an AF_UNIX stream socket, mode 0600 (root
 * only), for {@code btblocker status} and {@code btblocker bans ...}. A client sends one JSON request line and reads
 * JSON response lines until the connection closes.
 *
 * <p>Bounded everywhere, so a client cannot hurt the daemon: a request line is at most {@link #MAX_REQUEST} bytes
 * and must arrive within {@link #TIMEOUT_MILLIS}, responses are written within the same time, two threads serve
 * connections and at most eight wait; more are closed at once. Nothing here runs on a queue thread: requests read
 * the published stats snapshot or go to the ban worker's queue.
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    /** The socket's name in the runtime directory. */
    public static final String SOCKET = "control.sock";
    /** Longest request line, in bytes. */
    static final int MAX_REQUEST = Json.MAX_LENGTH;
    /** Time allowed to read a request and to write its response. */
    static final long TIMEOUT_MILLIS = 10_000;

    /** Answers one request; runs on a control thread. */
    @FunctionalInterface
    public interface Handler {
        /**
         * @param request the parsed request object
         * @return the response lines, each one JSON object
         */
        List<String> handle(java.util.Map<String, Object> request);
    }

    private final Path path;
    private final ServerSocketChannel channel;
    private final Handler handler;
    private final Thread acceptor;
    private final ThreadPoolExecutor workers;
    private volatile boolean closed;

    private ControlServer(Path path, ServerSocketChannel channel, Handler handler) {
        this.path = path;
        this.channel = channel;
        this.handler = handler;
        this.workers = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(8), r -> {
            Thread t = new Thread(r, "btblocker-control");
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::accept, "btblocker-control-accept");
        this.acceptor.setDaemon(true);
    }

    /**
     * Listens on {@code runtimeDirectory/control.sock}. A socket file left by a daemon that died is replaced; one
     * that another live daemon answers on (another network namespace sharing the directory) is left alone.
     *
     * @return the server, or null when another daemon serves that path (logged once)
     * @throws IOException when the socket cannot be made
     */
    public static ControlServer start(Path runtimeDirectory, Handler handler) throws IOException {
        Path path = runtimeDirectory.resolve(SOCKET);
        if (Files.exists(path) && ControlClient.answers(path)) {
            log.warn("control socket {} is served by another btblocker (another network namespace?); this one has "
                    + "no control socket: give it its own btblocker.runtimeDirectory", path);
            return null;
        }
        Files.createDirectories(runtimeDirectory);
        // bound under a temporary name, made 0600, then renamed: no moment where others may connect
        Path tmp = runtimeDirectory.resolve(SOCKET + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(tmp);
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(tmp), 16);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(tmp);
            throw e;
        }
        ControlServer server = new ControlServer(path, ch, handler);
        server.acceptor.start();
        log.info("control socket {}", path);
        return server;
    }

    /** The socket's path. */
    public Path path() {
        return path;
    }

    private void accept() {
        while (!closed) {
            SocketChannel client;
            try {
                client = channel.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    log.warn("control socket {}: accept failed: {}", path, e.getMessage());
                }
                continue;
            }
            try {
                workers.execute(() -> serve(client));
            } catch (RejectedExecutionException e) {
                close(client);                // too many at once: the client sees the connection close
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client; Selector selector = Selector.open()) {
            client.configureBlocking(false);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
            String line = readLine(client, selector, deadline);
            List<String> response;
            if (line == null) {
                response = List.of(error("send one JSON request line of at most " + MAX_REQUEST + " bytes"));
            } else {
                java.util.Map<String, Object> request = Json.parseObject(line);
                response = request == null ? List.of(error("the request is not a JSON object"))
                        : answer(request);
            }
            deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
            for (String r : response) {
                if (!write(client, selector, ByteBuffer.wrap((r + "\n").getBytes(StandardCharsets.UTF_8)),
                        deadline)) {
                    return;
                }
            }
        } catch (IOException e) {
            log.debug("control connection: {}", e.getMessage());
        }
    }

    private List<String> answer(java.util.Map<String, Object> request) {
        try {
            return handler.handle(request);
        } catch (RuntimeException e) {
            log.warn("control request {} failed: {}", request.get("cmd"), e.toString());
            return List.of(error(e.getMessage() == null ? e.toString() : e.getMessage()));
        }
    }

    /** One error response line. */
    static String error(String message) {
        return Json.object("ok", false, "error", message);
    }

    /** The first line (without its newline), or null when it is too long, not UTF-8 or late. */
    private static String readLine(SocketChannel client, Selector selector, long deadline) throws IOException {
        client.register(selector, SelectionKey.OP_READ);
        ByteBuffer buf = ByteBuffer.allocate(4096);
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return null;
            }
            selector.select(left);
            selector.selectedKeys().clear();
            buf.clear();
            int n = client.read(buf);
            if (n < 0) {
                return line.size() == 0 ? null : decode(line.toByteArray());
            }
            for (int i = 0; i < n; i++) {
                byte b = buf.get(i);
                if (b == '\n') {
                    return decode(line.toByteArray());
                }
                if (line.size() >= MAX_REQUEST) {
                    return null;
                }
                line.write(b);
            }
        }
    }

    private static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    private static boolean write(SocketChannel client, Selector selector, ByteBuffer data, long deadline)
            throws IOException {
        SelectionKey key = client.keyFor(selector);
        key.interestOps(SelectionKey.OP_WRITE);
        while (data.hasRemaining()) {
            if (client.write(data) > 0) {
                continue;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;                // a client that stopped reading: drop it
            }
            selector.select(left);
            selector.selectedKeys().clear();
        }
        return true;
    }

    private static void close(SocketChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** Stops listening and removes the socket file. */
    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
        workers.shutdownNow();
        try {
            acceptor.join(2000);
            Files.deleteIfExists(path);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.warn("control socket {}: cannot remove it: {}", path, e.getMessage());
        }
    }
}
