package org.barman.compress;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.StreamingXXHash32;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Reads the LZ4 frame format (lz4's {@code doc/lz4_Frame_format.md}) in every variant {@code lz4} and
 * PostgreSQL's tools write: independent or linked blocks (PostgreSQL's {@code LZ4F} defaults link them, which
 * lz4-java's own frame reader refuses), block and content checksums, content size, concatenated and skippable
 * frames. Independent blocks are decoded by lz4-java's native decoder; linked blocks, whose matches may reach
 * into the previous 64 KiB of output, by {@link #decodeLinkedBlock}.
 */
final class Lz4FrameReader extends InputStream {

    private static final int FRAME_MAGIC = 0x184D2204;
    private static final int SKIPPABLE_MAGIC_MASK = 0xFFFFFFF0;
    private static final int SKIPPABLE_MAGIC = 0x184D2A50;
    private static final int LEGACY_MAGIC = 0x184C2102;
    private static final int HISTORY = 64 * 1024;
    private static final int MIN_MATCH = 4;
    private static final int UNCOMPRESSED_BLOCK = 0x80000000;

    private static final LZ4SafeDecompressor BLOCK_DECODER = LZ4Factory.fastestInstance().safeDecompressor();
    private static final XXHashFactory HASHES = XXHashFactory.fastestInstance();

    private final InputStream in;
    private final XXHash32 blockHash = HASHES.hash32();
    private final byte[] header = new byte[15];
    private StreamingXXHash32 contentHash;
    private boolean inFrame;
    private boolean linkedBlocks;
    private boolean blockChecksum;
    private boolean contentChecksum;
    private long contentSize;
    private long decodedSize;
    private int blockMaxSize;
    private byte[] compressed = new byte[0];
    /** Decoded bytes: for linked blocks, up to 64 KiB of history followed by the current block. */
    private byte[] decoded = new byte[0];
    private int position;
    private int limit;
    private boolean finished;

    /**
     * @param in the compressed input, positioned at a frame's magic number
     */
    Lz4FrameReader(InputStream in) {
        this.in = Objects.requireNonNull(in, "in is null");
    }

    @Override
    public int read() throws IOException {
        if (position == limit && !nextBlock()) {
            return -1;
        }
        return decoded[position++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (position == limit && !nextBlock()) {
            return -1;
        }
        int n = Math.min(len, limit - position);
        System.arraycopy(decoded, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public int available() {
        return limit - position;
    }

    @Override
    public void close() throws IOException {
        finished = true;
        if (contentHash != null) {
            contentHash.close();
            contentHash = null;
        }
        in.close();
    }

    /** @return whether a block of output is ready; false at the end of the last frame */
    private boolean nextBlock() throws IOException {
        while (true) {
            if (finished) {
                return false;
            }
            if (!inFrame && !startFrame()) {
                finished = true;
                return false;
            }
            int size = readIntLe();
            if (size == 0) {
                endFrame();
                continue;
            }
            boolean stored = (size & UNCOMPRESSED_BLOCK) != 0;
            int length = size & ~UNCOMPRESSED_BLOCK;
            if (length > blockMaxSize) {
                throw new IOException("lz4 block of " + length + " bytes exceeds the frame's block size of "
                        + blockMaxSize);
            }
            readFully(compressed, 0, length);
            if (blockChecksum && readIntLe() != blockHash.hash(compressed, 0, length, 0)) {
                throw new IOException("lz4 block checksum mismatch");
            }
            int start = keepHistory();
            int end = stored ? copyStored(length, start) : decode(length, start);
            if (end > start) {
                contentHash.update(decoded, start, end - start);
                decodedSize += end - start;
                position = start;
                limit = end;
                return true;
            }
        }
    }

    private boolean startFrame() throws IOException {
        while (true) {
            int first = in.read();
            if (first < 0) {
                return false;
            }
            header[0] = (byte) first;
            readFully(header, 1, 3);
            int magic = intLe(header, 0);
            if ((magic & SKIPPABLE_MAGIC_MASK) == SKIPPABLE_MAGIC) {
                skipFully(readIntLe() & 0xFFFFFFFFL);
                continue;
            }
            if (magic == LEGACY_MAGIC) {
                throw new IOException("legacy lz4 format (lz4 -l) is not supported");
            }
            if (magic != FRAME_MAGIC) {
                throw new IOException(String.format("not an lz4 frame: magic number 0x%08X", magic));
            }
            readFrameDescriptor();
            return true;
        }
    }

    private void readFrameDescriptor() throws IOException {
        readFully(header, 0, 2);
        int flags = header[0] & 0xff;
        int blockDescriptor = header[1] & 0xff;
        if ((flags >>> 6) != 1) {
            throw new IOException("unsupported lz4 frame version " + (flags >>> 6));
        }
        if ((flags & 0x02) != 0 || (blockDescriptor & 0x8F) != 0) {
            throw new IOException("lz4 frame descriptor has reserved bits set");
        }
        linkedBlocks = (flags & 0x20) == 0;
        blockChecksum = (flags & 0x10) != 0;
        boolean hasContentSize = (flags & 0x08) != 0;
        contentChecksum = (flags & 0x04) != 0;
        boolean hasDictionary = (flags & 0x01) != 0;
        int length = 2;
        if (hasContentSize) {
            readFully(header, length, 8);
            contentSize = longLe(header, length);
            length += 8;
        } else {
            contentSize = -1;
        }
        if (hasDictionary) {
            readFully(header, length, 4);
            length += 4;
        }
        int expected = (blockHash.hash(header, 0, length, 0) >>> 8) & 0xff;
        int check = in.read();
        if (check < 0) {
            throw new EOFException("lz4 frame is truncated in its header");
        }
        if (check != expected) {
            throw new IOException("lz4 frame header checksum mismatch");
        }
        if (hasDictionary) {
            throw new IOException("lz4 frame needs a dictionary, which Barman does not have");
        }
        int sizeId = (blockDescriptor >>> 4) & 0x07;
        if (sizeId < 4) {
            throw new IOException("unsupported lz4 block size id " + sizeId);
        }
        blockMaxSize = 1 << (8 + 2 * sizeId);
        if (compressed.length < blockMaxSize) {
            compressed = new byte[blockMaxSize];
        }
        int needed = linkedBlocks ? HISTORY + blockMaxSize : blockMaxSize;
        if (decoded.length < needed) {
            decoded = new byte[needed];
        }
        position = 0;
        limit = 0;
        decodedSize = 0;
        if (contentHash == null) {
            contentHash = HASHES.newStreamingHash32(0);
        } else {
            contentHash.reset();
        }
        inFrame = true;
    }

    private void endFrame() throws IOException {
        inFrame = false;
        position = 0;
        limit = 0;
        if (contentChecksum && readIntLe() != contentHash.getValue()) {
            throw new IOException("lz4 content checksum mismatch");
        }
        if (contentSize >= 0 && contentSize != decodedSize) {
            throw new IOException("lz4 frame declares " + contentSize + " bytes of content but holds "
                    + decodedSize);
        }
    }

    /** @return where the next block's output starts: after the last 64 KiB of output for linked blocks */
    private int keepHistory() {
        if (!linkedBlocks) {
            return 0;
        }
        if (limit > HISTORY) {
            System.arraycopy(decoded, limit - HISTORY, decoded, 0, HISTORY);
            return HISTORY;
        }
        return limit;
    }

    private int copyStored(int length, int start) {
        System.arraycopy(compressed, 0, decoded, start, length);
        return start + length;
    }

    private int decode(int length, int start) throws IOException {
        if (linkedBlocks) {
            return decodeLinkedBlock(compressed, 0, length, decoded, start, start + blockMaxSize);
        }
        return BLOCK_DECODER.decompress(compressed, 0, length, decoded, 0, blockMaxSize);
    }

    /**
     * Decodes one LZ4 block (lz4's {@code doc/lz4_Block_format.md}) whose matches may reach back into the output
     * already in {@code dest} before {@code destOff}.
     *
     * @param src the block
     * @param srcOff where it starts
     * @param srcLen how long it is
     * @param dest the output, with history before {@code destOff}
     * @param destOff where this block's output starts
     * @param destLimit how far its output may go
     * @return the end of this block's output
     * @throws IOException when the block is malformed
     */
    static int decodeLinkedBlock(byte[] src, int srcOff, int srcLen, byte[] dest, int destOff, int destLimit)
            throws IOException {
        int sp = srcOff;
        int srcEnd = srcOff + srcLen;
        int dp = destOff;
        while (true) {
            if (sp >= srcEnd) {
                throw malformed("ends before its last literals");
            }
            int token = src[sp++] & 0xff;
            int literals = token >>> 4;
            if (literals == 15) {
                int b;
                do {
                    if (sp >= srcEnd) {
                        throw malformed("ends inside a literal length");
                    }
                    b = src[sp++] & 0xff;
                    literals += b;
                } while (b == 255 && literals < srcLen);
            }
            if (literals > srcEnd - sp || literals > destLimit - dp) {
                throw malformed("has a literal run that overflows");
            }
            System.arraycopy(src, sp, dest, dp, literals);
            sp += literals;
            dp += literals;
            if (sp == srcEnd) {
                return dp;
            }
            if (srcEnd - sp < 2) {
                throw malformed("ends inside a match offset");
            }
            int offset = (src[sp] & 0xff) | (src[sp + 1] & 0xff) << 8;
            sp += 2;
            if (offset == 0 || offset > dp) {
                throw malformed("has a match offset outside the output");
            }
            int match = token & 0x0f;
            if (match == 15) {
                int b;
                do {
                    if (sp >= srcEnd) {
                        throw malformed("ends inside a match length");
                    }
                    b = src[sp++] & 0xff;
                    match += b;
                } while (b == 255 && match <= destLimit);
            }
            match += MIN_MATCH;
            if (match > destLimit - dp) {
                throw malformed("has a match that overflows the block size");
            }
            int from = dp - offset;
            int end = dp + match;
            while (dp < end) {
                int n = Math.min(dp - from, end - dp);
                System.arraycopy(dest, from, dest, dp, n);
                dp += n;
            }
        }
    }

    private static IOException malformed(String what) {
        return new IOException("lz4 block " + what);
    }

    private int readIntLe() throws IOException {
        readFully(header, 0, 4);
        return intLe(header, 0);
    }

    private void readFully(byte[] b, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = in.read(b, off + done, len - done);
            if (n < 0) {
                throw new EOFException("lz4 frame is truncated");
            }
            done += n;
        }
    }

    private void skipFully(long length) throws IOException {
        long left = length;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("lz4 skippable frame is truncated");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private static int intLe(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    private static long longLe(byte[] b, int off) {
        return (intLe(b, off) & 0xFFFFFFFFL) | (long) intLe(b, off + 4) << 32;
    }
}
