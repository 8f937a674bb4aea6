package io.slotway.core.replication;

import io.slotway.api.PgException;
import io.slotway.api.change.Change;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Transaction;
import io.slotway.api.decoding.OutputWriter;
import io.slotway.api.decoding.PluginSession;
import io.slotway.core.wal.Entry;
import io.slotway.core.wal.WalItem;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Feeds committed WAL items to an output plugin's session, as PostgreSQL's logical decoding calls the
 * plugin's callbacks, and hands each output message on with the LSN PostgreSQL would attach to it:
 * the transaction's first LSN for BEGIN, each change's own LSN, the end of the commit record for
 * COMMIT, a message's LSN for a non-transactional message.
 */
final class DecodingPump {

    /** Receives each output message. */
    interface Sink {
        void message(Lsn lsn, long xid, byte[] data);
    }

    private final PluginSession plugin;
    private final Lsn startAt;
    private final DecodingPosition position;
    private final Writer writer = new Writer();

    /** @param startAt transactions committed before this LSN (already confirmed) are skipped */
    DecodingPump(PluginSession plugin, Lsn startAt) {
        this(plugin, startAt, new DecodingPosition(startAt));
    }

    /**
     * @param startAt  transactions committed before this LSN (already confirmed) are skipped
     * @param position moved to the LSN of the record each callback decodes (what the stream's
     *                 {@code DecodingContext} answers catalog questions as of)
     */
    DecodingPump(PluginSession plugin, Lsn startAt, DecodingPosition position) {
        this.plugin = plugin;
        this.startAt = startAt;
        this.position = position;
    }

    /** Decodes one item; returns false when it was skipped as already confirmed. */
    boolean feed(WalItem item, Sink sink) throws PgException {
        if (item instanceof WalItem.Committed c) {
            Transaction txn = c.transaction();
            if (txn.commitLsn().isBefore(startAt)) {
                return false;
            }
            writer.target(sink, txn.xid());
            writer.at(txn.firstLsn());
            position.set(txn.firstLsn());
            plugin.begin(txn, writer);
            for (Entry e : c.entries()) {
                writer.at(e.lsn());
                position.set(e.lsn());
                plugin.change(txn, e.lsn(), e.change(), writer);
            }
            writer.at(txn.endLsn());
            position.set(txn.commitLsn());
            plugin.commit(txn, writer);
            return true;
        }
        WalItem.Message m = (WalItem.Message) item;
        if (m.lsn().isBefore(startAt)) {
            return false;
        }
        writer.target(sink, m.xid());
        writer.at(m.lsn());
        position.set(m.lsn());
        plugin.message(m.lsn(), m.message(), writer);
        return true;
    }

    /** The LSN a fed item advances a consumer to: past its commit record, or past the message. */
    static Lsn endOf(WalItem item) {
        if (item instanceof WalItem.Committed c) {
            return c.transaction().endLsn();
        }
        return ((WalItem.Message) item).lsn().plus(1);
    }

    /** An OutputWriter collecting one message at a time. */
    private static final class Writer implements OutputWriter {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private Sink sink;
        private long xid;
        private Lsn lsn;
        private boolean open;

        void target(Sink newSink, long newXid) {
            this.sink = newSink;
            this.xid = newXid;
        }

        void at(Lsn newLsn) {
            this.lsn = newLsn;
        }

        @Override
        public void prepareWrite(boolean last) {
            buffer.reset();
            open = true;
        }

        @Override
        public OutputWriter append(CharSequence text) {
            byte[] b = text.toString().getBytes(StandardCharsets.UTF_8);
            buffer.write(b, 0, b.length);
            return this;
        }

        @Override
        public OutputWriter append(char c) {
            return append(String.valueOf(c));
        }

        @Override
        public OutputWriter appendBytes(byte[] bytes) {
            buffer.write(bytes, 0, bytes.length);
            return this;
        }

        @Override
        public OutputWriter appendByte(int b) {
            buffer.write(b);
            return this;
        }

        @Override
        public OutputWriter appendInt16(int v) {
            buffer.write(v >>> 8);
            buffer.write(v);
            return this;
        }

        @Override
        public OutputWriter appendInt32(int v) {
            appendInt16(v >>> 16);
            return appendInt16(v);
        }

        @Override
        public OutputWriter appendInt64(long v) {
            appendInt32((int) (v >>> 32));
            return appendInt32((int) v);
        }

        @Override
        public void write(boolean last) {
            if (!open) {
                throw new IllegalStateException("write without prepareWrite");
            }
            open = false;
            sink.message(lsn, xid, buffer.toByteArray());
        }
    }
}
