package org.barman.core.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.barman.api.BarmanException;
import org.barman.api.Lsn;
import org.barman.api.Tablespace;
import org.barman.core.config.ConfigOptions;
import org.barman.core.config.ServerConfig;

/**
 * One connection to a server's PostgreSQL, through its {@code conninfo} (over TCP, or through the server's
 * Unix-domain socket when the host is a socket folder or absent: see {@link ConnInfo}), and the queries Barman
 * needs.
 *
 * <p>Supported versions are PostgreSQL {@value #MIN_MAJOR} to {@value #MAX_MAJOR}.
 */
public final class PostgresServer implements AutoCloseable {

    /** The oldest supported major version. */
    public static final int MIN_MAJOR = 13;
    /** The newest supported major version. */
    public static final int MAX_MAJOR = 18;

    private final String serverName;
    private final Connection connection;
    private int versionNum;

    private PostgresServer(String serverName, Connection connection) {
        this.serverName = serverName;
        this.connection = connection;
    }

    /**
     * @param server the server
     * @return an open connection to its PostgreSQL
     * @throws BarmanException when conninfo is missing or malformed, or PostgreSQL cannot be reached
     */
    public static PostgresServer connect(ServerConfig server) {
        String conninfo = server.get(ConfigOptions.CONNINFO);
        if (conninfo == null) {
            throw new BarmanException(server.origin() + ": conninfo is not set: Barman needs it to reach "
                    + "PostgreSQL (for example conninfo = host=pg user=postgres dbname=postgres)");
        }
        ConnInfo.JdbcTarget target = ConnInfo.parse(conninfo).toJdbc();
        try {
            Connection connection = target.connect();
            return new PostgresServer(server.name(), connection);
        } catch (SQLException e) {
            throw new BarmanException("cannot connect to PostgreSQL of server " + server.name() + " ("
                    + ConnInfo.parse(conninfo) + "): " + firstLine(e.getMessage()), e);
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "no message";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /** @return the open JDBC connection, for strategies that must use the same session */
    public Connection connection() {
        return connection;
    }

    /** @return {@code server_version_num}, such as 150004 */
    public int versionNum() {
        if (versionNum == 0) {
            versionNum = Integer.parseInt(setting("server_version_num"));
        }
        return versionNum;
    }

    /** @return the major version, such as 15 */
    public int major() {
        return versionNum() / 10000;
    }

    /** @return {@code server_version}, such as {@code 15.4 (Debian 15.4-1)} */
    public String version() {
        return setting("server_version");
    }

    /**
     * @throws BarmanException when the server's major version is outside the supported range
     */
    public void requireSupportedVersion() {
        int major = major();
        if (major < MIN_MAJOR || major > MAX_MAJOR) {
            throw new BarmanException("PostgreSQL " + version() + " of server " + serverName + " is not supported: "
                    + "Barman for Java supports PostgreSQL " + MIN_MAJOR + " to " + MAX_MAJOR);
        }
    }

    /**
     * @param name a setting name
     * @return its value as {@code current_setting} gives it
     */
    public String setting(String name) {
        return queryValue("SELECT current_setting(?)", name)
                .orElseThrow(() -> new BarmanException("PostgreSQL of server " + serverName + " has no setting "
                        + name));
    }

    /** @return the WAL segment size in bytes */
    public long walSegmentSize() {
        return Long.parseLong(queryValue("SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'")
                .orElse("16777216"));
    }

    /** @return whether the session's user is a superuser */
    public boolean isSuperuser() {
        return "on".equals(setting("is_superuser"));
    }

    /**
     * @return whether the user may take a backup without being a superuser: REPLICATION, and EXECUTE on the
     *     backup functions of its version
     */
    public boolean hasBackupPrivileges() {
        String start = major() >= 15 ? "pg_backup_start(text, boolean)" : "pg_start_backup(text, boolean, boolean)";
        String stop = major() >= 15 ? "pg_backup_stop(boolean)" : "pg_stop_backup(boolean, boolean)";
        return queryValue("SELECT (SELECT rolreplication FROM pg_roles WHERE rolname = current_user) "
                + "AND has_function_privilege(current_user, '" + start + "', 'EXECUTE') "
                + "AND has_function_privilege(current_user, '" + stop + "', 'EXECUTE') "
                + "AND pg_has_role(current_user, 'pg_read_all_settings', 'USAGE')").map("t"::equals).orElse(false);
    }

    /** @return whether the server is a standby */
    public boolean isInRecovery() {
        return queryValue("SELECT pg_is_in_recovery()").map("t"::equals).orElse(false);
    }

    /** @return the cluster's system identifier */
    public String systemIdentifier() {
        return queryValue("SELECT system_identifier FROM pg_control_system()").orElseThrow();
    }

    /** @return the tablespaces other than pg_default and pg_global, with their locations */
    public List<Tablespace> tablespaces() {
        List<Tablespace> result = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT spcname, oid, pg_tablespace_location(oid) "
                        + "FROM pg_tablespace WHERE pg_tablespace_location(oid) <> '' ORDER BY spcname")) {
            while (rows.next()) {
                result.add(new Tablespace(rows.getString(1), rows.getLong(2), rows.getString(3)));
            }
        } catch (SQLException e) {
            throw failed("listing tablespaces", e);
        }
        return result;
    }

    /** @return the configuration files PostgreSQL reads beyond {@code config_file} ({@code include} directives) */
    public List<String> includedFiles() {
        List<String> files = new ArrayList<>();
        String config = setting("config_file");
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT DISTINCT sourcefile FROM pg_file_settings "
                        + "WHERE sourcefile IS NOT NULL ORDER BY 1")) {
            while (rows.next()) {
                String file = rows.getString(1);
                if (!file.equals(config) && !file.endsWith("/postgresql.auto.conf")) {
                    files.add(file);
                }
            }
        } catch (SQLException e) {
            return List.of();
        }
        return files;
    }

    /**
     * What {@code pg_stat_archiver} says.
     *
     * @param archivedCount files archived since the statistics reset
     * @param lastArchivedWal the last file archived, or null
     * @param lastArchivedTime when, or null
     * @param failedCount failed attempts
     * @param lastFailedWal the last file that failed, or null
     * @param lastFailedTime when, or null
     */
    public record ArchiverStats(long archivedCount, String lastArchivedWal, OffsetDateTime lastArchivedTime,
            long failedCount, String lastFailedWal, OffsetDateTime lastFailedTime) {
    }

    /** @return the archiver statistics */
    public ArchiverStats archiverStats() {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT archived_count, last_archived_wal, "
                        + "last_archived_time, failed_count, last_failed_wal, last_failed_time FROM pg_stat_archiver")) {
            rows.next();
            return new ArchiverStats(rows.getLong(1), rows.getString(2), rows.getObject(3, OffsetDateTime.class),
                    rows.getLong(4), rows.getString(5), rows.getObject(6, OffsetDateTime.class));
        } catch (SQLException e) {
            throw failed("reading pg_stat_archiver", e);
        }
    }

    /**
     * Asks PostgreSQL to close the current WAL segment, so that it is archived.
     *
     * @return the position where the switch happened
     */
    public Lsn switchWal() {
        return Lsn.parse(queryValue("SELECT pg_switch_wal()").orElseThrow());
    }

    /**
     * @param lsn a position
     * @return the name of the WAL file holding it, on the server's current timeline
     */
    public String walFileName(Lsn lsn) {
        return queryValue("SELECT pg_walfile_name(?::pg_lsn)", lsn.toString()).orElseThrow();
    }

    /** @return the current write position */
    public Lsn currentLsn() {
        return Lsn.parse(queryValue(isInRecovery() ? "SELECT pg_last_wal_replay_lsn()"
                : "SELECT pg_current_wal_lsn()").orElseThrow());
    }

    /**
     * @param sql a query returning one value
     * @param parameters its parameters
     * @return the value of the first row, empty when there is no row or the value is null
     */
    public Optional<String> queryValue(String sql, String... parameters) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.ofNullable(rows.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failed(sql, e);
        }
    }

    private BarmanException failed(String what, SQLException e) {
        return new BarmanException("PostgreSQL of server " + serverName + " failed " + what + ": "
                + firstLine(e.getMessage()), e);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing useful to do: the session ends with the connection anyway
        }
    }
}
