package org.barman.testkit.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.barman.api.CopyListener;
import org.barman.api.CopyResult;

/**
 * A {@link CopyListener} that remembers what it heard, from any thread, so that the contract suite can check that
 * progress adds up; it can also run an action at the first progress event, to change the source while a copy runs.
 */
public final class RecordingListener implements CopyListener {

    private final AtomicInteger plannedCalls = new AtomicInteger();
    private final AtomicLong plannedFiles = new AtomicLong(-1);
    private final AtomicLong plannedBytes = new AtomicLong(-1);
    private final AtomicLong transferred = new AtomicLong();
    private final AtomicInteger fileDoneCalls = new AtomicInteger();
    private final Set<String> filesDone = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean progressBeforePlan = new AtomicBoolean();
    private final AtomicBoolean first = new AtomicBoolean(true);
    private final Runnable atFirstEvent;
    private final boolean atPlan;

    /** A listener that only records. */
    public RecordingListener() {
        this(() -> {
        });
    }

    /**
     * @param atFirstEvent runs once, in the transport's thread, at the first {@code transferred} or {@code fileDone}
     *     (not at {@code planned}: the copy has begun by then)
     */
    public RecordingListener(Runnable atFirstEvent) {
        this(atFirstEvent, false);
    }

    /**
     * @param atFirstEvent runs once, in the transport's thread, at the first event
     * @param atPlan whether {@code planned} counts as that event (it comes after the listing, before the copy)
     */
    public RecordingListener(Runnable atFirstEvent, boolean atPlan) {
        this.atFirstEvent = atFirstEvent;
        this.atPlan = atPlan;
    }

    private void event() {
        if (first.compareAndSet(true, false)) {
            atFirstEvent.run();
        }
    }

    @Override
    public void planned(long files, long bytes) {
        plannedCalls.incrementAndGet();
        plannedFiles.set(files);
        plannedBytes.set(bytes);
        if (atPlan) {
            event();
        }
    }

    @Override
    public void transferred(long bytes) {
        if (plannedCalls.get() == 0) {
            progressBeforePlan.set(true);
        }
        transferred.addAndGet(bytes);
        event();
    }

    @Override
    public void fileDone(String relativePath) {
        if (plannedCalls.get() == 0) {
            progressBeforePlan.set(true);
        }
        fileDoneCalls.incrementAndGet();
        filesDone.add(relativePath);
        event();
    }

    /** @return the relative paths heard in {@code fileDone} */
    public Set<String> filesDone() {
        return Set.copyOf(filesDone);
    }

    /** @return the sum of the bytes heard in {@code transferred} */
    public long transferredBytes() {
        return transferred.get();
    }

    /**
     * The problems of the progress of a complete copy: {@code planned} at most once and before any other event,
     * announcing what the result says; {@code fileDone} once per regular file; {@code transferred} adding up to
     * the bytes copied.
     *
     * @param result what the copy returned
     * @param tree the copied tree
     * @return what is wrong, empty when nothing is
     */
    public List<String> problems(CopyResult result, TreeSnapshot tree) {
        List<String> problems = new ArrayList<>();
        if (plannedCalls.get() > 1) {
            problems.add("planned() was called " + plannedCalls.get() + " times, expected at most once");
        }
        if (plannedCalls.get() == 1) {
            if (progressBeforePlan.get()) {
                problems.add("transferred() or fileDone() was called before planned()");
            }
            if (plannedFiles.get() != result.files() || plannedBytes.get() != result.bytes()) {
                problems.add("planned(" + plannedFiles.get() + " files, " + plannedBytes.get()
                        + " bytes) but the copy made " + result.files() + " files, " + result.bytes() + " bytes");
            }
        }
        Set<String> expected = Set.copyOf(tree.files());
        if (!filesDone.equals(expected)) {
            problems.add("fileDone() heard " + new TreeSet<>(filesDone) + ", expected the files "
                    + new TreeSet<>(expected));
        }
        if (fileDoneCalls.get() != expected.size()) {
            problems.add("fileDone() was called " + fileDoneCalls.get() + " times for " + expected.size() + " files");
        }
        if (transferred.get() != result.bytes()) {
            problems.add("transferred() adds up to " + transferred.get() + " bytes, the result says "
                    + result.bytes());
        }
        return problems;
    }
}
