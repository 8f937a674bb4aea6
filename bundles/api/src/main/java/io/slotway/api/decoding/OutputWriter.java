package io.slotway.api.decoding;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a plugin writes: each {@link #prepareWrite} ... {@link #write} pair is one output message (one
 * XLogData on a replication stream, one row of {@code pg_logical_slot_get_changes}), as PostgreSQL's
 * OutputPluginPrepareWrite and OutputPluginWrite.
 */
@ProviderType
public interface OutputWriter {
    /** Starts a message; {@code last} tells that it is the callback's last. */
    void prepareWrite(boolean last);

    /** Appends UTF-8 text. */
    OutputWriter append(CharSequence text);

    OutputWriter append(char c);

    OutputWriter appendBytes(byte[] bytes);

    OutputWriter appendByte(int b);

    /** Appends a 16-bit integer in network byte order. */
    OutputWriter appendInt16(int v);

    /** Appends a 32-bit integer in network byte order. */
    OutputWriter appendInt32(int v);

    /** Appends a 64-bit integer in network byte order. */
    OutputWriter appendInt64(long v);

    /** Ends the message started by {@link #prepareWrite}. */
    void write(boolean last);
}
