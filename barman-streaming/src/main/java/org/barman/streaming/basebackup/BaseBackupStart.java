package org.barman.streaming.basebackup;

import java.util.List;

import org.barman.api.Lsn;

/**
 * Where a base backup starts, as the server answers before sending any file.
 *
 * @param position the backup's start position (the redo point of its checkpoint)
 * @param timeline the timeline of that position
 * @param tablespaces the tablespaces the backup holds, besides the data folder
 * @param dataSizeBytes the data folder's estimated size, or -1 when the backup did not ask for progress
 */
public record BaseBackupStart(Lsn position, long timeline, List<ServerTablespace> tablespaces, long dataSizeBytes) {

    /**
     * @param position the start position
     * @param timeline its timeline
     * @param tablespaces the tablespaces
     * @param dataSizeBytes the data folder's size, or -1
     */
    public BaseBackupStart {
        tablespaces = List.copyOf(tablespaces);
    }

    /** @return the estimated size of everything the backup sends, or -1 when unknown */
    public long totalSizeBytes() {
        if (dataSizeBytes < 0) {
            return -1;
        }
        long total = dataSizeBytes;
        for (ServerTablespace tablespace : tablespaces) {
            total += Math.max(0, tablespace.sizeBytes());
        }
        return total;
    }
}
