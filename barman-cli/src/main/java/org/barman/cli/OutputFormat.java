package org.barman.cli;

/** How commands print their results ({@code -f}). */
public enum OutputFormat {
    /** Text for a person, as Barman prints it. */
    console,
    /** One JSON document, for programs. */
    json
}
