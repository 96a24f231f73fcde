package org.barman.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import org.barman.core.Server;
import org.barman.core.config.ConfigOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code barman list-server}: the configured servers and their descriptions. */
@Command(mixinStandardHelpOptions = true, name = "list-server", description = "List the configured servers.")
final class ListServerCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    private BarmanCommand barman;

    @Override
    public Integer call() {
        Map<String, Object> result = new LinkedHashMap<>();
        for (Server server : barman.barman().servers("all")) {
            String description = server.config().get(ConfigOptions.DESCRIPTION);
            if (barman.format() == OutputFormat.json) {
                result.put(server.name(), Map.of("description", description));
            } else {
                barman.out().println(server.name() + " - " + description);
            }
        }
        if (barman.format() == OutputFormat.json) {
            Json.print(barman.out(), result);
        }
        barman.out().flush();
        return 0;
    }
}
