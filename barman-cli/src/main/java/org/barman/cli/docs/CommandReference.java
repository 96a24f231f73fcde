package org.barman.cli.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.barman.cli.BarmanCommand;
import org.barman.core.BarmanVersion;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code barman(1)}, built from the picocli model of the command line: every command with its synopsis, arguments
 * and options, as the parser knows them, so that the reference cannot miss a command or an option.
 */
public final class CommandReference {

    /** Wide enough that picocli never wraps a synopsis: the renderers wrap. */
    private static final int NO_WRAP = 10_000;

    private CommandReference() {
    }

    /** @return the picocli model of {@code barman}, as the documentation reads it */
    public static CommandSpec model() {
        CommandLine commandLine = new CommandLine(new BarmanCommand());
        commandLine.setUsageHelpAutoWidth(false);
        commandLine.setUsageHelpWidth(NO_WRAP);
        return commandLine.getCommandSpec();
    }

    /** @return the {@code barman(1)} page */
    public static ManualPage page() {
        CommandSpec barman = model();
        List<ManualPage.Section> sections = new ArrayList<>();
        sections.add(new ManualPage.SectionBuilder("SYNOPSIS")
                .literal(synopsis(barman).replace("[COMMAND]", "COMMAND [ARGUMENTS]"))
                .build());
        sections.add(new ManualPage.SectionBuilder("DESCRIPTION")
                .paragraph(String.join(" ", barman.usageMessage().description()) + " `barman` takes physical base "
                        + "backups of PostgreSQL servers, archives their WAL continuously, keeps a catalogue of "
                        + "backups, enforces retention policies, and recovers a server to any point in time, on the "
                        + "backup host or on another one.")
                .paragraph("It reads its configuration from `barman.conf`(5) and runs as its `barman_user`: "
                        + "started by root, a command runs itself again as that user (through `runuser`, with the "
                        + "same arguments, environment, standard input and output, and exit code); any other user "
                        + "is refused. Where a command takes SERVER, `all` means every configured server, when the command "
                        + "says so. A BACKUP_ID is a backup's id (its start time, such as `20260126T101500`) or one "
                        + "of `latest`/`last` (the newest) and `oldest`/`first`.")
                .build());
        ManualPage.SectionBuilder global = new ManualPage.SectionBuilder("GLOBAL OPTIONS")
                .paragraph("Given before the command.");
        for (OptionSpec option : barman.options()) {
            global.definition(term(option), descriptions(option));
        }
        sections.add(global.build());

        ManualPage.SectionBuilder commands = new ManualPage.SectionBuilder("COMMANDS");
        for (CommandLine sub : barman.subcommands().values()) {
            CommandSpec command = sub.getCommandSpec();
            commands.subsection(command.qualifiedName());
            commands.literal(synopsis(command));
            commands.paragraph(String.join(" ", command.usageMessage().description()));
            for (PositionalParamSpec parameter : command.positionalParameters()) {
                if (!parameter.hidden()) {
                    commands.definition(parameter.paramLabel(), descriptions(parameter));
                }
            }
            for (OptionSpec option : command.options()) {
                if (!option.hidden()) {
                    commands.definition(term(option), descriptions(option));
                }
            }
        }
        sections.add(commands.build());

        sections.add(new ManualPage.SectionBuilder("EXIT STATUS")
                .definition("0", List.of("Success."))
                .definition("1", List.of("Failure: the reason is one line on standard error, starting with "
                        + "`ERROR:`. `barman -d` adds the stack trace. `check` exits with 1 when a check fails."))
                .definition("2", List.of("The same work is already running (a backup of the server, another "
                        + "`cron`), or `check --nagios` found a problem (CRITICAL)."))
                .definition("Other", List.of("Usage errors exit with picocli's code for invalid input (2), with a "
                        + "hint to `--help`."))
                .build());
        sections.add(new ManualPage.SectionBuilder("ENVIRONMENT")
                .definition("`JAVA_HOME`", List.of("The Java runtime to use (17 or newer); else `java` on the "
                        + "`PATH`."))
                .definition("`BARMAN_JAVA_OPTS`", List.of("More options for the Java virtual machine, such as "
                        + "`-Xmx1g`."))
                .build());
        sections.add(new ManualPage.SectionBuilder("FILES")
                .definition("`~/.barman.conf`, `/etc/barman.conf`, `/etc/barman/barman.conf`",
                        List.of("The configuration, the first that exists, unless `-c` names one."))
                .definition("`lib/`, `plugins/`", List.of("Next to `bin/` in the distribution: Barman's jars, and "
                        + "the jars of third-party plug-ins (transports, compressors), put on the class path."))
                .build());
        sections.add(new ManualPage.SectionBuilder("SEE ALSO")
                .paragraph("`barman.conf`(5); the user guide, `docs/user-guide.md`.")
                .build());
        return new ManualPage("barman", "1", "backup and recovery manager for PostgreSQL",
                "Barman for Java " + BarmanVersion.get(), sections);
    }

    /** @return every command name of the model, in order */
    public static List<String> commandNames() {
        return List.copyOf(model().subcommands().keySet());
    }

    private static String synopsis(CommandSpec command) {
        CommandLine.Help help = new CommandLine.Help(command,
                CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        return help.synopsis(0).strip();
    }

    /** @return how the page names an option: its names, then its parameter label */
    static String term(OptionSpec option) {
        String names = java.util.Arrays.stream(option.names()).map(name -> "`" + name + "`")
                .collect(Collectors.joining(", "));
        return option.arity().max() > 0 ? names + " " + option.paramLabel() : names;
    }

    private static List<String> descriptions(ArgSpec arg) {
        List<String> paragraphs = new ArrayList<>();
        String text = String.join(" ", arg.description());
        text = text.replace("${DEFAULT-VALUE}", String.valueOf(arg.defaultValue()));
        if (arg.completionCandidates() != null) {
            List<String> candidates = new ArrayList<>();
            arg.completionCandidates().forEach(candidates::add);
            text = text.replace("${COMPLETION-CANDIDATES}", String.join(", ", candidates));
        }
        paragraphs.add(text);
        ArgGroupSpec group = arg.group();
        if (group != null && group.exclusive() && arg instanceof OptionSpec option) {
            List<String> others = group.options().stream().filter(other -> other != option)
                    .map(other -> "`" + other.longestName() + "`").toList();
            if (!others.isEmpty()) {
                paragraphs.add("Not together with " + String.join(", ", others) + ".");
            }
        }
        return paragraphs;
    }
}
