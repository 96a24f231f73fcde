package org.barman.cli.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes the reference pages, {@code barman(1)} and {@code barman.conf(5)}, generated from the code: as roff man
 * pages into the distribution's {@code man/} at build time, and as Markdown into the repository's {@code docs/}
 * when the code changed ({@code docs/README.md} says how).
 *
 * <p>Usage: {@code ReferencePages --man DIR} writes {@code DIR/man1/barman.1} and {@code DIR/man5/barman.conf.5};
 * {@code ReferencePages --markdown DIR} writes {@code DIR/barman.1.md} and {@code DIR/barman.conf.5.md}.
 */
public final class ReferencePages {

    private ReferencePages() {
    }

    /** @return both pages */
    public static List<ManualPage> pages() {
        return List.of(CommandReference.page(), ConfigReference.page());
    }

    /**
     * @param page a page
     * @return its Markdown file name, such as {@code barman.1.md}
     */
    public static String markdownName(ManualPage page) {
        return page.name() + "." + page.section() + ".md";
    }

    /**
     * @param args {@code --man DIR} or {@code --markdown DIR}
     * @throws IOException when a page cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2 || !(args[0].equals("--man") || args[0].equals("--markdown"))) {
            System.err.println("usage: ReferencePages --man DIR | --markdown DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        for (ManualPage page : pages()) {
            if (args[0].equals("--man")) {
                write(dir.resolve("man" + page.section()).resolve(page.name() + "." + page.section()),
                        RoffWriter.render(page));
            } else {
                write(dir.resolve(markdownName(page)), MarkdownWriter.render(page));
            }
        }
    }

    /** Writes to a temporary name, then renames, so that a reader never sees half a page. */
    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
