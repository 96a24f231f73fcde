package org.barman.cli.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A manual page as data: the few shapes the reference pages need (paragraphs, indented definitions, literal
 * blocks, subsections), so that one page renders both as a {@code man} page ({@link RoffWriter}) and as Markdown
 * for the repository's {@code docs/} ({@link MarkdownWriter}) without the two drifting apart.
 *
 * <p>Text may mark code spans with backquotes, as Markdown does: {@code `barman cron`}.
 *
 * @param name the page name, such as {@code barman} or {@code barman.conf}
 * @param section the manual section, such as {@code 1} or {@code 5}
 * @param summary what the page is about, for the NAME line
 * @param source the product and version, for the page footer
 * @param sections the sections, in order
 */
public record ManualPage(String name, String section, String summary, String source, List<Section> sections) {

    /**
     * Checks the fields and copies the list.
     *
     * @param name the page name, such as {@code barman} or {@code barman.conf}
     * @param section the manual section, such as {@code 1} or {@code 5}
     * @param summary what the page is about, for the NAME line
     * @param source the product and version, for the page footer
     * @param sections the sections, in order
     */
    public ManualPage {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(section, "section is null");
        Objects.requireNonNull(summary, "summary is null");
        Objects.requireNonNull(source, "source is null");
        sections = List.copyOf(sections);
    }

    /**
     * One section ({@code .SH} in roff, a level-2 heading in Markdown).
     *
     * @param heading the heading, in capitals as man pages write them
     * @param blocks its content
     */
    public record Section(String heading, List<Block> blocks) {

        /**
         * Copies the list.
         *
         * @param heading the heading, in capitals as man pages write them
         * @param blocks its content
         */
        public Section {
            Objects.requireNonNull(heading, "heading is null");
            blocks = List.copyOf(blocks);
        }
    }

    /** A piece of a section. */
    public sealed interface Block permits Paragraph, Definition, Literal, Subsection {
    }

    /** @param text running text, with code spans in backquotes */
    public record Paragraph(String text) implements Block {
    }

    /**
     * A term and its explanation, such as an option and what it does.
     *
     * @param term the term, with code spans in backquotes
     * @param paragraphs the explanation
     */
    public record Definition(String term, List<String> paragraphs) implements Block {

        /**
         * Copies the list.
         *
         * @param term the term, with code spans in backquotes
         * @param paragraphs the explanation
         */
        public Definition {
            paragraphs = List.copyOf(paragraphs);
        }
    }

    /** @param lines lines shown as they are, such as a command or a configuration file */
    public record Literal(List<String> lines) implements Block {

        /**
         * Copies the list.
         *
         * @param lines lines shown as they are
         */
        public Literal {
            lines = List.copyOf(lines);
        }
    }

    /** @param heading a subsection heading ({@code .SS} in roff, a level-3 heading in Markdown) */
    public record Subsection(String heading) implements Block {
    }

    /** Collects the blocks of one section. */
    public static final class SectionBuilder {

        private final String heading;
        private final List<Block> blocks = new ArrayList<>();

        /** @param heading the section heading */
        public SectionBuilder(String heading) {
            this.heading = heading;
        }

        /**
         * @param text running text
         * @return this
         */
        public SectionBuilder paragraph(String text) {
            blocks.add(new Paragraph(text));
            return this;
        }

        /**
         * @param term the term
         * @param paragraphs its explanation
         * @return this
         */
        public SectionBuilder definition(String term, List<String> paragraphs) {
            blocks.add(new Definition(term, paragraphs));
            return this;
        }

        /**
         * @param lines literal lines
         * @return this
         */
        public SectionBuilder literal(String... lines) {
            blocks.add(new Literal(List.of(lines)));
            return this;
        }

        /**
         * @param subheading a subsection heading
         * @return this
         */
        public SectionBuilder subsection(String subheading) {
            blocks.add(new Subsection(subheading));
            return this;
        }

        /** @return the section */
        public Section build() {
            return new Section(heading, blocks);
        }
    }
}
