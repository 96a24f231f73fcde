package org.barman.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import org.barman.core.config.Secrets;

/**
 * The line format of Barman's log file: {@code 2024-01-01 10:00:00,123 [pid] logger LEVEL: message}, with
 * Python's level names (WARNING, CRITICAL), so that log readers written for Barman keep working. Passwords in
 * messages and stack traces are masked ({@link Secrets}).
 */
public final class BarmanLogLayout extends LayoutBase<ILoggingEvent> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS")
            .withZone(ZoneId.systemDefault());
    private static final long PID = ProcessHandle.current().pid();

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128);
        line.append(TIME.format(Instant.ofEpochMilli(event.getTimeStamp()))).append(" [").append(PID).append("] ")
                .append(event.getLoggerName()).append(' ').append(levelName(event.getLevel())).append(": ")
                .append(Secrets.mask(event.getFormattedMessage())).append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(stackTrace(thrown));
        }
        return line.toString();
    }

    static String levelName(Level level) {
        return switch (level.toInt()) {
            case Level.WARN_INT -> "WARNING";
            default -> level.toString();
        };
    }

    static String stackTrace(IThrowableProxy thrown) {
        return Secrets.mask(ThrowableProxyUtil.asString(thrown)) + CoreConstants.LINE_SEPARATOR;
    }
}
