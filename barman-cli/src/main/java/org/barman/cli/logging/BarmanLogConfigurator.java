package org.barman.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's start-up configuration for the command line, found through {@code META-INF/services}: warnings to
 * the terminal, nothing else, without parsing any XML (start-up time matters for {@code get-wal}).
 * {@link LoggingSetup} then adds the log file once the configuration is read.
 */
public final class BarmanLogConfigurator extends ContextAwareBase implements Configurator {

    /** The name of the terminal appender. */
    static final String CONSOLE = "console";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ConsoleMessageAppender console = new ConsoleMessageAppender();
        console.setContext(context);
        console.setName(CONSOLE);
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(console);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
