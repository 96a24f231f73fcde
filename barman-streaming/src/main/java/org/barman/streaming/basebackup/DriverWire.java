package org.barman.streaming.basebackup;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;

import org.barman.api.BarmanException;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.PGStream;
import org.postgresql.core.QueryExecutor;

/**
 * The protocol stream of a PostgreSQL JDBC driver connection, for a command whose response the driver cannot read:
 * {@code BASE_BACKUP} answers with result sets around its COPY streams, which the driver's copy API refuses.
 *
 * <p>The connection stays the driver's, opened the way Barman opens every connection (SSL, SCRAM, the password file,
 * Unix-domain sockets); only the command's exchange goes through the driver's {@link PGStream} directly. The driver
 * keeps that stream in a protected field, so it is reached by reflection, in this class only: a driver that changes
 * it fails here, with a message saying so, before anything is sent. While a command runs this way, nothing else may
 * use the connection, and after a failure the connection must be closed.
 */
final class DriverWire implements Wire {

    private static final String FIELD = "pgStream";

    private final PGStream stream;

    private DriverWire(PGStream stream) {
        this.stream = stream;
    }

    /**
     * @param connection a PostgreSQL JDBC driver connection, idle
     * @return its protocol stream
     * @throws BarmanException when the connection is not the driver's, or the driver keeps its stream elsewhere
     */
    static DriverWire of(Connection connection) {
        QueryExecutor executor;
        try {
            executor = connection.unwrap(BaseConnection.class).getQueryExecutor();
        } catch (SQLException e) {
            throw new BarmanException("BASE_BACKUP needs a connection of the PostgreSQL JDBC driver, not "
                    + connection.getClass().getName(), e);
        }
        try {
            Field field = streamField(executor.getClass());
            field.setAccessible(true);
            PGStream stream = (PGStream) field.get(executor);
            if (stream == null || stream.isClosed()) {
                throw new BarmanException("cannot start BASE_BACKUP: the connection is closed");
            }
            return new DriverWire(stream);
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (e instanceof BarmanException barman) {
                throw barman;
            }
            throw new BarmanException("cannot start BASE_BACKUP: the PostgreSQL JDBC driver "
                    + driverVersion(connection) + " no longer keeps its protocol stream where this Barman reads it (QueryExecutorBase." + FIELD
                    + ": " + e + "); use the driver version Barman ships with", e);
        }
    }

    /** The field in the executor's class or a superclass (QueryExecutorBase, which is not referenced by name). */
    private static Field streamField(Class<?> type) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                return c.getDeclaredField(FIELD);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(type.getName() + " has no field " + FIELD);
    }

    private static String driverVersion(Connection connection) {
        try {
            return connection.getMetaData().getDriverVersion();
        } catch (SQLException e) {
            return "(version unknown)";
        }
    }

    @Override
    public void sendQuery(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        stream.sendChar('Q');
        stream.sendInteger4(4 + bytes.length + 1);
        stream.send(bytes);
        stream.sendChar(0);
        stream.flush();
    }

    @Override
    public int receiveByte() throws IOException {
        return stream.receiveChar();
    }

    @Override
    public int receiveInt4() throws IOException {
        return stream.receiveInteger4();
    }

    @Override
    public void receive(byte[] buffer, int offset, int length) throws IOException {
        stream.receive(buffer, offset, length);
    }
}
