package org.btblocker.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.btblocker.app.json.Json;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

class JsonLogEncoderTest {

    @Test
    void aDecisionLineIsOneFlatObjectWithEveryFieldAtTheTop() {
        LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.setContext(context);
        events.start();
        Logger logger = context.getLogger("btblocker.decision.test");
        logger.setLevel(Level.INFO);
        logger.addAppender(events);
        logger.setAdditive(false);
        MDC.put("queue", "3");
        try {
            logger.atInfo().addKeyValue("action", "block").addKeyValue("proto", "udp")
                    .addKeyValue("src", "10.0.0.2:6881").addKeyValue("dst", "10.0.0.3:51413")
                    .addKeyValue("detector", "dht").addKeyValue("reason", "KRPC \"get_peers\" query")
                    .addKeyValue("ban", "10.0.0.2/18000s").addKeyValue("packets", 2)
                    .addKeyValue("msg", "not the message")
                    .log("BLOCK {} {} -> {} detector={}", "udp", "10.0.0.2:6881", "10.0.0.3:51413", "dht");
        } finally {
            // an appender encodes on the logging thread, while the MDC still holds the entry
            events.list.get(0).prepareForDeferredProcessing();
            MDC.remove("queue");
        }
        JsonLogEncoder encoder = new JsonLogEncoder();
        encoder.setContext(context);
        encoder.start();
        String line = new String(encoder.encode(events.list.get(0)), StandardCharsets.UTF_8);
        assertThat(line).endsWith("}\n").doesNotContain("kvpList");
        assertThat(line.strip()).doesNotContain("\n");
        Map<String, Object> m = Json.parseObject(line.strip());
        assertThat(m).isNotNull();
        assertThat(m.keySet()).startsWith("ts", "level", "logger", "thread", "msg");
        assertThat((String) m.get("ts")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
        assertThat(m).containsEntry("level", "INFO").containsEntry("logger", "btblocker.decision.test")
                .containsEntry("msg", "BLOCK udp 10.0.0.2:6881 -> 10.0.0.3:51413 detector=dht")
                .containsEntry("queue", "3").containsEntry("action", "block").containsEntry("proto", "udp")
                .containsEntry("src", "10.0.0.2:6881").containsEntry("dst", "10.0.0.3:51413")
                .containsEntry("detector", "dht").containsEntry("reason", "KRPC \"get_peers\" query")
                .containsEntry("ban", "10.0.0.2/18000s").containsEntry("packets", 2L);
    }

    @Test
    void anExceptionIsOneField() {
        LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.setContext(context);
        events.start();
        Logger logger = context.getLogger("btblocker.encoder.test");
        logger.addAppender(events);
        logger.setAdditive(false);
        logger.error("failed: {}", "why", new IllegalStateException("broken\nin two lines"));
        JsonLogEncoder encoder = new JsonLogEncoder();
        String line = new String(encoder.encode(events.list.get(0)), StandardCharsets.UTF_8);
        assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
        assertThat(Json.parseObject(line.strip())).containsEntry("level", "ERROR").containsEntry("msg", "failed: why")
                .containsEntry("exception", "java.lang.IllegalStateException: broken\nin two lines");
    }
}
