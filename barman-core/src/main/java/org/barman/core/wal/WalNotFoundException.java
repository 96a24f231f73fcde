package org.barman.core.wal;

import org.barman.api.BarmanException;
import org.barman.api.WalSegmentName;

/** A WAL file asked for is not in the archive. */
public final class WalNotFoundException extends BarmanException {

    WalNotFoundException(WalSegmentName name, String server) {
        super("WAL file " + name + " is not in the archive of server " + server);
    }
}
