package org.barman.cli.logging;

import java.io.PrintStream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import org.barman.core.config.Secrets;

/**
 * Shows log events to the person at the terminal, on standard error, as Barman does:
 * {@code WARNING: message}. Stack traces only when {@code -d} is given. Passwords are masked ({@link Secrets}).
 */
public final class ConsoleMessageAppender extends AppenderBase<ILoggingEvent> {

    private volatile PrintStream stream = System.err;
    private volatile boolean stackTraces;

    /** @param stream where messages go (standard error by default) */
    public void setStream(PrintStream stream) {
        this.stream = stream;
    }

    /** @param stackTraces whether to print the stack trace of a logged exception */
    public void setStackTraces(boolean stackTraces) {
        this.stackTraces = stackTraces;
    }

    @Override
    protected void append(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(BarmanLogLayout.levelName(event.getLevel())).append(": ")
                .append(event.getFormattedMessage());
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null && !stackTraces && event.getLevel().isGreaterOrEqual(Level.WARN)) {
            line.append(" (").append(thrown.getMessage()).append(')');
        }
        PrintStream out = stream;
        out.println(Secrets.mask(line.toString()));
        if (thrown != null && stackTraces) {
            out.print(BarmanLogLayout.stackTrace(thrown));
        }
        out.flush();
    }
}
