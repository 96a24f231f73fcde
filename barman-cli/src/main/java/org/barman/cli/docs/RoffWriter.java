package org.barman.cli.docs;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a {@link ManualPage} as roff with the {@code man} macros, what {@code man} reads. It exists because
 * picocli's man page generator writes AsciiDoc, whose rendering to roff needs asciidoctor (a Ruby tool outside
 * the project's dependencies); the page here is built from the same picocli model, and groff checks the result in
 * the tests ({@code groff -man -ww -z}).
 *
 * <p>Escapes what roff would otherwise read as requests or escapes: backslashes, hyphens (so that options copy
 * and paste as ASCII), and a dot or quote at the start of a line.
 */
public final class RoffWriter {

    private static final Pattern CODE_SPAN = Pattern.compile("`([^`]+)`");

    private RoffWriter() {
    }

    /**
     * @param page a manual page
     * @return the page as roff, ending with a newline
     */
    public static String render(ManualPage page) {
        StringBuilder out = new StringBuilder();
        out.append(".TH ").append(quoted(page.name().toUpperCase(java.util.Locale.ROOT))).append(' ')
                .append(page.section()).append(" \"\" ").append(quoted(page.source())).append(' ')
                .append(quoted("Barman for Java manual")).append('\n');
        out.append(".SH NAME\n").append(escape(page.name())).append(" \\- ").append(escape(page.summary()))
                .append('\n');
        for (ManualPage.Section section : page.sections()) {
            out.append(".SH ").append(quoted(section.heading())).append('\n');
            for (ManualPage.Block block : section.blocks()) {
                render(block, out);
            }
        }
        return out.toString();
    }

    private static void render(ManualPage.Block block, StringBuilder out) {
        if (block instanceof ManualPage.Paragraph paragraph) {
            out.append(".PP\n").append(inline(paragraph.text())).append('\n');
        } else if (block instanceof ManualPage.Definition definition) {
            out.append(".TP\n").append(inline(definition.term())).append('\n');
            List<String> paragraphs = definition.paragraphs();
            for (int i = 0; i < paragraphs.size(); i++) {
                if (i > 0) {
                    out.append(".IP\n");
                }
                out.append(inline(paragraphs.get(i))).append('\n');
            }
        } else if (block instanceof ManualPage.Literal literal) {
            out.append(".PP\n.RS 4\n.nf\n");
            for (String line : literal.lines()) {
                out.append(line.isEmpty() ? "" : escape(line)).append('\n');
            }
            out.append(".fi\n.RE\n");
        } else if (block instanceof ManualPage.Subsection subsection) {
            out.append(".SS ").append(quoted(subsection.heading())).append('\n');
        }
    }

    /** Running text: code spans in bold, everything escaped. */
    static String inline(String text) {
        StringBuilder out = new StringBuilder();
        Matcher matcher = CODE_SPAN.matcher(text);
        int last = 0;
        while (matcher.find()) {
            out.append(escapeText(text.substring(last, matcher.start())));
            out.append("\\fB").append(escapeText(matcher.group(1))).append("\\fR");
            last = matcher.end();
        }
        out.append(escapeText(text.substring(last)));
        return protectLineStart(out.toString());
    }

    /**
     * @param text plain text
     * @return the text with roff's special characters escaped, safe at the start of a line
     */
    static String escape(String text) {
        return protectLineStart(escapeText(text));
    }

    private static String escapeText(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\e");
                case '-' -> out.append("\\-");
                case '\n' -> out.append(' ');
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A line starting with a dot or a quote would be a request: the zero-width {@code \&} keeps it text. */
    private static String protectLineStart(String line) {
        return line.startsWith(".") || line.startsWith("'") ? "\\&" + line : line;
    }

    private static String quoted(String text) {
        return "\"" + escapeText(text).replace("\"", "\\(dq") + "\"";
    }
}
