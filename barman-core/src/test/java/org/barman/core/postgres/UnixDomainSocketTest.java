package org.barman.core.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The socket that {@link UnixSocketFactory} gives the PostgreSQL JDBC driver, against a real Unix-domain server
 * socket: the behaviour of a {@code java.net.Socket} the driver relies on.
 */
class UnixDomainSocketTest {

    @TempDir
    Path tmp;

    private Path file;
    private ServerSocketChannel server;

    @BeforeEach
    void listen() throws IOException {
        file = tmp.resolve(".s.PGSQL.5432");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(file));
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private Socket connect() throws IOException {
        Properties properties = new Properties();
        properties.setProperty("socketFactoryArg", file.toString());
        return new UnixSocketFactory(properties).createSocket();
    }

    @Test
    void exchanges_bytes_both_ways_and_reads_end_of_stream_after_the_peer_closes() throws Exception {
        try (Socket socket = connect(); SocketChannel peer = server.accept()) {
            socket.getOutputStream().write("ping".getBytes());
            ByteBuffer received = ByteBuffer.allocate(4);
            while (received.hasRemaining()) {
                peer.read(received);
            }
            assertThat(new String(received.array())).isEqualTo("ping");
            peer.write(ByteBuffer.wrap("pong".getBytes()));
            assertThat(socket.getInputStream().readNBytes(4)).isEqualTo("pong".getBytes());
            peer.close();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void a_read_longer_than_so_timeout_times_out_and_the_socket_stays_usable() throws Exception {
        try (Socket socket = connect(); SocketChannel peer = server.accept()) {
            socket.setSoTimeout(100);
            long start = System.nanoTime();
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(95));
            assertThat(socket.isClosed()).isFalse();
            peer.write(ByteBuffer.wrap(new byte[] {42}));
            assertThat(socket.getInputStream().read()).isEqualTo(42);
            socket.setSoTimeout(0);
            assertThat(socket.getSoTimeout()).isZero();
        }
    }

    @Test
    void a_large_write_to_a_slow_reader_arrives_whole_and_in_order() throws Exception {
        byte[] data = new byte[8 * 1024 * 1024];
        new Random(7).nextBytes(data);
        try (Socket socket = connect(); SocketChannel peer = server.accept()) {
            CompletableFuture<byte[]> digest = CompletableFuture.supplyAsync(() -> {
                try {
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    ByteBuffer buffer = ByteBuffer.allocate(7000);
                    long total = 0;
                    while (total < data.length) {
                        Thread.sleep(total < 256 * 1024 ? 5 : 0);
                        int count = peer.read(buffer.clear());
                        sha.update(buffer.array(), 0, count);
                        total += count;
                    }
                    return sha.digest();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            OutputStream output = socket.getOutputStream();
            output.write(data, 0, 3);
            output.write(data, 3, data.length - 3);
            assertThat(digest.get(60, TimeUnit.SECONDS)).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
        }
    }

    @Test
    void close_from_another_thread_ends_a_blocked_read() throws Exception {
        try (Socket socket = connect(); SocketChannel peer = server.accept()) {
            CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    socket.getInputStream().read();
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            Thread.sleep(200);
            assertThat(reader).isNotDone();
            socket.close();
            assertThat(reader.get(10, TimeUnit.SECONDS)).isInstanceOf(SocketException.class)
                    .hasMessage("Socket is closed");
            assertThat(socket.isClosed()).isTrue();
            assertThat(peer.read(ByteBuffer.allocate(1))).isEqualTo(-1);
        }
    }

    @Test
    void an_interrupt_does_not_end_a_read_and_is_kept_for_the_caller() throws Exception {
        try (Socket socket = connect(); SocketChannel peer = server.accept()) {
            AtomicBoolean interruptedAfterRead = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                try {
                    int value = socket.getInputStream().read();
                    interruptedAfterRead.set(value == 9 && Thread.currentThread().isInterrupted());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            reader.start();
            Thread.sleep(100);
            reader.interrupt();
            Thread.sleep(100);
            assertThat(reader.isAlive()).isTrue();
            peer.write(ByteBuffer.wrap(new byte[] {9}));
            reader.join(10_000);
            assertThat(interruptedAfterRead).isTrue();
        }
    }

    @Test
    void shutting_output_down_sends_end_of_stream_and_keeps_input_open() throws Exception {
        try (Socket socket = connect(); SocketChannel peer = server.accept()) {
            socket.shutdownOutput();
            assertThat(socket.isOutputShutdown()).isTrue();
            assertThat(peer.read(ByteBuffer.allocate(1))).isEqualTo(-1);
            assertThatThrownBy(() -> socket.getOutputStream().write(1)).isInstanceOf(SocketException.class);
            peer.write(ByteBuffer.wrap(new byte[] {5}));
            assertThat(socket.getInputStream().read()).isEqualTo(5);
            socket.shutdownInput();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void takes_the_tcp_settings_of_the_driver_without_effect_and_names_its_socket_file() throws Exception {
        try (Socket socket = connect(); SocketChannel peer = server.accept()) {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            assertThat(socket.getTcpNoDelay()).isTrue();
            assertThat(socket.getKeepAlive()).isTrue();
            socket.setSendBufferSize(65536);
            assertThat(socket.getSendBufferSize()).isPositive();
            assertThat(socket.getReceiveBufferSize()).isPositive();
            assertThat(socket.isConnected()).isTrue();
            assertThat(socket.getRemoteSocketAddress()).isEqualTo(UnixDomainSocketAddress.of(file));
            assertThat(socket).hasToString("Socket[unix=" + file + "]");
            assertThatThrownBy(() -> socket.connect(UnixDomainSocketAddress.of(file), 10))
                    .isInstanceOf(SocketException.class);
            InputStream input = socket.getInputStream();
            input.close();
            assertThat(socket.isClosed()).isTrue();
        }
    }

    @Test
    void a_missing_or_dead_socket_file_is_a_failure_naming_it_with_what_to_check() throws Exception {
        Path missing = tmp.resolve("elsewhere/.s.PGSQL.6000");
        Properties properties = new Properties();
        properties.setProperty("socketFactoryArg", missing.toString());
        assertThatThrownBy(() -> new UnixSocketFactory(properties).createSocket())
                .isInstanceOf(UnixSocketFactory.ConnectFailure.class)
                .hasMessage("Unix-domain socket " + missing + ": No such file or directory; no PostgreSQL listens "
                        + "on port 6000 in " + missing.getParent() + ": check the folder against PostgreSQL's "
                        + "unix_socket_directories, and the port");

        server.close();
        assertThat(file).exists();
        assertThatThrownBy(this::connect)
                .isInstanceOf(UnixSocketFactory.ConnectFailure.class)
                .hasMessageStartingWith("Unix-domain socket " + file + ": Connection refused; the socket file is "
                        + "there but no PostgreSQL accepts connections on it");
        Files.delete(file);
    }

    @Test
    void requirepeer_checks_the_os_user_of_the_server_process() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("socketFactoryArg", file.toString());
        properties.setProperty(UnixSocketFactory.REQUIRE_PEER, System.getProperty("user.name"));
        try (Socket socket = new UnixSocketFactory(properties).createSocket(); SocketChannel peer = server.accept()) {
            assertThat(socket.isConnected()).isTrue();
        }
        properties.setProperty(UnixSocketFactory.REQUIRE_PEER, "no-such-user");
        assertThatThrownBy(() -> new UnixSocketFactory(properties).createSocket())
                .isInstanceOf(UnixSocketFactory.ConnectFailure.class)
                .hasMessage("Unix-domain socket " + file + ": the server process runs as OS user \""
                        + System.getProperty("user.name") + "\" but conninfo's requirepeer is \"no-such-user\"");
    }

    @Test
    void refuses_a_factory_without_an_absolute_socket_file() {
        assertThatThrownBy(() -> new UnixSocketFactory(new Properties()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("socketFactoryArg");
    }
}
