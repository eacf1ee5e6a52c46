package org.btblocker.crowdsec;

import java.util.List;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/** Records every log event of the process (all loggers, from TRACE) while open. */
final class LogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Level previous = root.getLevel();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogCapture() {
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.TRACE);
    }

    /** {@code LEVEL message} of each event of this module's loggers, in order. */
    List<String> lines() {
        return events().stream().filter(e -> e.getLoggerName().startsWith("org.btblocker.crowdsec"))
                .map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    /** Lines at {@code level} from this module's loggers. */
    List<String> lines(Level level) {
        return lines().stream().filter(l -> l.startsWith(level + " ")).map(l -> l.substring(level.toString()
                .length() + 1)).toList();
    }

    /** Everything logged by anyone, messages and stack traces, as one text. */
    String everything() {
        StringBuilder s = new StringBuilder();
        for (ILoggingEvent e : events()) {
            s.append(e.getLoggerName()).append(' ').append(e.getFormattedMessage()).append('\n');
            for (var t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                s.append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
            }
        }
        return s.toString();
    }

    private List<ILoggingEvent> events() {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        root.setLevel(previous);
    }
}
