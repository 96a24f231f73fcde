package org.barman.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import org.barman.core.Server;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code barman show-server SERVER|all}: every effective option of a server. */
@Command(mixinStandardHelpOptions = true, name = "show-server", description = "Show the effective configuration of a server, or of all.")
final class ShowServerCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    private BarmanCommand barman;

    @Parameters(paramLabel = "SERVER", description = "A server name, or all.")
    private String target;

    @Override
    public Integer call() {
        Map<String, Object> result = new LinkedHashMap<>();
        for (Server server : barman.barman().servers(target)) {
            Map<String, String> options = server.effectiveOptions();
            if (barman.format() == OutputFormat.json) {
                result.put(server.name(), options);
                continue;
            }
            barman.out().println("Server " + server.name() + ":");
            options.forEach((name, value) -> barman.out().println("\t" + name + " = " + value));
        }
        if (barman.format() == OutputFormat.json) {
            Json.print(barman.out(), result);
        }
        barman.out().flush();
        return 0;
    }
}
