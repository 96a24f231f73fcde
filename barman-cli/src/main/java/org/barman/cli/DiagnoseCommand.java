package org.barman.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code barman diagnose}: configuration and system facts as JSON, for bug reports. */
@Command(mixinStandardHelpOptions = true, name = "diagnose", description = "Print the configuration and system facts as JSON, for bug reports.")
final class DiagnoseCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    private BarmanCommand barman;

    @Override
    public Integer call() {
        Json.print(barman.out(), barman.barman().diagnose().tree());
        return 0;
    }
}
