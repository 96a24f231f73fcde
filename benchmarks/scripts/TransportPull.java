import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.barman.api.CopyJob;
import org.barman.api.CopyListener;
import org.barman.api.CopyResult;
import org.barman.api.PluginOptions;
import org.barman.api.ReuseMode;
import org.barman.api.Transport;
import org.barman.api.TransportProvider;

/**
 * One pull through a transport plug-in, timed inside the JVM (so without the JVM's start), for
 * backup-transports.sh: the transport's own cost against plain rsync, apart from what a whole `barman backup`
 * adds (JVM, PostgreSQL's backup start and stop, WAL archiving).
 *
 * <pre>java -cp 'barman-cli/target/barman/lib/*' benchmarks/scripts/TransportPull.java TRANSPORT SSH_COMMAND
 *     PARALLEL_JOBS REMOTE_FOLDER LOCAL_FOLDER [EXCLUSION...]</pre>
 *
 * Prints {@code elapsed_ms=N} and the copy's result.
 */
public final class TransportPull {

    public static void main(String[] args) {
        if (args.length < 5) {
            System.err.println("usage: TransportPull TRANSPORT SSH_COMMAND PARALLEL_JOBS REMOTE LOCAL [EXCLUSION...]");
            System.exit(2);
        }
        TransportProvider provider = ServiceLoader.load(TransportProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(candidate -> candidate.name().equals(args[0])).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no transport named " + args[0]));
        List<String> exclusions = Arrays.asList(args).subList(5, args.length);
        CopyJob job = new CopyJob(args[3], Path.of(args[4]), exclusions, ReuseMode.OFF, null, 0);
        try (Transport transport = provider.create(PluginOptions.of(Map.of("ssh_command", args[1],
                "parallel_jobs", args[2])))) {
            long start = System.nanoTime();
            CopyResult result = transport.pull(job, CopyListener.NONE);
            long elapsed = System.nanoTime() - start;
            System.out.println(result);
            System.out.println("elapsed_ms=" + elapsed / 1_000_000);
        }
    }
}
