package org.barman.cli;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.barman.api.BarmanException;
import org.barman.core.Server;
import org.barman.core.config.ConfigOptions;
import org.barman.core.streaming.ReceiveWalLauncher;

/**
 * How {@code barman cron} starts {@code barman receive-wal SERVER} in the background: the same launcher and
 * configuration file ({@code -c}), quiet, in a session of its own ({@code setsid}: a Ctrl-C at the terminal that
 * ran cron, or the end of cron's session, does not reach it), standard input from {@code /dev/null}, standard
 * output discarded (the receiver logs to {@code log_file}) and standard error appended to {@code log_file}
 * (discarded without one), so that nothing keeps cron's own output open.
 */
final class DetachedReceiveWal implements ReceiveWalLauncher {

    private static final List<Path> SETSID = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

    @Override
    public ProcessHandle launch(Server server) {
        List<String> command = new ArrayList<>();
        SETSID.stream().filter(Files::isExecutable).findFirst().ifPresent(setsid -> command.add(setsid.toString()));
        command.addAll(BarmanProcess.command());
        command.addAll(List.of("-c", server.barman().config().mainFile().toString(), "-q", "receive-wal",
                server.name()));
        Path logFile = server.barman().config().global().get(ConfigOptions.LOG_FILE);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(Redirect.from(new File("/dev/null")))
                .redirectOutput(Redirect.DISCARD)
                .redirectError(logFile == null ? Redirect.DISCARD : Redirect.appendTo(logFile.toFile()));
        try {
            return builder.start().toHandle();
        } catch (IOException e) {
            throw new BarmanException("cannot start receive-wal of server " + server.name() + " ("
                    + String.join(" ", command) + "): " + e.getMessage(), e);
        }
    }
}
