package org.barman.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.barman.core.plugin.Plugins;

/**
 * How to run the command line again in a new process, as this one was started: the launcher script when there is
 * one ({@code bin/barman}, which passes its own path in the system property {@code barman.launcher}), else the
 * same Java with the same class path. A WAL receiver chosen with {@code -Dbarman.wal_receiver} is chosen in the
 * new process too.
 */
final class BarmanProcess {

    private BarmanProcess() {
    }

    /** @return the program and the arguments that start the command line, without its own arguments */
    static List<String> command() {
        String launcher = System.getProperty("barman.launcher");
        if (launcher != null && Files.isExecutable(Path.of(launcher))) {
            return List.of(launcher);
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        String receiver = System.getProperty(Plugins.WAL_RECEIVER_PROPERTY);
        if (receiver != null) {
            command.add("-D" + Plugins.WAL_RECEIVER_PROPERTY + "=" + receiver);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        return command;
    }
}
