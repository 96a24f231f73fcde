import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Vector;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpATTRS;

/**
 * Times the two ways JSch can move a remote tree that transport = ssh chose between: one remote GNU tar stream per
 * connection (exec channel) against SFTP reads of each file, with 1 and 2 connections, data discarded on arrival
 * (only the transfer is timed: the tar stream is counted on JSch's own thread, SFTP reads go through
 * ChannelSftp's input stream). Run by benchmarks/scripts/backup-ssh.sh with PROBE=1, or alone:
 *
 * java -cp jsch.jar benchmarks/scripts/SshStreamProbe.java HOST PORT USER KEY KNOWN_HOSTS FOLDER ROUNDS
 */
public class SshStreamProbe {

    record RemoteFile(String path, long size) {
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String user = args[2];
        String key = args[3];
        String knownHosts = args[4];
        String folder = args[5];
        int rounds = Integer.parseInt(args[6]);
        List<RemoteFile> files;
        Session lister = connect(host, port, user, key, knownHosts);
        try {
            ChannelSftp sftp = (ChannelSftp) lister.openChannel("sftp");
            sftp.connect();
            files = new ArrayList<>();
            list(sftp, folder, "", files);
            sftp.disconnect();
        } finally {
            lister.disconnect();
        }
        long total = files.stream().mapToLong(RemoteFile::size).sum();
        System.out.printf("%d files, %.2f GB; best and median of %d rounds, MB/s = 10^6 bytes per second%n%n",
                files.size(), total / 1e9, rounds);
        String[] methods = {"tar x1", "sftp x1", "tar x2", "sftp x2"};
        List<List<Double>> seconds = new ArrayList<>();
        for (int i = 0; i < methods.length; i++) {
            seconds.add(new ArrayList<>());
        }
        for (int round = 0; round < rounds; round++) {
            for (int m = 0; m < methods.length; m++) {
                boolean tar = methods[m].startsWith("tar");
                int connections = methods[m].endsWith("2") ? 2 : 1;
                List<List<RemoteFile>> groups = split(files, connections);
                List<Session> sessions = new ArrayList<>();
                for (int c = 0; c < connections; c++) {
                    sessions.add(connect(host, port, user, key, knownHosts));
                }
                long start = System.nanoTime();
                List<Thread> threads = new ArrayList<>();
                long[] moved = new long[connections];
                for (int c = 0; c < connections; c++) {
                    int index = c;
                    Thread thread = new Thread(() -> {
                        try {
                            moved[index] = tar ? tar(sessions.get(index), folder, groups.get(index))
                                    : sftp(sessions.get(index), folder, groups.get(index));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    threads.add(thread);
                    thread.start();
                }
                for (Thread thread : threads) {
                    thread.join();
                }
                double elapsed = (System.nanoTime() - start) / 1e9;
                sessions.forEach(Session::disconnect);
                long bytes = 0;
                for (long b : moved) {
                    bytes += b;
                }
                if (bytes < total) {
                    throw new IllegalStateException(methods[m] + " moved " + bytes + " of " + total + " bytes");
                }
                seconds.get(m).add(elapsed);
                System.err.printf("round %d: %s %.2f s%n", round + 1, methods[m], elapsed);
            }
        }
        System.out.println("| JSch stream | best s | median s | best MB/s |");
        System.out.println("|---|---:|---:|---:|");
        for (int m = 0; m < methods.length; m++) {
            List<Double> sorted = new ArrayList<>(seconds.get(m));
            sorted.sort(null);
            double best = sorted.get(0);
            double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                    : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
            System.out.printf("| %s | %.2f | %.2f | %.0f |%n", methods[m], best, median, total / best / 1e6);
        }
    }

    static Session connect(String host, int port, String user, String key, String knownHosts) throws Exception {
        JSch jsch = new JSch();
        jsch.addIdentity(key);
        jsch.setKnownHosts(knownHosts);
        Session session = jsch.getSession(user, host, port);
        session.setConfig("StrictHostKeyChecking", "yes");
        session.connect(30_000);
        return session;
    }

    static void list(ChannelSftp sftp, String root, String relative, List<RemoteFile> files) throws Exception {
        String folder = relative.isEmpty() ? root : root + "/" + relative;
        @SuppressWarnings("unchecked")
        Vector<ChannelSftp.LsEntry> entries = sftp.ls(folder);
        for (ChannelSftp.LsEntry entry : entries) {
            String name = entry.getFilename();
            if (name.equals(".") || name.equals("..")) {
                continue;
            }
            String path = relative.isEmpty() ? name : relative + "/" + name;
            SftpATTRS attributes = entry.getAttrs();
            if (attributes.isDir()) {
                list(sftp, root, path, files);
            } else if (attributes.isReg()) {
                files.add(new RemoteFile(path, attributes.getSize()));
            }
        }
    }

    static List<List<RemoteFile>> split(List<RemoteFile> files, int groups) {
        List<List<RemoteFile>> result = new ArrayList<>();
        long[] bytes = new long[groups];
        for (int i = 0; i < groups; i++) {
            result.add(new ArrayList<>());
        }
        List<RemoteFile> largestFirst = new ArrayList<>(files);
        largestFirst.sort(Comparator.comparingLong(RemoteFile::size).reversed());
        for (RemoteFile file : largestFirst) {
            int lightest = 0;
            for (int i = 1; i < groups; i++) {
                if (bytes[i] < bytes[lightest]) {
                    lightest = i;
                }
            }
            result.get(lightest).add(file);
            bytes[lightest] += file.size();
        }
        return result;
    }

    static long tar(Session session, String folder, List<RemoteFile> files) throws Exception {
        StringBuilder names = new StringBuilder();
        for (RemoteFile file : files) {
            names.append("./").append(file.path()).append('\0');
        }
        ChannelExec exec = (ChannelExec) session.openChannel("exec");
        exec.setCommand("cd '" + folder + "' && exec tar -c -f - -b 256 --format=gnu --null --no-recursion "
                + "--ignore-failed-read -T -");
        exec.setInputStream(new ByteArrayInputStream(names.toString().getBytes(StandardCharsets.UTF_8)));
        CountingSink sink = new CountingSink();
        exec.setOutputStream(sink);
        exec.connect();
        long total = sink.awaitEnd();
        exec.disconnect();
        return total;
    }

    /** Counts what the connection's thread delivers (no pipe, no copy), and says when the stream ends. */
    static final class CountingSink extends OutputStream {
        private long count;
        private boolean ended;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            count += length;
        }

        @Override
        public synchronized void close() {
            ended = true;
            notifyAll();
        }

        synchronized long awaitEnd() throws InterruptedException {
            while (!ended) {
                wait();
            }
            return count;
        }
    }

    static long sftp(Session session, String folder, List<RemoteFile> files) throws Exception {
        ChannelSftp sftp = (ChannelSftp) session.openChannel("sftp");
        sftp.connect();
        byte[] buffer = new byte[1024 * 1024];
        long total = 0;
        for (RemoteFile file : files) {
            try (InputStream in = sftp.get(folder + "/" + file.path())) {
                int read;
                while ((read = in.read(buffer)) > 0) {
                    total += read;
                }
            }
        }
        sftp.disconnect();
        return total;
    }
}
