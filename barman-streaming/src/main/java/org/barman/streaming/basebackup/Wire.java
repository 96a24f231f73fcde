package org.barman.streaming.basebackup;

import java.io.IOException;

/**
 * The two directions of a connection whose session is already established (authenticated, parameters exchanged):
 * what a frontend sends, and the bytes of the backend's messages as they come.
 */
interface Wire {

    /**
     * Sends a simple-query message ({@code Q}) and flushes it.
     *
     * @param text the command, encoded as UTF-8
     * @throws IOException when it cannot be sent
     */
    void sendQuery(String text) throws IOException;

    /**
     * @return the next byte of the backend's stream, 0 to 255
     * @throws IOException when the stream ends or breaks
     */
    int receiveByte() throws IOException;

    /**
     * @return the next four bytes of the backend's stream, as a big-endian int
     * @throws IOException when the stream ends or breaks
     */
    int receiveInt4() throws IOException;

    /**
     * Reads exactly {@code length} bytes.
     *
     * @param buffer where to put them
     * @param offset where in the buffer
     * @param length how many
     * @throws IOException when the stream ends or breaks first
     */
    void receive(byte[] buffer, int offset, int length) throws IOException;
}
