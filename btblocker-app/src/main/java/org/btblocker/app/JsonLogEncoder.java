package org.btblocker.app;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.btblocker.app.json.Json;
import org.slf4j.event.KeyValuePair;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.encoder.EncoderBase;

/**
 * {@code logFormat = json}: one JSON object per line, flat, for Loki, Elasticsearch or {@code jq}:
 * <pre>
 * {"ts":"2026-12-02T06:01:56.422Z","level":"INFO","logger":"btblocker.decision","thread":"btblocker-ban",
 *  "msg":"BLOCK tcp 10.0.0.2:40000 -> 10.0.0.3:6881 detector=handshake ...","action":"block","proto":"tcp",
 *  "src":"10.0.0.2:40000","dst":"10.0.0.3:6881","detector":"handshake","reason":"BEP 3 handshake",
 *  "ban":"10.0.0.2/18000s"}
 * </pre>
 * {@code ts}, {@code level}, {@code logger}, {@code thread} and {@code msg} come first, then the MDC entries
 * ({@code queue}), then every SLF4J key-value pair of the event, each at the top level (a key that would replace an
 * earlier one is skipped); a throwable becomes {@code exception} ("class: message").
 */
public final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {

    private static final byte[] NONE = new byte[0];

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ts", Instant.ofEpochMilli(event.getTimeStamp()).toString());
        m.put("level", event.getLevel().toString());
        m.put("logger", event.getLoggerName());
        m.put("thread", event.getThreadName());
        m.put("msg", event.getFormattedMessage());
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc != null) {
            mdc.forEach(m::putIfAbsent);
        }
        List<KeyValuePair> kvs = event.getKeyValuePairs();
        if (kvs != null) {
            for (KeyValuePair kv : kvs) {
                if (kv != null && kv.key != null) {
                    m.putIfAbsent(kv.key, value(kv.value));
                }
            }
        }
        IThrowableProxy t = event.getThrowableProxy();
        if (t != null) {
            m.putIfAbsent("exception", t.getClassName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
        }
        return Json.value(new StringBuilder(256), m).append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Object value(Object v) {
        if (v == null) {
            return Json.NULL;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Boolean || v instanceof String) {
            return v;
        }
        if (v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Double || v instanceof Float) {
            return ((Number) v).doubleValue();
        }
        return v.toString();
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }
}
