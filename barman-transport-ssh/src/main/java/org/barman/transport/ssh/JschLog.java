package org.barman.transport.ssh;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends JSch's messages to SLF4J at trace level (its "info" narrates every step of a connection, and its warnings
 * and errors are about what this transport decides and reports itself), under the logger
 * {@code org.barman.transport.ssh.jsch}, for when a connection problem needs a closer look.
 */
final class JschLog implements com.jcraft.jsch.Logger {

    static final JschLog INSTANCE = new JschLog();

    private static final Logger LOG = LoggerFactory.getLogger("org.barman.transport.ssh.jsch");

    private JschLog() {
    }

    @Override
    public boolean isEnabled(int level) {
        return LOG.isTraceEnabled();
    }

    @Override
    public void log(int level, String message) {
        LOG.trace(message);
    }

    @Override
    public void log(int level, String message, Throwable cause) {
        LOG.trace(message, cause);
    }
}
