package org.barman.core.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * A connected {@link Socket} over the JDK's Unix-domain {@link SocketChannel}, for the PostgreSQL JDBC driver,
 * which talks to a {@code java.net.Socket}: its streams, {@link #setSoTimeout read timeouts} (a read that waits
 * longer throws {@link SocketTimeoutException} and the socket stays usable, as the driver expects when it polls
 * for notifications or replication messages), {@link #close()} from another thread ending a blocked read or
 * write, and shutdown of either direction. Reads and writes, like those of a {@code java.net.Socket}, are not
 * ended by {@link Thread#interrupt()}; the thread's interrupt status is kept.
 *
 * <p>The channel is non-blocking; a read or write that cannot proceed waits on a {@link Selector} of its own
 * direction, so one thread may read while another writes. TCP options (no delay, keep-alive, traffic class,
 * out-of-band data...) mean nothing on a Unix-domain socket: they are remembered and have no effect.
 */
final class UnixDomainSocket extends Socket {

    private final Path path;
    private final SocketChannel channel;
    private final Selector readable;
    private final Selector writable;
    private final Object readLock = new Object();
    private final Object writeLock = new Object();
    private final Object stateLock = new Object();
    private final InputStream input = new Input();
    private final OutputStream output = new Output();
    private volatile int soTimeout;
    private volatile boolean closed;
    private volatile boolean inputShutdown;
    private volatile boolean outputShutdown;
    private volatile boolean keepAlive;
    private volatile boolean tcpNoDelay;
    private volatile boolean oobInline;
    private volatile boolean reuseAddress;
    private volatile int trafficClass;

    private UnixDomainSocket(Path path, SocketChannel channel, Selector readable, Selector writable)
            throws SocketException {
        super((java.net.SocketImpl) null);
        this.path = path;
        this.channel = channel;
        this.readable = readable;
        this.writable = writable;
    }

    /**
     * Connects to a server's socket file.
     *
     * @param path the socket file, such as {@code /var/run/postgresql/.s.PGSQL.5432}
     * @param requirePeer the OS user the server process must run as, or null to accept any
     * @return the connected socket
     * @throws UnixSocketFactory.ConnectFailure naming the socket file when it cannot be connected to, or when the
     *         server process runs as another OS user than {@code requirePeer}
     */
    static UnixDomainSocket connect(Path path, String requirePeer) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector readable = null;
        Selector writable = null;
        try {
            try {
                channel.connect(UnixDomainSocketAddress.of(path));
            } catch (IOException e) {
                throw new UnixSocketFactory.ConnectFailure(path, e.getMessage() + hint(path, e.getMessage()), e);
            }
            if (requirePeer != null) {
                requirePeer(channel, path, requirePeer);
            }
            channel.configureBlocking(false);
            readable = Selector.open();
            writable = Selector.open();
            channel.register(readable, SelectionKey.OP_READ);
            channel.register(writable, SelectionKey.OP_WRITE);
            return new UnixDomainSocket(path, channel, readable, writable);
        } catch (IOException | RuntimeException e) {
            closeQuietly(e, readable, writable, channel);
            throw e;
        }
    }

    private static String hint(Path path, String reason) {
        String folder = String.valueOf(path.getParent());
        String name = String.valueOf(path.getFileName());
        String port = name.substring(name.lastIndexOf('.') + 1);
        if (reason == null) {
            return "";
        }
        if (reason.contains("No such file")) {
            return "; no PostgreSQL listens on port " + port + " in " + folder + ": check the folder against "
                    + "PostgreSQL's unix_socket_directories, and the port";
        }
        if (reason.contains("Connection refused")) {
            return "; the socket file is there but no PostgreSQL accepts connections on it: is the server running?";
        }
        if (reason.contains("Permission denied")) {
            return "; OS user " + System.getProperty("user.name") + " may not use it: check the permissions of "
                    + folder + " and PostgreSQL's unix_socket_group and unix_socket_permissions";
        }
        return "";
    }

    private static void requirePeer(SocketChannel channel, Path path, String required) throws IOException {
        UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        String actual = peer.user().getName();
        if (!actual.equals(required)) {
            throw new UnixSocketFactory.ConnectFailure(path, "the server process runs as OS user \"" + actual
                    + "\" but conninfo's requirepeer is \"" + required + "\"", null);
        }
    }

    private static void closeQuietly(Throwable failure, AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            if (resource != null) {
                try {
                    resource.close();
                } catch (Exception e) {
                    failure.addSuppressed(e);
                }
            }
        }
    }

    // ---------------------------------------------------------------- reading and writing

    private int read(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length == 0) {
            return 0;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        synchronized (readLock) {
            int timeout = soTimeout;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
            boolean interrupted = Thread.interrupted();
            try {
                while (true) {
                    checkOpen();
                    if (inputShutdown) {
                        return -1;
                    }
                    int count = readChannel(buffer);
                    if (count != 0) {
                        return count;
                    }
                    long waitMillis = 0;
                    if (timeout > 0) {
                        long remaining = deadline - System.nanoTime();
                        if (remaining <= 0) {
                            throw new SocketTimeoutException("Read timed out after " + timeout + " ms on " + path);
                        }
                        waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining + 999_999));
                    }
                    interrupted |= await(readable, waitMillis);
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        synchronized (writeLock) {
            boolean interrupted = Thread.interrupted();
            try {
                while (buffer.hasRemaining()) {
                    checkOpen();
                    if (outputShutdown) {
                        throw new SocketException("Socket output is shutdown");
                    }
                    if (writeChannel(buffer) == 0) {
                        interrupted |= await(writable, 0);
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private int readChannel(ByteBuffer buffer) throws IOException {
        try {
            return channel.read(buffer);
        } catch (ClosedChannelException e) {
            throw socketClosed();
        }
    }

    private int writeChannel(ByteBuffer buffer) throws IOException {
        try {
            return channel.write(buffer);
        } catch (ClosedChannelException e) {
            throw socketClosed();
        }
    }

    /**
     * Waits until the selector's direction may proceed, the time is up, or the socket is closed.
     *
     * @param millis at most this long; 0 waits without limit
     * @return whether the thread was interrupted meanwhile (its interrupt status is cleared, so that the wait
     *         can go on as that of a {@code java.net.Socket} would; the caller sets it again)
     */
    private boolean await(Selector selector, long millis) throws IOException {
        try {
            selector.select(millis);
            selector.selectedKeys().clear();
        } catch (ClosedSelectorException e) {
            throw socketClosed();
        }
        return Thread.interrupted();
    }

    private void checkOpen() throws SocketException {
        if (closed) {
            throw socketClosed();
        }
    }

    private static SocketException socketClosed() {
        return new SocketException("Socket is closed");
    }

    // ---------------------------------------------------------------- java.net.Socket

    @Override
    public InputStream getInputStream() throws IOException {
        checkOpen();
        return input;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        checkOpen();
        return output;
    }

    /** Closes the socket; a read or write blocked in another thread ends with a {@link SocketException}. */
    @Override
    public void close() throws IOException {
        synchronized (stateLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        IOException failure = null;
        for (AutoCloseable resource : new AutoCloseable[] {channel, readable, writable}) {
            try {
                resource.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
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
    public void shutdownInput() throws IOException {
        checkOpen();
        channel.shutdownInput();
        inputShutdown = true;
        readable.wakeup();
    }

    @Override
    public void shutdownOutput() throws IOException {
        checkOpen();
        channel.shutdownOutput();
        outputShutdown = true;
        writable.wakeup();
    }

    @Override
    public boolean isInputShutdown() {
        return inputShutdown;
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShutdown;
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        checkOpen();
        soTimeout = timeout;
    }

    @Override
    public int getSoTimeout() throws SocketException {
        checkOpen();
        return soTimeout;
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        throw new SocketException("already connected to " + path);
    }

    @Override
    public void bind(SocketAddress bindpoint) throws IOException {
        throw new SocketException("a connection through the Unix-domain socket " + path + " has no address to bind");
    }

    /** @return null: the peer is a socket file, not an IP address (see {@link #getRemoteSocketAddress()}) */
    @Override
    public InetAddress getInetAddress() {
        return null;
    }

    /** @return null: this end has no IP address */
    @Override
    public InetAddress getLocalAddress() {
        return null;
    }

    @Override
    public int getPort() {
        return 0;
    }

    @Override
    public int getLocalPort() {
        return -1;
    }

    /** @return the server's socket file, as a {@link UnixDomainSocketAddress} */
    @Override
    public SocketAddress getRemoteSocketAddress() {
        return UnixDomainSocketAddress.of(path);
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        try {
            return channel.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** @return null: the channel is this socket's own, in non-blocking mode */
    @Override
    public SocketChannel getChannel() {
        return null;
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        checkOpen();
        tcpNoDelay = on;
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        checkOpen();
        return tcpNoDelay;
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        checkOpen();
        keepAlive = on;
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        checkOpen();
        return keepAlive;
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        if (size <= 0) {
            throw new IllegalArgumentException("negative send size");
        }
        setChannelOption(StandardSocketOptions.SO_SNDBUF, size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return getChannelOption(StandardSocketOptions.SO_SNDBUF);
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        if (size <= 0) {
            throw new IllegalArgumentException("invalid receive size");
        }
        setChannelOption(StandardSocketOptions.SO_RCVBUF, size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return getChannelOption(StandardSocketOptions.SO_RCVBUF);
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        setChannelOption(StandardSocketOptions.SO_LINGER, on ? Math.min(Math.max(linger, 0), 65535) : -1);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return getChannelOption(StandardSocketOptions.SO_LINGER);
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        throw new SocketException("urgent data cannot be sent through a Unix-domain socket");
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        checkOpen();
        oobInline = on;
    }

    @Override
    public boolean getOOBInline() throws SocketException {
        checkOpen();
        return oobInline;
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
        checkOpen();
        trafficClass = tc;
    }

    @Override
    public int getTrafficClass() throws SocketException {
        checkOpen();
        return trafficClass;
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        checkOpen();
        reuseAddress = on;
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        checkOpen();
        return reuseAddress;
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
        setChannelOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return getChannelOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return channel.supportedOptions();
    }

    @Override
    public String toString() {
        return "Socket[unix=" + path + (closed ? ", closed" : "") + "]";
    }

    private <T> void setChannelOption(SocketOption<T> name, T value) throws SocketException {
        checkOpen();
        try {
            channel.setOption(name, value);
        } catch (IOException e) {
            throw asSocketException(e);
        }
    }

    private <T> T getChannelOption(SocketOption<T> name) throws SocketException {
        checkOpen();
        try {
            return channel.getOption(name);
        } catch (IOException e) {
            throw asSocketException(e);
        }
    }

    private static SocketException asSocketException(IOException e) {
        if (e instanceof SocketException socketException) {
            return socketException;
        }
        SocketException wrapped = new SocketException(e.getMessage());
        wrapped.initCause(e);
        return wrapped;
    }

    /** The socket's input: closing it closes the socket, as for a {@code java.net.Socket}. */
    private final class Input extends InputStream {

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int count = UnixDomainSocket.this.read(one, 0, 1);
            return count < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            return UnixDomainSocket.this.read(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            UnixDomainSocket.this.close();
        }
    }

    /** The socket's output: each write is sent whole; closing it closes the socket. */
    private final class Output extends OutputStream {

        @Override
        public void write(int b) throws IOException {
            UnixDomainSocket.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            UnixDomainSocket.this.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            UnixDomainSocket.this.close();
        }
    }
}
