package org.barman.cli.docs;

/**
 * Renders a {@link ManualPage} as GitHub-flavoured Markdown: the copy of each reference page kept in the
 * repository's {@code docs/}, readable on the web and checked against the code by the tests.
 */
public final class MarkdownWriter {

    private MarkdownWriter() {
    }

    /**
     * @param page a manual page
     * @return the page as Markdown, ending with a newline
     */
    public static String render(ManualPage page) {
        StringBuilder out = new StringBuilder();
        out.append("# ").append(page.name()).append('(').append(page.section()).append(")\n\n");
        out.append("<!-- Generated from the code by org.barman.cli.docs.ReferencePages: do not edit; see ")
                .append("docs/README.md. -->\n\n");
        out.append("## NAME\n\n").append(page.name()).append(" - ").append(text(page.summary())).append("\n");
        for (ManualPage.Section section : page.sections()) {
            out.append("\n## ").append(section.heading()).append('\n');
            for (ManualPage.Block block : section.blocks()) {
                out.append('\n');
                render(block, out);
            }
        }
        return out.toString();
    }

    private static void render(ManualPage.Block block, StringBuilder out) {
        if (block instanceof ManualPage.Paragraph paragraph) {
            out.append(text(paragraph.text())).append('\n');
        } else if (block instanceof ManualPage.Definition definition) {
            out.append("- ").append(text(definition.term())).append("\n");
            for (String paragraph : definition.paragraphs()) {
                out.append("\n  ").append(text(paragraph)).append('\n');
            }
        } else if (block instanceof ManualPage.Literal literal) {
            out.append("```\n");
            for (String line : literal.lines()) {
                out.append(line).append('\n');
            }
            out.append("```\n");
        } else if (block instanceof ManualPage.Subsection subsection) {
            out.append("### ").append(subsection.heading()).append('\n');
        }
    }

    /** Running text outside code spans: characters Markdown would read as markup are escaped. */
    static String text(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        boolean code = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '`') {
                code = !code;
                out.append(c);
            } else if (!code && (c == '*' || c == '<' || c == '>' || c == '[' || c == ']' || c == '\\')) {
                out.append('\\').append(c);
            } else if (c == '\n') {
                out.append(' ');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
