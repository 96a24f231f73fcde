package org.barman.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.barman.core.config.ConfigOption;
import org.barman.core.config.ConfigOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The checked-in references, {@code docs/barman.conf.5.md} and {@code docs/barman.1.md}, against the code: an
 * option or a command added to the code but not to the reference fails here, and so does a reference entry the
 * code no longer has.
 */
class ReferencePagesTest {

    private static final String REGENERATE = "regenerate it: mvn -B -q -pl barman-cli -am package -DskipTests && "
            + "java -cp 'barman-cli/target/barman/lib/*' org.barman.cli.docs.ReferencePages --markdown docs";
    private static final Pattern TERM = Pattern.compile("^- `([a-z_]+)`$", Pattern.MULTILINE);
    private static final Pattern COMMAND = Pattern.compile("^### barman ([a-z-]+)$", Pattern.MULTILINE);

    private static Path docs() {
        String property = System.getProperty("barman.docs");
        if (property == null) {
            fail("system property barman.docs must name the repository's docs/ folder (Maven's surefire sets it)");
        }
        return Path.of(property);
    }

    private static String checkedIn(String name) throws IOException {
        Path file = docs().resolve(name);
        if (!Files.isRegularFile(file)) {
            fail(file + " is missing: " + REGENERATE);
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    @Test
    void everyConfigurationOptionOfTheCodeIsInTheReferenceAndNothingElse() throws IOException {
        String reference = checkedIn("barman.conf.5.md");
        Set<String> documented = new LinkedHashSet<>();
        Matcher matcher = TERM.matcher(reference);
        while (matcher.find()) {
            documented.add(matcher.group(1));
        }
        Set<String> inCode = new LinkedHashSet<>();
        for (ConfigOption<?> option : ConfigOptions.all()) {
            inCode.add(option.name());
        }
        Set<String> missing = new LinkedHashSet<>(inCode);
        missing.removeAll(documented);
        Set<String> stale = new LinkedHashSet<>(documented);
        stale.removeAll(inCode);
        assertThat(missing).as("options of ConfigOptions missing from docs/barman.conf.5.md; " + REGENERATE)
                .isEmpty();
        assertThat(stale).as("options of docs/barman.conf.5.md that the code does not have; " + REGENERATE)
                .isEmpty();
        assertThat(inCode).hasSizeGreaterThan(40);
    }

    @Test
    void everyCommandAndOptionOfTheCodeIsInTheReferenceAndNothingElse() throws IOException {
        String reference = checkedIn("barman.1.md");
        List<String> documented = new ArrayList<>();
        Matcher matcher = COMMAND.matcher(reference);
        while (matcher.find()) {
            documented.add(matcher.group(1));
        }
        assertThat(documented).as("commands of docs/barman.1.md, against the picocli model; " + REGENERATE)
                .containsExactlyElementsOf(CommandReference.commandNames());

        CommandSpec model = CommandReference.model();
        for (CommandLine sub : model.subcommands().values()) {
            String name = sub.getCommandSpec().name();
            int start = reference.indexOf("### barman " + name + "\n");
            int end = reference.indexOf("\n### ", start + 1);
            String section = reference.substring(start, end < 0 ? reference.indexOf("\n## ", start) : end);
            for (OptionSpec option : sub.getCommandSpec().options()) {
                for (String optionName : option.names()) {
                    assertThat(section).as("option %s of barman %s in docs/barman.1.md; %s", optionName, name,
                            REGENERATE).contains("`" + optionName + "`");
                }
            }
        }
        for (OptionSpec option : model.options()) {
            assertThat(reference).as("global option %s in docs/barman.1.md; %s", option.longestName(), REGENERATE)
                    .contains("`" + option.longestName() + "`");
        }
    }

    @Test
    void theCheckedInReferencesAreExactlyWhatTheCodeGenerates() throws IOException {
        for (ManualPage page : ReferencePages.pages()) {
            String name = ReferencePages.markdownName(page);
            assertThat(checkedIn(name)).as("docs/%s is out of date; %s", name, REGENERATE)
                    .isEqualTo(MarkdownWriter.render(page));
        }
    }

    @Test
    void theGeneratorWritesBothFormats(@org.junit.jupiter.api.io.TempDir Path out) throws IOException {
        ReferencePages.main(new String[] {"--man", out.toString()});
        ReferencePages.main(new String[] {"--markdown", out.toString()});

        assertThat(out.resolve("man1/barman.1")).content().startsWith(".TH \"BARMAN\" 1");
        assertThat(out.resolve("man5/barman.conf.5")).content().startsWith(".TH \"BARMAN.CONF\" 5")
                .contains("\\fBbarman_home\\fR");
        assertThat(out.resolve("barman.1.md")).content().startsWith("# barman(1)\n");
        assertThat(out.resolve("barman.conf.5.md")).content().contains("- `retention_policy`\n");
        try (var files = Files.list(out)) {
            assertThat(files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".tmp")))
                    .as("temporary files left").isEmpty();
        }
    }
}
