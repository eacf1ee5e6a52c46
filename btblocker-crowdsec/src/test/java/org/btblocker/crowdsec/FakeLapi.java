package org.btblocker.crowdsec;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A scripted stand-in for the Local API on 127.0.0.1 (the JDK's {@code com.sun.net.httpserver}): each
 * {@code "METHOD /path"} answers from a queue of scripted responses, then from its default; every request is
 * recorded with its headers and exact body. For what the real LAPI does, see {@link LocalApi}.
 */
final class FakeLapi implements AutoCloseable {

    /** One request as received. */
    record Request(String method, String pathAndQuery, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** A scripted answer. */
    record Answer(int status, String body) {
    }

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private final Map<String, Deque<Supplier<Answer>>> scripted = new HashMap<>();
    private final Map<String, Supplier<Answer>> defaults = new HashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);

    FakeLapi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        // several threads: a hanging answer must not hold up the others
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-lapi");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers {@code route} ("POST /v1/alerts") with this from now on, after any queued answers. */
    synchronized FakeLapi always(String route, int status, String body) {
        defaults.put(route, () -> new Answer(status, body));
        return this;
    }

    /** Answers {@code route} with a computed answer from now on. */
    synchronized FakeLapi always(String route, Supplier<Answer> answer) {
        defaults.put(route, answer);
        return this;
    }

    /** Answers the next request to {@code route} with this (queued in order). */
    synchronized FakeLapi next(String route, int status, String body) {
        scripted.computeIfAbsent(route, r -> new ArrayDeque<>()).add(() -> new Answer(status, body));
        return this;
    }

    /** The next request to {@code route} gets no answer until {@link #close()} (a hanging LAPI). */
    synchronized FakeLapi hangNext(String route) {
        scripted.computeIfAbsent(route, r -> new ArrayDeque<>()).add(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Answer(503, "");
        });
        return this;
    }

    /** Every request so far. */
    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The requests to {@code route} ("POST /v1/alerts", query ignored). */
    synchronized List<Request> requests(String route) {
        return requests.stream().filter(r -> route.equals(r.method() + " " + path(r.pathAndQuery()))).toList();
    }

    private void handle(HttpExchange x) throws IOException {
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> headers = new HashMap<>();
        x.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",",
                v)));
        String pathAndQuery = x.getRequestURI().getRawPath() + (x.getRequestURI().getRawQuery() == null ? ""
                : "?" + x.getRequestURI().getRawQuery());
        String route = x.getRequestMethod() + " " + x.getRequestURI().getRawPath();
        Supplier<Answer> answer;
        synchronized (this) {
            requests.add(new Request(x.getRequestMethod(), pathAndQuery, headers, body));
            Deque<Supplier<Answer>> q = scripted.get(route);
            answer = q != null && !q.isEmpty() ? q.poll() : defaults.getOrDefault(route,
                    () -> new Answer(404, "{\"message\":\"no route " + route + "\"}"));
        }
        Answer a = answer.get();
        byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        x.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(out);
        }
    }

    private static String path(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}
