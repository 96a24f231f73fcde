package org.barman.cli.logging;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import org.barman.api.support.OwnerOnly;
import org.barman.api.support.ShellWords;
import org.barman.core.config.Secrets;
import org.slf4j.LoggerFactory;

/**
 * Points logging where the configuration and the command line say: {@code log_file} at {@code log_level}, and
 * the terminal at WARNING ({@code -d}: DEBUG with stack traces; {@code -q}: nothing). A log file (and its folders)
 * that Barman creates is its owner's only ({@code rw-------}), whatever the umask.
 */
public final class LoggingSetup {

    private static final String FILE = "file";

    private LoggingSetup() {
    }

    /**
     * Sets the terminal part, before the configuration is read.
     *
     * @param debug {@code -d}
     * @param quiet {@code -q}
     */
    public static void terminal(boolean debug, boolean quiet) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        var appender = root.getAppender(BarmanLogConfigurator.CONSOLE);
        if (appender instanceof ConsoleMessageAppender console) {
            console.setStackTraces(debug);
            if (quiet) {
                root.detachAppender(console);
            } else if (debug) {
                console.clearAllFilters();
            } else {
                console.addFilter(atLeast(Level.WARN));
            }
        }
        root.setLevel(debug ? Level.DEBUG : Level.WARN);
    }

    /**
     * Adds the log file.
     *
     * @param logFile {@code log_file}, or null for none
     * @param level {@code log_level}, in Barman's spelling
     * @param debug {@code -d}, which logs everything
     */
    public static void file(Path logFile, String level, boolean debug) {
        if (logFile == null || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Level fileLevel = debug ? Level.DEBUG : toLevel(level);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        try {
            OwnerOnly.createFolders(logFile.getParent());
            Files.createFile(logFile, OwnerOnly.file());
        } catch (FileAlreadyExistsException e) {
            // appended to, with the mode it has
        } catch (IOException e) {
            root.warn("cannot create log_file {}: {}; logging to the terminal only", logFile, e.toString());
            return;
        }
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        BarmanLogLayout layout = new BarmanLogLayout();
        layout.setContext(context);
        layout.start();
        encoder.setLayout(layout);
        encoder.setContext(context);
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName(FILE);
        appender.setFile(logFile.toString());
        appender.setAppend(true);
        appender.setPrudent(false);
        appender.setEncoder(encoder);
        appender.addFilter(atLeast(fileLevel));
        appender.start();
        if (!appender.isStarted() || !Files.isWritable(logFile)) {
            root.warn("cannot write log_file {}; logging to the terminal only", logFile);
            return;
        }
        var previous = root.getAppender(FILE);
        if (previous != null) {
            root.detachAppender(previous);
            previous.stop();
        }
        root.addAppender(appender);
        Level lowest = root.getLevel() == null || fileLevel.isGreaterOrEqual(root.getLevel()) ? root.getLevel()
                : fileLevel;
        root.setLevel(lowest);
    }

    /**
     * Logs, at DEBUG, the command that runs (passwords masked), the OS user and the configuration files read, so
     * that a DBA who turns DEBUG on finds every command in the log.
     *
     * @param args the command line, without the program name
     * @param configurationFiles the configuration files read
     */
    public static void command(List<String> args, List<Path> configurationFiles) {
        org.slf4j.Logger log = LoggerFactory.getLogger("barman.command");
        if (log.isDebugEnabled()) {
            log.debug("barman {} (OS user {}, pid {})",
                    ShellWords.join(args.stream().map(Secrets::mask).toList()), System.getProperty("user.name"),
                    ProcessHandle.current().pid());
            log.debug("configuration files read: {}",
                    String.join(", ", configurationFiles.stream().map(Path::toString).toList()));
        }
    }

    /**
     * Writes an error that the terminal shows already (the one that ends a command) to {@code log_file} only, so
     * that the log tells why a command failed, a receiver started by cron included, without a second line on the
     * terminal. Nothing happens without a log file.
     *
     * @param message the error, as printed
     * @param cause its exception, whose stack trace the log shows; null for none
     */
    public static void errorToFile(String message, Throwable cause) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        var file = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(FILE);
        if (file != null) {
            file.doAppend(new LoggingEvent(LoggingSetup.class.getName(), context.getLogger("barman.error"),
                    Level.ERROR, message, cause, null));
        }
    }

    private static Level toLevel(String level) {
        if (level == null) {
            return Level.INFO;
        }
        return switch (level) {
            case "DEBUG" -> Level.DEBUG;
            case "WARNING" -> Level.WARN;
            case "ERROR", "CRITICAL" -> Level.ERROR;
            default -> Level.INFO;
        };
    }

    private static Filter<ILoggingEvent> atLeast(Level level) {
        return new Filter<>() {
            @Override
            public FilterReply decide(ILoggingEvent event) {
                return event.getLevel().isGreaterOrEqual(level) ? FilterReply.NEUTRAL : FilterReply.DENY;
            }
        };
    }
}
