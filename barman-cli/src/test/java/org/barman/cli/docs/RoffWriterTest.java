package org.barman.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The roff renderer: escapes, and both reference pages as groff and man read them. */
class RoffWriterTest {

    @TempDir
    Path work;

    @Test
    void backslashesHyphensAndLeadingDotsAreEscaped() {
        assertThat(RoffWriter.escape("a\\b")).isEqualTo("a\\eb");
        assertThat(RoffWriter.escape("--wait")).isEqualTo("\\-\\-wait");
        assertThat(RoffWriter.escape(".conf files")).isEqualTo("\\&.conf files");
        assertThat(RoffWriter.escape("'quoted'")).isEqualTo("\\&'quoted'");
        assertThat(RoffWriter.inline("run `barman cron` now")).isEqualTo("run \\fBbarman cron\\fR now");
        assertThat(RoffWriter.inline("`.pgpass` first")).isEqualTo("\\fB.pgpass\\fR first");
    }

    @Test
    void aSmallPageRendersToTheManMacros() {
        ManualPage page = new ManualPage("demo", "7", "a demo page", "Demo 1.0", List.of(
                new ManualPage.SectionBuilder("OPTIONS").paragraph("Intro.")
                        .definition("`--x` N", List.of("First.", "Second."))
                        .literal("[main]", ".dot line")
                        .subsection("sub \"quoted\"").build()));

        assertThat(RoffWriter.render(page)).isEqualTo("""
                .TH "DEMO" 7 "" "Demo 1.0" "Barman for Java manual"
                .SH NAME
                demo \\- a demo page
                .SH "OPTIONS"
                .PP
                Intro.
                .TP
                \\fB\\-\\-x\\fR N
                First.
                .IP
                Second.
                .PP
                .RS 4
                .nf
                [main]
                \\&.dot line
                .fi
                .RE
                .SS "sub \\(dqquoted\\(dq"
                """);
    }

    @Test
    void groffReadsBothReferencePagesWithoutAWarning() throws Exception {
        for (ManualPage page : ReferencePages.pages()) {
            Path file = work.resolve(page.name() + "." + page.section());
            Files.writeString(file, RoffWriter.render(page), StandardCharsets.UTF_8);

            Result check = run(List.of("groff", "-man", "-Tutf8", "-ww", "-z", file.toString()));
            assertThat(check.exitCode()).as("groff exit code: %s", check.output()).isZero();
            assertThat(check.output()).as("groff warnings for %s", file).isEmpty();

            Result shown = run(List.of("groff", "-man", "-Tascii", "-rLL=250n", "-rHY=0", "-P-c", "-P-b", "-P-u",
                    file.toString()));
            assertThat(shown.exitCode()).as(shown.output()).isZero();
            assertThat(shown.output()).contains("NAME", page.name() + " - " + page.summary());
            if (page.name().equals("barman")) {
                assertThat(shown.output()).contains("barman backup", "--target-time", "--remote-ssh-command");
            } else {
                assertThat(shown.output()).contains("barman_home", "retention_policy", "%(barman_home)s");
            }
        }
    }

    private record Result(int exitCode, String output) {
    }

    private Result run(List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(work, "groff", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().putAll(Map.of("LC_ALL", "C.UTF-8"));
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }
}
