package org.btblocker.app;

import org.slf4j.LoggerFactory;

import com.typesafe.config.Config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;

/**
 * Applies the seed's {@code logLevel} and {@code logFormat} to logback: text lines, or one flat JSON object per line
 * ({@link JsonLogEncoder}: ts, level, logger, msg, and the decision's fields action, proto, src, dst, detector,
 * reason, ban at the top level).
 */
public final class Logging {

    private Logging() {
    }

    /** Reconfigures the root logger from {@code btblocker.logLevel} and {@code btblocker.logFormat}. */
    public static void configure(Config root) {
        Config c = root.getConfig("btblocker");
        String level = Settings.logLevel(c);
        String format = Settings.logFormat(c);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger rootLogger = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        rootLogger.setLevel(Level.toLevel(level, Level.INFO));
        Encoder<ILoggingEvent> encoder;
        if (format.equals("json")) {
            JsonLogEncoder json = new JsonLogEncoder();
            json.setContext(context);
            json.start();
            encoder = json;
        } else {
            PatternLayoutEncoder pattern = new PatternLayoutEncoder();
            pattern.setContext(context);
            pattern.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n");
            pattern.start();
            encoder = pattern;
        }
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("STDERR");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        rootLogger.detachAndStopAllAppenders();
        rootLogger.addAppender(appender);
    }
}
