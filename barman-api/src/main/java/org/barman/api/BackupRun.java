package org.barman.api;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;

/**
 * One base backup as core hands it to a {@link BackupStrategy}: what the strategy needs to take it, and where to
 * put it. Core implements it; a strategy never creates one.
 *
 * <p>{@link #backupDirectory()} exists; {@code backup.info} in it is core's, and a strategy never writes it. The
 * data and tablespace folders do not exist yet: a strategy that writes files itself creates them with Barman's
 * modes ({@link org.barman.api.support.OwnerOnly}), and makes what it wrote durable before {@link
 * BackupStrategy#take} returns ({@link org.barman.api.support.FileSyncer}), as the transports do.
 */
public interface BackupRun {

    /** @return the backup's id */
    BackupId backupId();

    /** @return the name of the server being backed up, for messages */
    String serverName();

    /**
     * @return the open connection to the server ({@code conninfo}), kept open until the backup is recorded: a
     *     non-exclusive backup started on it lives as long as it does
     */
    Connection connection();

    /**
     * @return what opens replication connections to the server ({@code streaming_conninfo}, else
     *     {@code conninfo})
     * @throws BarmanException when neither is set or the one used is malformed
     */
    ReplicationConnector replicationConnector();

    /** @return the server's options, for a strategy's own settings */
    PluginOptions options();

    /**
     * @param name a compressor's name, such as {@code gzip}, {@code lz4} or {@code zstd}
     * @return that {@link Compressor} plug-in, configured for base backups: at {@code backup_compression_level}
     *     when it is set, else at the compressor's default
     * @throws BarmanException when no compressor has that name, or the level is out of its range
     */
    Compressor compressor(String name);

    /** @return the label to give PostgreSQL, such as {@code Barman backup main 20261126T120312} */
    String label();

    /** @return whether to ask for a fast checkpoint at the start ({@code immediate_checkpoint} or the command line) */
    boolean immediateCheckpoint();

    /** @return the limit of the copy speed in kilobytes per second ({@code bandwidth_limit}), 0 for none */
    long bandwidthLimit();

    /**
     * @return how many times a failed transfer is tried again ({@code basebackup_retry_times} or the command line);
     *     {@link #copyFiles} applies it itself
     */
    int retryTimes();

    /** @return the pause before each retry ({@code basebackup_retry_sleep} or the command line) */
    Duration retrySleep();

    /** @return hears the progress of the transfer (the progress bar) */
    CopyListener progress();

    /** @return the backup's folder, {@code base/<id>}, which holds {@code backup.info} and the copy */
    Path backupDirectory();

    /** @return the folder of the copy of PGDATA, {@code base/<id>/data} */
    Path dataDirectory();

    /** @return the server's tablespaces, as {@code backup.info} records them */
    List<Tablespace> tablespaces();

    /**
     * @param tablespace one of {@link #tablespaces()}
     * @return the folder of its copy, {@code base/<id>/<oid>}
     */
    Path tablespaceDirectory(Tablespace tablespace);

    /**
     * Records the start in {@code backup.info} at once (begin WAL, position, timeline and time), so that the WAL
     * from there on is kept even if the backup never ends.
     *
     * @param start where the backup started
     * @throws BarmanException when {@code backup.info} cannot be written
     */
    void started(BackupStrategy.Start start);

    /**
     * Copies PGDATA and every tablespace through the server's transport into the backup's folders, with the
     * exclusions of a base backup, reuse of the previous backup, the bandwidth limits and the retries configured,
     * then the configuration files that live outside PGDATA. For the strategies that copy files between their
     * start and stop; a strategy whose server sends the files never calls it.
     *
     * @param labelInPgdata whether PostgreSQL wrote {@code backup_label} and {@code tablespace_map} into PGDATA
     *     itself (exclusive backup), so that the copy keeps them
     * @return what was copied
     * @throws BarmanException when the copy failed on its last attempt
     */
    CopyResult copyFiles(boolean labelInPgdata);
}
