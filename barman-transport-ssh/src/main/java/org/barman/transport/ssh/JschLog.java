package org.barman.transport.ssh;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends JSch's messages to SLF4J at debug level (its "info" narrates every connection step, and its warnings are
 * about what this transport decides and reports itself), so that {@code barman -d} shows them.
 */
final class JschLog implements com.jcraft.jsch.Logger {

    static final JschLog INSTANCE = new JschLog();

    private static final Logger LOG = LoggerFactory.getLogger("org.barman.transport.ssh.jsch");

    private JschLog() {
    }

    @Override
    public boolean isEnabled(int level) {
        return LOG.isDebugEnabled();
    }

    @Override
    public void log(int level, String message) {
        LOG.debug(message);
    }

    @Override
    public void log(int level, String message, Throwable cause) {
        LOG.debug(message, cause);
    }
}
