package org.barman.streaming;

/**
 * The replication connection was lost or refused, or the server ended the stream: the receiver connects again
 * after a wait.
 */
final class ConnectionLost extends RuntimeException {

    /**
     * @param reason why, in PostgreSQL's or the network's words
     * @param cause the error, or null
     */
    ConnectionLost(String reason, Throwable cause) {
        super(reason, cause);
    }
}
