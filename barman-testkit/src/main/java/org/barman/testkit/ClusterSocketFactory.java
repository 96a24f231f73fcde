package org.barman.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.Properties;

import javax.net.SocketFactory;

/**
 * How the test kit's own JDBC connections reach a {@link PostgresCluster.Builder#socketOnly() socket-only}
 * cluster: a PostgreSQL JDBC driver {@code socketFactory} whose {@code socketFactoryArg} is the path of the
 * server's socket file. It is deliberately separate from Barman's own Unix-domain socket support, so that a
 * test that sets a cluster up does not rely on the code it tests.
 *
 * <p>It is minimal: a blocking channel, no read timeout ({@code setSoTimeout} is remembered, not applied), for
 * the request-and-answer SQL of the test kit.
 */
public final class ClusterSocketFactory extends SocketFactory {

    private final String path;

    /**
     * Called by the PostgreSQL JDBC driver.
     *
     * @param properties the connection properties; {@code socketFactoryArg} is the socket file
     */
    public ClusterSocketFactory(Properties properties) {
        this.path = properties.getProperty("socketFactoryArg");
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("socketFactoryArg must name the server's socket file");
        }
    }

    /** @return a socket connected to the server's socket file */
    @Override
    public Socket createSocket() throws IOException {
        return new ChannelSocket(path);
    }

    /** @return a socket connected to the server's socket file (host and port are not used) */
    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return createSocket();
    }

    /** @return a socket connected to the server's socket file (the addresses and ports are not used) */
    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return createSocket();
    }

    /** @return a socket connected to the server's socket file (host and port are not used) */
    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return createSocket();
    }

    /** @return a socket connected to the server's socket file (the addresses and ports are not used) */
    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return createSocket();
    }

    /** A connected {@link Socket} over a blocking Unix-domain {@link SocketChannel}. */
    private static final class ChannelSocket extends Socket {

        private final SocketChannel channel;
        private final InputStream input;
        private final OutputStream output;
        private int soTimeout;
        private boolean keepAlive;
        private boolean tcpNoDelay;

        ChannelSocket(String path) throws IOException {
            super((java.net.SocketImpl) null);
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(path));
            } catch (IOException e) {
                channel.close();
                throw new SocketException("cannot connect to " + path + ": " + e.getMessage());
            }
            input = Channels.newInputStream(channel);
            output = Channels.newOutputStream(channel);
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            throw new SocketException("already connected to " + channel.getRemoteAddress());
        }

        @Override
        public InputStream getInputStream() {
            return input;
        }

        @Override
        public OutputStream getOutputStream() {
            return output;
        }

        @Override
        public boolean isConnected() {
            return true;
        }

        @Override
        public boolean isBound() {
            return true;
        }

        @Override
        public boolean isClosed() {
            return !channel.isOpen();
        }

        @Override
        public synchronized void close() throws IOException {
            channel.close();
        }

        @Override
        public synchronized void setSoTimeout(int timeout) {
            soTimeout = timeout;
        }

        @Override
        public synchronized int getSoTimeout() {
            return soTimeout;
        }

        @Override
        public void setKeepAlive(boolean on) {
            keepAlive = on;
        }

        @Override
        public boolean getKeepAlive() {
            return keepAlive;
        }

        @Override
        public void setTcpNoDelay(boolean on) {
            tcpNoDelay = on;
        }

        @Override
        public boolean getTcpNoDelay() {
            return tcpNoDelay;
        }

        @Override
        public int getSendBufferSize() {
            return 8192;
        }

        @Override
        public int getReceiveBufferSize() {
            return 8192;
        }

        @Override
        public void setSendBufferSize(int size) {
        }

        @Override
        public void setReceiveBufferSize(int size) {
        }

        @Override
        public String toString() {
            return "ClusterSocketFactory socket " + (isClosed() ? "(closed)" : "(open)");
        }
    }
}
