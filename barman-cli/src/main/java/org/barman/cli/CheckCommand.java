package org.barman.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.barman.core.Server;
import org.barman.core.check.CheckReport;
import org.barman.core.check.CheckResult;
import org.barman.core.config.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code barman check [--nagios] SERVER|all}: whether each server is ready for backups and archiving. */
@Command(mixinStandardHelpOptions = true, name = "check", description = "Check that a server, or all, is ready for backup and WAL archiving; "
        + "creates the server's folders.")
final class CheckCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(CheckCommand.class);

    /** Nagios' exit code for a critical state. */
    static final int NAGIOS_CRITICAL = 2;

    @ParentCommand
    private BarmanCommand barman;

    @Option(names = "--nagios", description = "Print one line in the Nagios plug-in format.")
    private boolean nagios;

    @Parameters(paramLabel = "SERVER", description = "A server name, or all.")
    private String target;

    @Override
    public Integer call() {
        List<CheckReport> reports = new ArrayList<>();
        for (Server server : barman.barman().servers(target)) {
            CheckReport report = server.check();
            for (CheckResult result : report.results()) {
                if (result.ok()) {
                    LOG.debug("check of server {}: {}", report.server(), result.display());
                } else {
                    LOG.info("check of server {}: {}", report.server(), result.display());
                }
            }
            reports.add(report);
        }
        boolean ok = reports.stream().allMatch(CheckReport::ok);
        if (nagios) {
            printNagios(reports);
            return ok ? 0 : NAGIOS_CRITICAL;
        }
        if (barman.format() == OutputFormat.json) {
            Map<String, Object> tree = new LinkedHashMap<>();
            for (CheckReport report : reports) {
                Map<String, Object> items = new LinkedHashMap<>();
                for (CheckResult result : report.results()) {
                    items.put(result.name(), Map.of("status", result.ok() ? "OK" : "FAILED", "hint",
                            Secrets.mask(result.detail())));
                }
                tree.put(report.server(), items);
            }
            Json.print(barman.out(), tree);
        } else {
            for (CheckReport report : reports) {
                barman.out().println("Server " + report.server() + ":");
                report.results().forEach(result -> barman.out().println("\t" + Secrets.mask(result.display())));
            }
            barman.out().flush();
        }
        return ok ? 0 : 1;
    }

    private void printNagios(List<CheckReport> reports) {
        List<CheckReport> failing = reports.stream().filter(report -> !report.ok()).toList();
        if (failing.isEmpty()) {
            barman.out().println("BARMAN OK - Ready to serve the Espresso backup for " + reports.size()
                    + (reports.size() == 1 ? " server" : " servers"));
        } else {
            StringBuilder line = new StringBuilder("BARMAN CRITICAL - " + failing.size() + " server"
                    + (failing.size() == 1 ? "" : "s") + " out of " + reports.size() + " have issues");
            for (CheckReport report : failing) {
                line.append(" * ").append(report.server()).append(" FAILED: ").append(String.join(", ",
                        report.failures().stream().map(CheckResult::name).toList()));
            }
            barman.out().println(line);
            for (CheckReport report : failing) {
                report.failures().forEach(result -> barman.out().println(report.server() + "."
                        + Secrets.mask(result.display())));
            }
        }
        barman.out().flush();
    }
}
