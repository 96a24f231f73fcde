package org.barman.streaming.basebackup;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

import org.barman.api.BarmanException;
import org.barman.api.support.LocalTrees;
import org.barman.api.support.OwnerOnly;
import org.slf4j.LoggerFactory;

/**
 * The size and SHA-256 of every file received, kept on disk rather than in memory until the manifest (which the
 * server sends last) can be checked against them: so that a cluster of a million files costs no more heap than one
 * of a thousand.
 *
 * <p>PostgreSQL lists the files in its manifest in the order it sends them, so the check reads this log in step
 * with the manifest ({@link #take}) and holds nothing; a file met out of that order is looked up among the
 * entries read ahead, which only then are held in memory. The log is a file of its own, removed by {@link #close}.
 */
final class ReceivedFiles implements Closeable {

    private static final int SHA256_LENGTH = 32;

    private final Path file;
    private DataOutputStream out;
    private DataInputStream in;
    private final Map<String, ReceivedFile> readAhead = new HashMap<>();
    private Entry next;
    private boolean exhausted;
    private long count;

    private record Entry(String path, ReceivedFile file) {
    }

    /**
     * @param file where the log goes: a new file, on the backup's disk
     * @throws BarmanException when it cannot be created
     */
    ReceivedFiles(Path file) {
        this.file = file;
        try {
            Files.createFile(file, OwnerOnly.file());
            out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file,
                    StandardOpenOption.WRITE), 64 * 1024));
        } catch (IOException e) {
            throw new BarmanException("cannot write " + file + ": " + LocalTrees.reason(e), e);
        }
    }

    /** @return how many files were added */
    long count() {
        return count;
    }

    /**
     * Records one file received.
     *
     * @param path its path in the manifest
     * @param size its size
     * @param sha256 its SHA-256
     */
    void add(String path, long size, byte[] sha256) {
        try {
            out.writeUTF(path);
            out.writeLong(size);
            out.write(sha256);
        } catch (IOException e) {
            throw new BarmanException("cannot write " + file + ": " + LocalTrees.reason(e), e);
        }
        count++;
    }

    /**
     * Takes the record of one file: the next in the log when the manifest lists files in the order they came.
     *
     * @param path a path the manifest lists
     * @return what was received under that path, or null when nothing was (or it was taken already)
     * @throws IOException when the log cannot be read
     */
    ReceivedFile take(String path) throws IOException {
        startReading();
        ReceivedFile found = readAhead.remove(path);
        if (found != null) {
            return found;
        }
        while (advance()) {
            Entry entry = next;
            next = null;
            if (entry.path().equals(path)) {
                return entry.file();
            }
            if (readAhead.putIfAbsent(entry.path(), entry.file()) != null) {
                throw new BarmanException("the base backup holds " + entry.path() + " twice: refused");
            }
        }
        return null;
    }

    /**
     * @return the paths received but never taken, sorted, for the message that names the first
     * @throws IOException when the log cannot be read
     */
    TreeSet<String> untaken() throws IOException {
        startReading();
        TreeSet<String> left = new TreeSet<>(readAhead.keySet());
        while (advance()) {
            left.add(next.path());
            next = null;
        }
        return left;
    }

    private void startReading() throws IOException {
        if (in != null) {
            return;
        }
        out.close();
        out = null;
        in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 64 * 1024));
    }

    private boolean advance() throws IOException {
        if (next != null) {
            return true;
        }
        if (exhausted) {
            return false;
        }
        String path;
        try {
            path = in.readUTF();
        } catch (EOFException end) {
            exhausted = true;
            return false;
        }
        long size = in.readLong();
        byte[] sha256 = new byte[SHA256_LENGTH];
        in.readFully(sha256);
        next = new Entry(path, new ReceivedFile(size, sha256));
        return true;
    }

    @Override
    public void close() {
        try {
            if (out != null) {
                out.close();
            }
            if (in != null) {
                in.close();
            }
        } catch (IOException e) {
            // the log is removed below either way
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LoggerFactory.getLogger(ReceivedFiles.class).warn("cannot remove {}: {}", file,
                    LocalTrees.reason(e));
        }
    }
}
