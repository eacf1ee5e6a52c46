package org.btblocker.app.control;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.btblocker.app.errors.ExitCodes;
import org.btblocker.app.errors.UserException;
import org.btblocker.app.json.Json;

/**
 * The command-line side of the control socket: one request, the response lines.
 */
public final class ControlClient {

    /** Longest response line read, in characters. */
    static final int MAX_LINE = Json.MAX_LENGTH;

    private final Path path;

    private ControlClient(Path path) {
        this.path = path;
    }

    /** A client of the daemon whose runtime directory is {@code runtimeDirectory}. */
    public static ControlClient of(Path runtimeDirectory) {
        return new ControlClient(runtimeDirectory.resolve(ControlServer.SOCKET));
    }

    /** The socket's path. */
    public Path path() {
        return path;
    }

    /** True when a daemon listens on the socket (connecting succeeds). */
    public boolean isRunning() {
        return Files.exists(path) && answers(path);
    }

    static boolean answers(Path path) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return ch.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Sends {@code request} and returns the response objects; the last one says {@code ok}.
     *
     * @throws UserException exit 1, naming the socket, when no daemon answers or the answer is not readable;
     *         with the daemon's own message when it refused the request
     */
    public List<Map<String, Object>> call(Map<String, Object> request) {
        List<Map<String, Object>> out = new ArrayList<>();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            ByteBuffer req = ByteBuffer.wrap((Json.value(new StringBuilder(), request) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            while (req.hasRemaining()) {
                ch.write(req);
            }
            ch.shutdownOutput();
            var in = new java.io.BufferedReader(Channels.newReader(ch, StandardCharsets.UTF_8), 65536);
            String line;
            while ((line = readBounded(in)) != null) {
                Map<String, Object> m = Json.parseObject(line);
                if (m == null) {
                    throw new UserException(ExitCodes.RUNTIME, "the daemon's answer on " + path + " is not JSON: "
                            + (line.length() > 80 ? line.substring(0, 80) + "..." : line));
                }
                out.add(m);
            }
        } catch (IOException e) {
            throw new UserException(ExitCodes.RUNTIME, "no btblocker daemon answers on " + path + " ("
                    + e.getMessage() + "); is `btblocker run` running with this btblocker.runtimeDirectory?", e);
        }
        if (out.isEmpty()) {
            throw new UserException(ExitCodes.RUNTIME, "the daemon closed " + path + " without an answer (too many "
                    + "clients at once?); try again");
        }
        Map<String, Object> last = out.get(out.size() - 1);
        if (!Boolean.TRUE.equals(last.get("ok"))) {
            throw new UserException(ExitCodes.RUNTIME, String.valueOf(last.get("error")));
        }
        return out;
    }

    private static String readBounded(java.io.BufferedReader in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                return sb.toString();
            }
            if (sb.length() >= MAX_LINE) {
                throw new IOException("an answer line longer than " + MAX_LINE + " characters");
            }
            sb.append((char) c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }
}
