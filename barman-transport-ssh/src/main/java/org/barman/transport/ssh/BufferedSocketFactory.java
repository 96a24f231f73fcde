package org.barman.transport.ssh;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

import com.jcraft.jsch.SocketFactory;

/**
 * The TCP connections of the transport: connected within ConnectTimeout, and read through a buffer.
 *
 * <p>JSch reads each SSH packet with two exact-length reads (its length, then the rest), straight from the socket:
 * two system calls per 32 KiB. Reading through a 256 KiB buffer takes whatever the kernel holds in one call. Writes
 * stay unbuffered, since JSch expects each packet it writes to leave at once.
 */
final class BufferedSocketFactory implements SocketFactory {

    private static final int READ_BUFFER = 256 * 1024;

    private final int connectTimeoutMillis;

    /** @param connectTimeoutMillis how long a connection may take to establish */
    BufferedSocketFactory(int connectTimeoutMillis) {
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            socket.setTcpNoDelay(true);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public InputStream getInputStream(Socket socket) throws IOException {
        return new BufferedInputStream(socket.getInputStream(), READ_BUFFER);
    }

    @Override
    public OutputStream getOutputStream(Socket socket) throws IOException {
        return socket.getOutputStream();
    }
}
