package io.github.vstreamcdc.e2e;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

import java.io.StringWriter;

/**
 * Everything logged (at INFO and above, Flink's default, by every logger) while it is open, with
 * stack traces, for tests that search the log.
 */
public final class CapturedLogs implements AutoCloseable {

    private final StringWriter out = new StringWriter();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final WriterAppender appender;
    private final Level rootLevel;

    public CapturedLogs() {
        Configuration config = context.getConfiguration();
        appender =
                WriterAppender.createAppender(
                        PatternLayout.newBuilder()
                                .withPattern("%d{HH:mm:ss,SSS} %-5p %c %m%n%throwable")
                                .build(),
                        null,
                        out,
                        "captured-" + System.identityHashCode(this),
                        false,
                        true);
        appender.start();
        config.addAppender(appender);
        LoggerConfig root = config.getRootLogger();
        rootLevel = root.getLevel();
        root.addAppender(appender, null, null);
        root.setLevel(Level.INFO);
        context.updateLoggers();
    }

    public String text() {
        synchronized (out) {
            return out.toString();
        }
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        root.removeAppender(appender.getName());
        root.setLevel(rootLevel);
        context.updateLoggers();
        appender.stop();
    }
}
