package org.barman.api.support;

import java.nio.file.attribute.BasicFileAttributes;

import org.barman.api.BarmanException;

/**
 * What a copy does when its source changes under it. A pull reads a running PostgreSQL, whose files vanish and change
 * size while it runs (WAL replay repairs them): such changes are {@link #TOLERATED}. A push reads a backup for a
 * recovery, which must stay whole while it is copied: a file that vanishes (the backup deleted meanwhile), changes
 * size or becomes something else is {@link #FATAL}, so that an incomplete copy never passes for a recovered server.
 */
public enum SourceChanges {

    /** A pull's: vanished entries are skipped, files are copied as they are when read. */
    TOLERATED,

    /** A push's: any change of the source fails the copy, naming the entry. */
    FATAL;

    /**
     * An entry of the source vanished during the copy.
     *
     * @param entry the entry, as the copy names its source (a full path on this host, or host and path)
     * @throws BarmanException when changes are fatal
     */
    public void vanished(String entry) {
        fail(entry, "it vanished during the copy");
    }

    /**
     * A file of the source changed size during the copy.
     *
     * @param file the file, as the copy names its source
     * @param listedBytes its size when the copy listed it
     * @param readBytes its size when it was read
     * @throws BarmanException when changes are fatal
     */
    public void resized(String file, long listedBytes, long readBytes) {
        fail(file, "it changed size during the copy (" + listedBytes + " bytes when listed, " + readBytes
                + " when read)");
    }

    /**
     * An entry of the source became another kind of entry during the copy.
     *
     * @param entry the entry, as the copy names its source
     * @param listedKind what it was when the copy listed it, such as {@code a file}
     * @param nowKind what it is now, such as {@code a folder}
     * @throws BarmanException when changes are fatal
     */
    public void changedKind(String entry, String listedKind, String nowKind) {
        fail(entry, "it was " + listedKind + " when the copy listed it and is " + nowKind + " now");
    }

    /**
     * @param attributes an entry's attributes, read without following a link
     * @return what it is, in words for {@link #changedKind}: {@code a file}, {@code a folder}, {@code a link} or
     *     {@code a special file}
     */
    public static String kindOf(BasicFileAttributes attributes) {
        if (attributes.isRegularFile()) {
            return "a file";
        }
        if (attributes.isDirectory()) {
            return "a folder";
        }
        return attributes.isSymbolicLink() ? "a link" : "a special file";
    }

    private void fail(String entry, String what) {
        if (this == FATAL) {
            throw new BarmanException("cannot copy " + entry + ": " + what + "; a backup must not change while a "
                    + "recovery copies it (was it deleted meanwhile?), and this copy is incomplete");
        }
    }
}
