package org.barman.cli.docs;

import java.util.ArrayList;
import java.util.List;

import org.barman.core.BarmanVersion;
import org.barman.core.config.ConfigOption;
import org.barman.core.config.ConfigOptions;
import org.barman.core.config.OptionScope;

/**
 * {@code barman.conf(5)}, built from {@link ConfigOptions#all()}: every option with its scope, the values it
 * takes, its default and its meaning, so that the reference cannot miss an option the code reads.
 */
public final class ConfigReference {

    private ConfigReference() {
    }

    /** @return the {@code barman.conf(5)} page */
    public static ManualPage page() {
        List<ManualPage.Section> sections = new ArrayList<>();
        sections.add(new ManualPage.SectionBuilder("SYNOPSIS")
                .literal("~/.barman.conf", "/etc/barman.conf", "/etc/barman/barman.conf").build());
        sections.add(new ManualPage.SectionBuilder("DESCRIPTION")
                .paragraph("The configuration of `barman`(1). The file named with `barman -c FILE` is read, else the "
                        + "first of `~/.barman.conf`, `/etc/barman.conf` and `/etc/barman/barman.conf` that exists.")
                .paragraph("It is an INI file. The `[barman]` section holds the global options; every other section "
                        + "is a PostgreSQL server, named by the section (letters, digits, `_`, `-` and `.`; `all` "
                        + "and `barman` are reserved). A server inherits every global option it does not set itself. "
                        + "Lines starting with `#` or `;` are comments.")
                .paragraph("A value may refer to another option of its section, or of `[barman]`, as "
                        + "`%(option)s`; `%(name)s` is the server's name. `%%` is a literal `%`.")
                .paragraph("With `configuration_files_directory`, every `*.conf` file of that folder is read after "
                        + "the main file, in name order; those files hold server sections only.")
                .paragraph("Booleans are `true`, `t`, `yes`, `y`, `on`, `1` or `false`, `f`, `no`, `n`, `off`, `0`, "
                        + "in any case. An invalid value stops every command with a message naming the file, the "
                        + "section, the option and what was expected. An unknown option is a warning, not an "
                        + "error: plug-ins read options of their own.")
                .build());
        sections.add(options("GLOBAL OPTIONS", "Only in `[barman]`.", OptionScope.GLOBAL));
        sections.add(options("SERVER OPTIONS", "Only in a server section.", OptionScope.SERVER));
        sections.add(options("GLOBAL AND SERVER OPTIONS", "In `[barman]` for every server, or in a server section "
                + "for that server only.", OptionScope.GLOBAL_AND_SERVER));
        sections.add(new ManualPage.SectionBuilder("EXAMPLE")
                .literal("[barman]",
                        "barman_home = /var/lib/barman",
                        "barman_user = barman",
                        "log_file = /var/log/barman/barman.log",
                        "compression = gzip",
                        "reuse_backup = link",
                        "minimum_redundancy = 1",
                        "configuration_files_directory = /etc/barman.d",
                        "",
                        "[main]",
                        "description = \"Main PostgreSQL Database\"",
                        "ssh_command = ssh postgres@pg",
                        "conninfo = host=pg user=postgres",
                        "retention_policy = RECOVERY WINDOW OF 4 WEEKS")
                .paragraph("`barman show-server main` prints every option of a server as Barman understood it, "
                        + "defaults and references resolved.")
                .build());
        sections.add(new ManualPage.SectionBuilder("SEE ALSO")
                .paragraph("`barman`(1); the user guide, `docs/user-guide.md`.")
                .build());
        return new ManualPage("barman.conf", "5", "Barman for Java configuration file", "Barman for Java "
                + BarmanVersion.get(), sections);
    }

    private static ManualPage.Section options(String heading, String where, OptionScope scope) {
        ManualPage.SectionBuilder section = new ManualPage.SectionBuilder(heading).paragraph(where);
        for (ConfigOption<?> option : ConfigOptions.all()) {
            if (option.scope() == scope) {
                section.definition("`" + option.name() + "`", List.of(option.description(),
                        "Scope: " + option.scope().display() + ". Value: " + option.expected() + ". Default: "
                                + (option.defaultValue() == null ? "unset" : "`" + option.defaultValue() + "`")
                                + "."));
            }
        }
        return section.build();
    }
}
