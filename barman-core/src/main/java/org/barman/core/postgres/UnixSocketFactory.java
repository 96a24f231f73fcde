package org.barman.core.postgres;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.Properties;

import javax.net.SocketFactory;

/**
 * The PostgreSQL JDBC driver's {@code socketFactory} for a server's Unix-domain socket, through the JDK's own
 * support (Java 16+: {@code UnixDomainSocketAddress}), with no native library. {@link ConnInfo} names it when a
 * conninfo's host is a socket folder (or absent), with {@code socketFactoryArg} set to the socket file,
 * {@code <folder>/.s.PGSQL.<port>}, and {@value #REQUIRE_PEER} to libpq's {@code requirepeer} when given.
 *
 * <p>The driver instantiates it with the connection properties and asks for a socket per connection (and per
 * cancel request); the socket it gets is already connected, so the host and port of the JDBC URL are used only
 * by the driver's password-file lookup, as libpq's are.
 */
public final class UnixSocketFactory extends SocketFactory {

    /** The connection property holding the OS user the server process must run as (libpq's requirepeer). */
    public static final String REQUIRE_PEER = "requirepeer";

    private final Path socketFile;
    private final String requirePeer;

    /**
     * Called by the PostgreSQL JDBC driver.
     *
     * @param properties the connection properties: {@code socketFactoryArg} is the socket file,
     *        {@value #REQUIRE_PEER} the OS user the server must run as (optional)
     * @throws IllegalArgumentException when {@code socketFactoryArg} is missing or not an absolute path
     */
    public UnixSocketFactory(Properties properties) {
        String file = properties.getProperty("socketFactoryArg");
        if (file == null || !file.startsWith("/")) {
            throw new IllegalArgumentException("socketFactoryArg must be the absolute path of PostgreSQL's socket "
                    + "file, such as /var/run/postgresql/.s.PGSQL.5432 (got " + file + ")");
        }
        this.socketFile = Path.of(file);
        String peer = properties.getProperty(REQUIRE_PEER);
        this.requirePeer = peer == null || peer.isEmpty() ? null : peer;
    }

    /** @return the socket file this factory connects to */
    public Path socketFile() {
        return socketFile;
    }

    /**
     * @return a socket connected to the server's socket file
     * @throws IOException naming the socket file when it cannot be connected to (see {@link ConnectFailure})
     */
    @Override
    public Socket createSocket() throws IOException {
        return UnixDomainSocket.connect(socketFile, requirePeer);
    }

    /**
     * @param host not used: the socket file was given
     * @param port not used
     * @return a socket connected to the server's socket file
     * @throws IOException naming the socket file when it cannot be connected to
     */
    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return createSocket();
    }

    /**
     * @param host not used: the socket file was given
     * @param port not used
     * @param localHost not used
     * @param localPort not used
     * @return a socket connected to the server's socket file
     * @throws IOException naming the socket file when it cannot be connected to
     */
    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return createSocket();
    }

    /**
     * @param host not used: the socket file was given
     * @param port not used
     * @return a socket connected to the server's socket file
     * @throws IOException naming the socket file when it cannot be connected to
     */
    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return createSocket();
    }

    /**
     * @param address not used: the socket file was given
     * @param port not used
     * @param localAddress not used
     * @param localPort not used
     * @return a socket connected to the server's socket file
     * @throws IOException naming the socket file when it cannot be connected to
     */
    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return createSocket();
    }

    /**
     * A connection through a socket file that failed (no such file, refused, not permitted, wrong server user),
     * with a one-line message that names the file; {@link ConnInfo.JdbcTarget#connect()} reports it instead of
     * the driver's TCP-worded message.
     */
    public static final class ConnectFailure extends SocketException {

        private static final long serialVersionUID = 1L;

        /** The socket file that could not be connected to. */
        private final transient Path socketFile;

        ConnectFailure(Path socketFile, String reason, Throwable cause) {
            super("Unix-domain socket " + socketFile + ": " + reason);
            this.socketFile = socketFile;
            if (cause != null) {
                initCause(cause);
            }
        }

        /** @return the socket file that could not be connected to */
        public Path socketFile() {
            return socketFile;
        }
    }
}
