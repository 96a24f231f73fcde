package org.barman.api;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * What the catalogue knows of one base backup: the fields of Barman's {@code backup.info}.
 *
 * <p>Fields that are not known yet (a backup still running, or one that failed early) are {@code null}; numbers
 * not known are 0. Build one with {@link #builder(BackupId)} and change it with {@link #toBuilder()}.
 *
 * @param id the backup id, also its folder name
 * @param serverName the server it belongs to ({@code server_name})
 * @param status where it is in its life
 * @param mode how it was taken, such as {@code local-concurrent} or {@code rsync-concurrent}
 * @param backupLabel the content of the {@code backup_label} PostgreSQL returned
 * @param beginTime when the backup started on the server
 * @param endTime when it ended on the server
 * @param beginWal the WAL segment holding {@code beginXlog}
 * @param endWal the WAL segment holding {@code endXlog}: it must be archived for the backup to be consistent
 * @param beginXlog the position where the backup started (the checkpoint's redo)
 * @param endXlog the position where it ended
 * @param beginOffset {@code beginXlog}'s offset in {@code beginWal}
 * @param endOffset {@code endXlog}'s offset in {@code endWal}
 * @param timeline the timeline the backup started on
 * @param size bytes of the backup as a full copy (data and tablespaces)
 * @param deduplicatedSize bytes actually written for it (less than {@code size} when files were reused by link)
 * @param pgdata the data folder on the PostgreSQL host
 * @param tablespaces the tablespaces it holds, empty when none
 * @param version the server's {@code server_version_num}, such as 150004
 * @param systemid the cluster's system identifier
 * @param xlogSegmentSize the cluster's WAL segment size in bytes
 * @param configFile the server's {@code config_file}
 * @param hbaFile the server's {@code hba_file}
 * @param identFile the server's {@code ident_file}
 * @param includedFiles configuration files included from {@code config_file}
 * @param error why it failed, for a FAILED backup
 * @param compression the compressor of the tar archives the copy is stored as ({@code base.tar.gz} and so on),
 *     or null for a plain copy of the files
 */
public record BackupInfo(
        BackupId id,
        String serverName,
        BackupStatus status,
        String mode,
        String backupLabel,
        OffsetDateTime beginTime,
        OffsetDateTime endTime,
        WalSegmentName beginWal,
        WalSegmentName endWal,
        Lsn beginXlog,
        Lsn endXlog,
        long beginOffset,
        long endOffset,
        long timeline,
        long size,
        long deduplicatedSize,
        String pgdata,
        List<Tablespace> tablespaces,
        int version,
        String systemid,
        long xlogSegmentSize,
        String configFile,
        String hbaFile,
        String identFile,
        List<String> includedFiles,
        String error,
        String compression) {

    /**
     * Requires an id and a status; copies the lists.
     *
     * @param id the backup id, also its folder name
     * @param serverName the server it belongs to ({@code server_name})
     * @param status where it is in its life
     * @param mode how it was taken, such as {@code local-concurrent} or {@code rsync-concurrent}
     * @param backupLabel the content of the {@code backup_label} PostgreSQL returned
     * @param beginTime when the backup started on the server
     * @param endTime when it ended on the server
     * @param beginWal the WAL segment holding {@code beginXlog}
     * @param endWal the WAL segment holding {@code endXlog}: it must be archived for the backup to be consistent
     * @param beginXlog the position where the backup started (the checkpoint's redo)
     * @param endXlog the position where it ended
     * @param beginOffset {@code beginXlog}'s offset in {@code beginWal}
     * @param endOffset {@code endXlog}'s offset in {@code endWal}
     * @param timeline the timeline the backup started on
     * @param size bytes of the backup as a full copy (data and tablespaces)
     * @param deduplicatedSize bytes actually written for it (less than {@code size} when files were reused by link)
     * @param pgdata the data folder on the PostgreSQL host
     * @param tablespaces the tablespaces it holds, empty when none
     * @param version the server's {@code server_version_num}, such as 150004
     * @param systemid the cluster's system identifier
     * @param xlogSegmentSize the cluster's WAL segment size in bytes
     * @param configFile the server's {@code config_file}
     * @param hbaFile the server's {@code hba_file}
     * @param identFile the server's {@code ident_file}
     * @param includedFiles configuration files included from {@code config_file}
     * @param error why it failed, for a FAILED backup
     * @param compression the compressor of the tar archives the copy is stored as, or null for a plain copy
     */
    public BackupInfo {
        if (id == null) {
            throw new IllegalArgumentException("a backup needs an id");
        }
        if (status == null) {
            throw new IllegalArgumentException("backup " + id + " needs a status");
        }
        tablespaces = tablespaces == null ? List.of() : List.copyOf(tablespaces);
        includedFiles = includedFiles == null ? List.of() : List.copyOf(includedFiles);
    }

    /**
     * @param id the backup id
     * @return a builder for a new EMPTY backup with the default segment size
     */
    public static Builder builder(BackupId id) {
        return new Builder(id);
    }

    /** @return a builder holding this backup's fields */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** @return whether this backup is complete and consistent: the only kind that recovers or counts */
    public boolean isDone() {
        return status == BackupStatus.DONE;
    }

    /** A mutable builder of {@link BackupInfo}; every setter returns the builder. */
    public static final class Builder {
        private BackupId id;
        private String serverName;
        private BackupStatus status = BackupStatus.EMPTY;
        private String mode;
        private String backupLabel;
        private OffsetDateTime beginTime;
        private OffsetDateTime endTime;
        private WalSegmentName beginWal;
        private WalSegmentName endWal;
        private Lsn beginXlog;
        private Lsn endXlog;
        private long beginOffset;
        private long endOffset;
        private long timeline;
        private long size;
        private long deduplicatedSize;
        private String pgdata;
        private List<Tablespace> tablespaces = List.of();
        private int version;
        private String systemid;
        private long xlogSegmentSize = WalSegmentName.DEFAULT_SEGMENT_SIZE;
        private String configFile;
        private String hbaFile;
        private String identFile;
        private List<String> includedFiles = List.of();
        private String error;
        private String compression;

        private Builder(BackupId id) {
            this.id = id;
        }

        private Builder(BackupInfo info) {
            id = info.id;
            serverName = info.serverName;
            status = info.status;
            mode = info.mode;
            backupLabel = info.backupLabel;
            beginTime = info.beginTime;
            endTime = info.endTime;
            beginWal = info.beginWal;
            endWal = info.endWal;
            beginXlog = info.beginXlog;
            endXlog = info.endXlog;
            beginOffset = info.beginOffset;
            endOffset = info.endOffset;
            timeline = info.timeline;
            size = info.size;
            deduplicatedSize = info.deduplicatedSize;
            pgdata = info.pgdata;
            tablespaces = info.tablespaces;
            version = info.version;
            systemid = info.systemid;
            xlogSegmentSize = info.xlogSegmentSize;
            configFile = info.configFile;
            hbaFile = info.hbaFile;
            identFile = info.identFile;
            includedFiles = info.includedFiles;
            error = info.error;
            compression = info.compression;
        }

        /**
         * @param value the id
         * @return this builder
         */
        public Builder id(BackupId value) {
            id = value;
            return this;
        }

        /**
         * @param value the server name
         * @return this builder
         */
        public Builder serverName(String value) {
            serverName = value;
            return this;
        }

        /**
         * @param value the status
         * @return this builder
         */
        public Builder status(BackupStatus value) {
            status = value;
            return this;
        }

        /**
         * @param value the mode
         * @return this builder
         */
        public Builder mode(String value) {
            mode = value;
            return this;
        }

        /**
         * @param value the backup label text
         * @return this builder
         */
        public Builder backupLabel(String value) {
            backupLabel = value;
            return this;
        }

        /**
         * @param value the start time
         * @return this builder
         */
        public Builder beginTime(OffsetDateTime value) {
            beginTime = value;
            return this;
        }

        /**
         * @param value the end time
         * @return this builder
         */
        public Builder endTime(OffsetDateTime value) {
            endTime = value;
            return this;
        }

        /**
         * @param value the first WAL segment
         * @return this builder
         */
        public Builder beginWal(WalSegmentName value) {
            beginWal = value;
            return this;
        }

        /**
         * @param value the last WAL segment
         * @return this builder
         */
        public Builder endWal(WalSegmentName value) {
            endWal = value;
            return this;
        }

        /**
         * @param value the start position
         * @return this builder
         */
        public Builder beginXlog(Lsn value) {
            beginXlog = value;
            return this;
        }

        /**
         * @param value the end position
         * @return this builder
         */
        public Builder endXlog(Lsn value) {
            endXlog = value;
            return this;
        }

        /**
         * @param value the start offset in its segment
         * @return this builder
         */
        public Builder beginOffset(long value) {
            beginOffset = value;
            return this;
        }

        /**
         * @param value the end offset in its segment
         * @return this builder
         */
        public Builder endOffset(long value) {
            endOffset = value;
            return this;
        }

        /**
         * @param value the timeline
         * @return this builder
         */
        public Builder timeline(long value) {
            timeline = value;
            return this;
        }

        /**
         * @param value the size in bytes
         * @return this builder
         */
        public Builder size(long value) {
            size = value;
            return this;
        }

        /**
         * @param value the bytes written for this backup
         * @return this builder
         */
        public Builder deduplicatedSize(long value) {
            deduplicatedSize = value;
            return this;
        }

        /**
         * @param value the data folder on the PostgreSQL host
         * @return this builder
         */
        public Builder pgdata(String value) {
            pgdata = value;
            return this;
        }

        /**
         * @param value the tablespaces
         * @return this builder
         */
        public Builder tablespaces(List<Tablespace> value) {
            tablespaces = value;
            return this;
        }

        /**
         * @param value the {@code server_version_num}
         * @return this builder
         */
        public Builder version(int value) {
            version = value;
            return this;
        }

        /**
         * @param value the system identifier
         * @return this builder
         */
        public Builder systemid(String value) {
            systemid = value;
            return this;
        }

        /**
         * @param value the WAL segment size in bytes
         * @return this builder
         */
        public Builder xlogSegmentSize(long value) {
            xlogSegmentSize = value;
            return this;
        }

        /**
         * @param value the {@code config_file}
         * @return this builder
         */
        public Builder configFile(String value) {
            configFile = value;
            return this;
        }

        /**
         * @param value the {@code hba_file}
         * @return this builder
         */
        public Builder hbaFile(String value) {
            hbaFile = value;
            return this;
        }

        /**
         * @param value the {@code ident_file}
         * @return this builder
         */
        public Builder identFile(String value) {
            identFile = value;
            return this;
        }

        /**
         * @param value the included configuration files
         * @return this builder
         */
        public Builder includedFiles(List<String> value) {
            includedFiles = value;
            return this;
        }

        /**
         * @param value why the backup failed
         * @return this builder
         */
        public Builder error(String value) {
            error = value;
            return this;
        }

        /**
         * @param value the compressor of the copy's tar archives, or null for a plain copy
         * @return this builder
         */
        public Builder compression(String value) {
            compression = value;
            return this;
        }

        /** @return the backup info */
        public BackupInfo build() {
            return new BackupInfo(id, serverName, status, mode, backupLabel, beginTime, endTime, beginWal, endWal,
                    beginXlog, endXlog, beginOffset, endOffset, timeline, size, deduplicatedSize, pgdata,
                    tablespaces, version, systemid, xlogSegmentSize, configFile, hbaFile, identFile,
                    includedFiles, error, compression);
        }
    }
}
