package org.btblocker.app.errors;

import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.btblocker.app.capture.CaptureFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * The one place where exceptions become what the operator sees: one line {@code btblocker: <message>} on stderr
 * and an exit code ({@link ExitCodes}). The stack trace is printed only when debug logging is on.
 */
public final class ErrorHandler implements IExecutionExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ErrorHandler.class);

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        err.println("btblocker: " + message(e));
        if (log.isDebugEnabled()) {
            e.printStackTrace(err);
        }
        err.flush();
        return exitCode(e);
    }

    /** The exit code for {@code e}. */
    public static int exitCode(Throwable e) {
        if (e instanceof UserException) {
            return ((UserException) e).exitCode();
        }
        if (e instanceof ConfigException) {
            return ExitCodes.CONFIG;
        }
        return ExitCodes.RUNTIME;
    }

    /** The one-line message for {@code e}. */
    public static String message(Throwable e) {
        if (e instanceof UncheckedIOException && e.getCause() != null) {
            e = e.getCause();
        }
        String text;
        if (e instanceof UserException || e instanceof ConfigException || e instanceof CaptureFormatException) {
            text = e.getMessage();
        } else if (e instanceof NoSuchFileException) {
            text = ((NoSuchFileException) e).getFile() + ": no such file or directory";
        } else if (e instanceof AccessDeniedException) {
            text = ((AccessDeniedException) e).getFile() + ": permission denied";
        } else if (e instanceof IOException) {
            text = e.getMessage() == null ? e.toString() : e.getMessage();
        } else {
            text = "internal error: " + e + " (run with -Dbtblocker.logLevel=debug for the stack trace)";
        }
        return oneLine(text);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace("\r", "").replace('\n', ' ').strip();
    }
}
