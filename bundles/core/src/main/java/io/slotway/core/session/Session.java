package io.slotway.core.session;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.source.ColumnDescription;
import io.slotway.api.source.PreparedQuery;
import io.slotway.api.source.QueryCursor;
import io.slotway.api.source.SourceSnapshot;
import io.slotway.api.source.SqlSession;
import io.slotway.api.source.TransactionMode;
import io.slotway.api.sql.PgLexer;
import io.slotway.api.types.PgType;
import io.slotway.api.types.PgValues;
import io.slotway.core.copy.CopyFormatter;
import io.slotway.core.copy.CopyOptions;
import io.slotway.core.copy.CopyStatement;
import io.slotway.core.pgwire.BackendMessage;
import io.slotway.core.pgwire.BackendMessage.Field;
import io.slotway.core.pgwire.FrontendMessage;
import io.slotway.core.replication.ReplicationCommand;
import io.slotway.core.replication.ReplicationContext;
import io.slotway.core.replication.ReplicationServices;
import io.slotway.core.replication.WalSender;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's SQL session after startup: the simple and extended query protocols, PostgreSQL's
 * transaction rules and the session's settings. Statements on user objects go to the source's
 * {@link SqlSession}; the rest ({@link Command}) is carried out here. Used by one thread at a time.
 */
public final class Session {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    private static final short TEXT = 0;
    private static final short BINARY = 1;

    /** Transaction state as ReadyForQuery reports it. */
    enum TxState {
        IDLE('I'), IN_BLOCK('T'), FAILED('E');

        final byte status;

        TxState(char status) {
            this.status = (byte) status;
        }
    }

    /** A parsed statement: a core command, a source statement, or the empty statement. */
    private volatile String currentQuery;
    private final Object activityLock = new Object();
    private String activityState = "idle";
    private Instant xactStart;
    private Instant queryStart;
    private Instant stateChange = Instant.now();

    private record Statement(String sql, Command command, PreparedQuery prepared, int[] parameterTypes,
                             List<ColumnDescription> columns) {
        boolean empty() {
            return command == null && prepared == null;
        }
    }

    /** A bound statement, possibly part way through its rows. */
    private static final class Portal {
        final Statement statement;
        final Object[] parameters;
        final short[] resultFormats;
        QueryCursor cursor;
        boolean done;

        Portal(Statement statement, Object[] parameters, short[] resultFormats) {
            this.statement = statement;
            this.parameters = parameters;
            this.resultFormats = resultFormats;
        }

        void close() {
            if (cursor != null) {
                cursor.close();
                cursor = null;
            }
        }
    }

    private final SqlSession source;
    private final Settings settings;
    private final Output out;
    /** Set on replication connections, null otherwise. */
    private final ReplicationContext replication;
    /** The stream running now on a replication connection, or null. */
    private volatile WalSender streaming;
    private final Map<String, Statement> statements = new HashMap<>();
    private final Map<String, Portal> portals = new HashMap<>();
    private final Deque<String> savepoints = new ArrayDeque<>();
    private TxState tx = TxState.IDLE;
    /** An implicit transaction (multi-statement Query, or extended protocol until Sync) is open. */
    private boolean implicitOpen;
    /** After an error in the extended protocol, messages are discarded until Sync. */
    private boolean skipUntilSync;
    private volatile boolean cancelRequested;
    /** A FATAL error was sent: the connection must close after this message. */
    private boolean closeAfterMessage;
    private TransactionMode nextTransactionMode;
    /** Answers catalog queries (null: everything goes to the source). */
    private io.slotway.core.catalog.CatalogEngine catalog;
    private io.slotway.core.catalog.CatalogEngine.Client catalogClient;
    /** The server's exported snapshots. */
    private final ExportedSnapshots snapshots;
    /** The snapshot this replication connection exported, valid until its next command; or null. */
    private String exportedSnapshot;
    /** A query ran in the open transaction (PostgreSQL's FirstSnapshotSet): too late to set its snapshot. */
    private boolean queried;

    public Session(SqlSession source, Settings settings, Output out) {
        this(source, settings, out, null);
    }

    public Session(SqlSession source, Settings settings, Output out, ReplicationContext replication) {
        this(source, settings, out, replication, new ExportedSnapshots());
    }

    public Session(SqlSession source, Settings settings, Output out, ReplicationContext replication,
                   ExportedSnapshots snapshots) {
        this.source = source;
        this.settings = settings;
        this.out = out;
        this.replication = replication;
        this.snapshots = snapshots;
    }

    /** Lets {@code engine} answer the catalog queries of this session as {@code client}. */
    public void catalog(io.slotway.core.catalog.CatalogEngine engine, io.slotway.core.catalog.CatalogEngine.Client client) {
        this.catalog = engine;
        this.catalogClient = client;
    }

    /** A statement reading only pg_catalog/information_schema goes to the catalog engine, the rest to the source. */
    private PreparedQuery prepareQuery(String sql, int[] parameterTypes) throws PgException {
        PreparedQuery q = catalog == null ? null : catalog.prepare(sql, parameterTypes, catalogClient);
        return q != null ? q : source.prepare(sql, parameterTypes);
    }

    /**
     * Hands a client message to the replication stream running now (CopyData, CopyDone, CopyFail,
     * Terminate); returns false when no stream runs and the message takes the normal path.
     */
    public boolean offerToStream(FrontendMessage message) {
        WalSender w = streaming;
        if (w == null) {
            return false;
        }
        w.offer(message);
        return true;
    }

    public Settings settings() {
        return settings;
    }

    /** ReadyForQuery's status byte now. */
    public byte transactionStatus() {
        return tx.status;
    }

    /** Handles one message; returns false when the connection should close (Terminate). */
    public boolean handle(FrontendMessage message) {
        if (message instanceof FrontendMessage.Terminate) {
            return false;
        }
        if (message instanceof FrontendMessage.Sync) {
            sync();
            return true;
        }
        if (skipUntilSync) {
            return true;
        }
        cancelRequested = false;
        try {
            if (replication != null && !(message instanceof FrontendMessage.Query)
                    && !(message instanceof FrontendMessage.Invalid) && !(message instanceof FrontendMessage.Flush)
                    && !(message instanceof FrontendMessage.CopyData) && !(message instanceof FrontendMessage.CopyDone)
                    && !(message instanceof FrontendMessage.CopyFail)) {
                throw new PgException(SqlState.PROTOCOL_VIOLATION, message instanceof FrontendMessage.FunctionCall
                        ? "fastpath function calls not supported in a replication connection"
                        : "extended query protocol not supported in a replication connection");
            }
            if (message instanceof FrontendMessage.Query q) {
                simpleQuery(q.sql());
            } else if (message instanceof FrontendMessage.Parse p) {
                parse(p);
            } else if (message instanceof FrontendMessage.Bind b) {
                bind(b);
            } else if (message instanceof FrontendMessage.Describe d) {
                describe(d);
            } else if (message instanceof FrontendMessage.Execute e) {
                execute(e);
            } else if (message instanceof FrontendMessage.Close c) {
                close(c);
            } else if (message instanceof FrontendMessage.Flush) {
                out.flush();
            } else if (message instanceof FrontendMessage.Invalid invalid) {
                throw invalid.error();
            } else if (message instanceof FrontendMessage.FunctionCall) {
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "the function call protocol message is not supported");
            } else if (message instanceof FrontendMessage.CopyData || message instanceof FrontendMessage.CopyDone
                    || message instanceof FrontendMessage.CopyFail) {
                // Ignored outside COPY, as PostgreSQL does: a COPY that failed leaves the client sending.
                return true;
            } else {
                throw new PgException(SqlState.PROTOCOL_VIOLATION, "unexpected message in this state");
            }
        } catch (PgException e) {
            extendedError(e);
        } catch (RuntimeException e) {
            LOG.error("internal error handling {}", message.getClass().getSimpleName(), e);
            extendedError(new PgException(SqlState.INTERNAL_ERROR, String.valueOf(e.getMessage()), e));
        }
        return !closeAfterMessage;
    }

    /**
     * {@code set_config(name, value, is_local)} called from SQL: like SET (SET LOCAL when local), inside
     * the transaction the calling statement runs in; returns the new value.
     */
    public String setConfig(String name, String value, boolean local) throws PgException {
        boolean inTx = tx != TxState.IDLE || implicitOpen;
        if (!(local && !inTx)) {
            settings.set(name, value, local, inTx);
        }
        return settings.show(name);
    }

    /** Asks the statement running now to stop with 57014. Called from another thread. */
    public void cancel() {
        cancelRequested = true;
        source.cancel();
    }

    /** The client's current query text, as {@code current_query()} reports it. */
    public String currentQuery() {
        return currentQuery;
    }

    /**
     * What {@code pg_stat_activity} shows of this session: its state ({@code active}, {@code idle}, {@code idle in
     * transaction}, {@code idle in transaction (aborted)}), its last query, and when its transaction, its last query
     * and its state began (PostgreSQL's pgstat_report_activity: running at each Query, Parse, Bind and Execute, idle
     * at ReadyForQuery).
     */
    public record Activity(String state, String query, Instant xactStart, Instant queryStart, Instant stateChange,
                           boolean walsender, boolean streaming) {}

    public Activity activity() {
        synchronized (activityLock) {
            return new Activity(activityState, currentQuery, xactStart, queryStart, stateChange, replication != null,
                    streaming != null);
        }
    }

    private void running(String sql, boolean replicationCommand) {
        Instant now = Instant.now();
        synchronized (activityLock) {
            currentQuery = sql;
            // a replication command runs outside any transaction (a walsender has no xact_start)
            if (xactStart == null && !replicationCommand) {
                xactStart = now;
            }
            queryStart = now;
            activityState = "active";
            stateChange = now;
        }
    }

    private void idle() {
        Instant now = Instant.now();
        synchronized (activityLock) {
            switch (tx) {
                case IDLE -> {
                    activityState = "idle";
                    xactStart = null;
                }
                case IN_BLOCK -> activityState = "idle in transaction";
                default -> activityState = "idle in transaction (aborted)";
            }
            stateChange = now;
        }
    }

    /** Ends the session: open work is rolled back. */
    public void close() {
        withdrawExported();
        closeAllPortals();
        source.close();
    }

    // ---------------------------------------------------------------- simple query

    private void simpleQuery(String sql) {
        running(sql, replication != null && ReplicationCommand.isReplicationCommand(sql));
        // An exported snapshot lives until the exporting connection's next command, as in PostgreSQL.
        withdrawExported();
        // A simple Query discards the unnamed statement and portal, as in PostgreSQL.
        dropUnnamed();
        if (replication != null && ReplicationCommand.isReplicationCommand(sql)) {
            replicationCommand(sql);
            return;
        }
        if (replication != null && replication.physical()) {
            out.send(new BackendMessage.ErrorResponse(new PgException(SqlState.PROTOCOL_VIOLATION,
                    "cannot execute SQL commands in WAL sender for physical replication")));
            readyForQuery();
            return;
        }
        List<String> parts;
        try {
            parts = PgLexer.splitStatements(sql);
        } catch (PgException e) {
            out.send(new BackendMessage.ErrorResponse(e));
            readyForQuery();
            return;
        }
        if (parts.isEmpty()) {
            out.send(new BackendMessage.EmptyQueryResponse());
            readyForQuery();
            return;
        }
        boolean multi = parts.size() > 1;
        try {
            for (String part : parts) {
                if (cancelRequested) {
                    throw canceled();
                }
                runSimple(part, multi);
            }
            endImplicit(true);
        } catch (PgException e) {
            fail(e);
        } catch (RuntimeException e) {
            LOG.error("internal error running query", e);
            fail(new PgException(SqlState.INTERNAL_ERROR, String.valueOf(e.getMessage()), e));
        }
        readyForQuery();
    }

    private void runSimple(String sql, boolean multi) throws PgException {
        Command command = Command.parse(sql);
        checkNotFailed(command);
        if (command != null) {
            runCommand(command, multi, null);
            return;
        }
        if (CopyStatement.isCopy(sql)) {
            copy(sql);
            return;
        }
        ensureTransaction();
        queried = true;
        try (PreparedQuery prepared = prepareQuery(sql, new int[0])) {
            List<ColumnDescription> columns = prepared.columns();
            if (!columns.isEmpty()) {
                out.send(rowDescription(columns, new short[0]));
            }
            try (QueryCursor cursor = prepared.execute(new Object[0])) {
                long n = sendRows(cursor, columns, new short[0], 0);
                out.send(new BackendMessage.CommandComplete(cursor.commandTag(n)));
            }
        }
    }

    // ---------------------------------------------------------------- COPY

    /**
     * {@code COPY ... TO STDOUT}: the rows come from the source as a SELECT of the columns (so they are
     * read from the transaction's snapshot when one is in force) and go out as CopyOutResponse, one
     * CopyData per row, CopyDone and {@code COPY n}, in PostgreSQL 15's text, CSV or binary format.
     */
    private void copy(String sql) throws PgException {
        CopyStatement c = CopyStatement.parse(sql);
        String hint = "Anyone can COPY to stdout or from stdin. psql's \\copy command also works for anyone.";
        // PostgreSQL checks these before anything else (DoCopy). Slotway never reads or writes server files
        // or runs programs, so every role gets the answer PostgreSQL gives a role without those privileges.
        if (c.target().equals("program")) {
            throw new PgException(PgException.Severity.ERROR, SqlState.INSUFFICIENT_PRIVILEGE, "must be superuser or have "
                    + "privileges of the pg_execute_server_program role to COPY to or from an external program", null, hint,
                    0, null);
        }
        if (c.target().equals("file")) {
            throw new PgException(PgException.Severity.ERROR, SqlState.INSUFFICIENT_PRIVILEGE, c.from()
                    ? "must be superuser or have privileges of the pg_read_server_files role to COPY from a file"
                    : "must be superuser or have privileges of the pg_write_server_files role to COPY to a file", null,
                    hint, 0, null);
        }
        if (c.from()) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "COPY FROM STDIN is not supported by Slotway")
                    .withHint("Slotway is a replication source; load data with INSERT.");
        }
        CopyOptions options = CopyOptions.process(c.options(), false);
        ensureTransaction();
        queried = true;
        List<String> names;
        String select;
        String relation = c.table() == null ? null : c.table();
        if (c.table() != null) {
            String qualified = io.slotway.api.sql.PgIdentifiers.quoteQualified(c.schema(), c.table());
            List<String> all = new ArrayList<>();
            try (PreparedQuery star = source.prepare("SELECT * FROM " + qualified, new int[0])) {
                for (ColumnDescription d : star.columns()) {
                    all.add(d.name());
                }
            } catch (PgException e) {
                throw e.withPosition(0); // PostgreSQL reports COPY's relation without a position
            }
            if (c.columns() == null) {
                names = all;
            } else {
                names = new ArrayList<>();
                for (String col : c.columns()) {
                    if (!all.contains(col)) {
                        throw new PgException(SqlState.UNDEFINED_COLUMN,
                                "column \"" + col + "\" of relation \"" + relation + "\" does not exist");
                    }
                    if (names.contains(col)) {
                        throw new PgException(SqlState.DUPLICATE_COLUMN, "column \"" + col + "\" specified more than once");
                    }
                    names.add(col);
                }
            }
            if (options.forceQuote() != null) {
                for (String col : options.forceQuote()) {
                    if (!all.contains(col)) {
                        throw new PgException(SqlState.UNDEFINED_COLUMN,
                                "column \"" + col + "\" of relation \"" + relation + "\" does not exist");
                    }
                    if (!names.contains(col)) {
                        throw new PgException("42P10", "FORCE_QUOTE column \"" + col + "\" not referenced by COPY");
                    }
                }
            }
            StringBuilder b = new StringBuilder("SELECT ");
            for (int i = 0; i < names.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(io.slotway.api.sql.PgIdentifiers.quote(names.get(i)));
            }
            select = names.isEmpty() ? "SELECT FROM " + qualified : b.append(" FROM ").append(qualified).toString();
        } else {
            select = c.query();
            names = null;
        }
        PreparedQuery prepared;
        try {
            prepared = source.prepare(select, new int[0]);
        } catch (PgException e) {
            if (c.query() != null && e.position() > 0) {
                throw e.withPosition(e.position() + sql.codePointCount(0, c.queryOffset()));
            }
            throw e;
        }
        try (prepared) {
            List<ColumnDescription> columns = prepared.columns();
            if (c.query() != null) {
                if (columns.isEmpty()) {
                    throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "COPY query must have a RETURNING clause");
                }
                names = new ArrayList<>();
                for (ColumnDescription d : columns) {
                    names.add(d.name());
                }
                if (options.forceQuote() != null) {
                    for (String col : options.forceQuote()) {
                        if (!names.contains(col)) {
                            throw new PgException(SqlState.UNDEFINED_COLUMN, "column \"" + col + "\" does not exist");
                        }
                    }
                }
            }
            List<PgType> types = new ArrayList<>();
            boolean[] force = new boolean[columns.size()];
            for (int i = 0; i < columns.size(); i++) {
                types.add(columns.get(i).type());
                force[i] = options.forceQuoteAll()
                        || (options.forceQuote() != null && options.forceQuote().contains(names.get(i)));
            }
            CopyFormatter formatter = new CopyFormatter(options, types, force, settings.format());
            try (QueryCursor cursor = prepared.execute(new Object[0])) {
                out.send(new BackendMessage.CopyOutResponse(options.binary() ? 1 : 0, columns.size()));
                byte[] header = formatter.header(names);
                if (header != null) {
                    out.send(new BackendMessage.CopyData(header));
                }
                long n = 0;
                Object[] row;
                while ((row = cursor.next()) != null) {
                    if (cancelRequested) {
                        throw canceled();
                    }
                    out.send(new BackendMessage.CopyData(formatter.row(row)));
                    n++;
                }
                byte[] trailer = formatter.trailer();
                if (trailer != null) {
                    out.send(new BackendMessage.CopyData(trailer));
                }
                out.send(new BackendMessage.CopyDone());
                out.send(new BackendMessage.CommandComplete("COPY " + n));
            }
        }
    }

    // ---------------------------------------------------------------- replication commands

    /** One replication command (the whole Query text); ReadyForQuery follows unless the connection ends. */
    private void replicationCommand(String sql) {
        try {
            ReplicationCommand command = ReplicationCommand.parse(sql);
            checkNotFailed(null);
            if (!runReplication(command)) {
                return; // the client went away mid-stream
            }
        } catch (PgException e) {
            fail(e);
            if (e.severity() == PgException.Severity.FATAL) {
                closeAfterMessage = true; // a FATAL ends the connection, with no ReadyForQuery
                out.flush();
                return;
            }
        } catch (RuntimeException e) {
            LOG.error("internal error running a replication command", e);
            fail(new PgException(SqlState.INTERNAL_ERROR, String.valueOf(e.getMessage()), e));
        }
        readyForQuery();
    }

    private boolean runReplication(ReplicationCommand command) throws PgException {
        ReplicationServices services = replication.services();
        if (command instanceof ReplicationCommand.Show show) {
            runCommand(new Command.Show(show.name().equals("all") ? null : show.name()), false, null);
        } else if (command instanceof ReplicationCommand.IdentifySystem) {
            sendRow(List.of("systemid", "timeline", "xlogpos", "dbname"),
                    List.of(PgType.TEXT, PgType.INT4, PgType.TEXT, PgType.TEXT),
                    new Object[] {Long.toUnsignedString(services.systemIdentifier()), services.timeline(),
                            services.flushedLsn().toString(), replication.physical() ? null : replication.database()});
            out.send(new BackendMessage.CommandComplete("IDENTIFY_SYSTEM"));
        } else if (command instanceof ReplicationCommand.CreateSlot c) {
            createSlot(services, c);
        } else if (command instanceof ReplicationCommand.ReadSlot r) {
            ReplicationServices.SlotState slot = services.slot(r.name());
            if (slot != null) {
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                        "cannot use READ_REPLICATION_SLOT with a logical replication slot");
            }
            sendRow(List.of("slot_type", "restart_lsn", "restart_tli"), List.of(PgType.TEXT, PgType.TEXT, PgType.INT8),
                    new Object[] {null, null, null});
            out.send(new BackendMessage.CommandComplete("READ_REPLICATION_SLOT"));
        } else if (command instanceof ReplicationCommand.DropSlot d) {
            services.dropSlot(d.name(), d.waitForRelease(), replication.pid());
            out.send(new BackendMessage.CommandComplete("DROP_REPLICATION_SLOT"));
        } else if (command instanceof ReplicationCommand.StartReplication start) {
            if (tx != TxState.IDLE) {
                throw new PgException(SqlState.ACTIVE_SQL_TRANSACTION,
                        "cannot execute START_REPLICATION inside a transaction block");
            }
            WalSender sender = new WalSender(services, out, replication.pid());
            // wal_sender_timeout is a user parameter (PostgreSQL 15): the client's own value, else the server's
            sender.timeoutMillis(settings.sessionMillis("wal_sender_timeout"));
            streaming = sender;
            boolean clean;
            try {
                clean = sender.stream(start, settings.format(), this::notice);
            } finally {
                streaming = null;
            }
            if (!clean) {
                return false;
            }
            out.send(new BackendMessage.CommandComplete("START_REPLICATION"));
        } else if (command instanceof ReplicationCommand.TimelineHistory) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "TIMELINE_HISTORY is not supported by Slotway")
                    .withHint("Slotway serves logical replication only.");
        } else {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "BASE_BACKUP is not supported by Slotway")
                    .withHint("Slotway serves logical replication only.");
        }
        return true;
    }

    private void createSlot(ReplicationServices services, ReplicationCommand.CreateSlot c) throws PgException {
        if (c.physical()) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "physical replication slots are not supported by Slotway")
                    .withHint("Create a logical slot: CREATE_REPLICATION_SLOT name LOGICAL plugin.");
        }
        boolean inBlock = tx != TxState.IDLE;
        if (c.snapshot().equals("export") && inBlock) {
            // elog() in PostgreSQL 15, so XX000, as 15.18 answers it.
            throw new PgException(SqlState.INTERNAL_ERROR,
                    "CREATE_REPLICATION_SLOT ... (SNAPSHOT 'export') must not be called inside a transaction");
        }
        if (c.snapshot().equals("use") && !inBlock) {
            // PostgreSQL raises this one with elog(), so its SQLSTATE is XX000.
            throw new PgException(SqlState.INTERNAL_ERROR,
                    "CREATE_REPLICATION_SLOT ... (SNAPSHOT 'use') must be called inside a transaction");
        }
        if (c.snapshot().equals("use")) {
            if (!"repeatable read".equals(settings.get("transaction_isolation"))) {
                throw new PgException(SqlState.INTERNAL_ERROR,
                        "CREATE_REPLICATION_SLOT ... (SNAPSHOT 'use') must be called in REPEATABLE READ isolation mode transaction");
            }
            if (queried) {
                throw new PgException(SqlState.INTERNAL_ERROR,
                        "CREATE_REPLICATION_SLOT ... (SNAPSHOT 'use') must be called before any query");
            }
        }
        ReplicationServices.SlotState slot;
        String snapshotName = null;
        if (c.snapshot().equals("nothing")) {
            slot = services.createSlot(c.name(), c.plugin(), c.temporary(), c.twoPhase(), replication.pid());
        } else {
            // The slot is created while the source holds its commits back, at the WAL position its snapshot
            // stands for: the snapshot holds exactly the transactions the slot's stream will skip.
            ReplicationServices.SlotState[] created = new ReplicationServices.SlotState[1];
            SourceSnapshot snapshot = source.exportSnapshot(() -> {
                created[0] = services.createSlot(c.name(), c.plugin(), c.temporary(), c.twoPhase(), replication.pid());
                return created[0].confirmedFlush();
            });
            slot = created[0];
            if (c.snapshot().equals("use")) {
                try {
                    source.useSnapshot(snapshot);
                } finally {
                    snapshot.close(); // the transaction holds it now
                }
            } else {
                snapshotName = snapshots.export(replication.pid(), snapshot);
                exportedSnapshot = snapshotName;
            }
        }
        sendRow(List.of("slot_name", "consistent_point", "snapshot_name", "output_plugin"),
                List.of(PgType.TEXT, PgType.TEXT, PgType.TEXT, PgType.TEXT),
                new Object[] {slot.name(), slot.confirmedFlush().toString(), snapshotName, slot.plugin()});
        out.send(new BackendMessage.CommandComplete("CREATE_REPLICATION_SLOT"));
    }

    private void withdrawExported() {
        if (exportedSnapshot != null) {
            snapshots.withdraw(exportedSnapshot);
            exportedSnapshot = null;
        }
    }

    /** SET TRANSACTION SNAPSHOT, with PostgreSQL 15's checks in ImportSnapshot's order. */
    private void importSnapshot(String id) throws PgException {
        if (tx == TxState.IDLE) {
            warn(SqlState.NO_ACTIVE_SQL_TRANSACTION, "SET TRANSACTION can only be used in transaction blocks");
            return;
        }
        if (queried) {
            throw new PgException(SqlState.ACTIVE_SQL_TRANSACTION, "SET TRANSACTION SNAPSHOT must be called before any query");
        }
        String isolation = settings.get("transaction_isolation");
        if (!"repeatable read".equals(isolation) && !"serializable".equals(isolation)) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                    "a snapshot-importing transaction must have isolation level SERIALIZABLE or REPEATABLE READ");
        }
        SourceSnapshot snapshot = id.matches("[0-9A-F-]*") ? snapshots.get(id) : null;
        if (snapshot == null) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "invalid snapshot identifier: \"" + id + "\"");
        }
        source.useSnapshot(snapshot);
    }

    /** A one-row result in text format. */
    private void sendRow(List<String> names, List<PgType> types, Object[] row) {
        List<ColumnDescription> columns = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            columns.add(new ColumnDescription(names.get(i), 0, (short) 0, types.get(i), -1));
        }
        out.send(rowDescription(columns, new short[0]));
        byte[][] values = new byte[row.length][];
        for (int i = 0; i < row.length; i++) {
            values[i] = row[i] == null ? null
                    : PgValues.toText(types.get(i), row[i], settings.format()).getBytes(StandardCharsets.UTF_8);
        }
        out.send(new BackendMessage.DataRow(values));
    }

    // ---------------------------------------------------------------- extended protocol

    private void parse(FrontendMessage.Parse p) throws PgException {
        running(p.sql(), false);
        if (!p.statement().isEmpty() && statements.containsKey(p.statement())) {
            throw new PgException(SqlState.DUPLICATE_PREPARED_STATEMENT,
                    "prepared statement \"" + p.statement() + "\" already exists");
        }
        List<String> parts = PgLexer.splitStatements(p.sql());
        if (parts.size() > 1) {
            throw new PgException(SqlState.SYNTAX_ERROR, "cannot insert multiple commands into a prepared statement");
        }
        Statement statement;
        if (parts.isEmpty()) {
            statement = new Statement("", null, null, p.parameterTypes(), List.of());
        } else {
            String sql = parts.get(0);
            Command command = Command.parse(sql);
            checkNotFailed(command);
            if (command != null) {
                statement = new Statement(sql, command, null, p.parameterTypes(), commandColumns(command));
            } else {
                PreparedQuery prepared = prepareQuery(sql, p.parameterTypes());
                statement = new Statement(sql, null, prepared, prepared.parameterTypes(), prepared.columns());
            }
        }
        Statement old = statements.put(p.statement(), statement);
        if (old != null && old.prepared() != null) {
            old.prepared().close();
        }
        out.send(new BackendMessage.ParseComplete());
    }

    private void bind(FrontendMessage.Bind b) throws PgException {
        Statement statement = statement(b.statement());
        running(statement.sql(), false);
        checkNotFailed(statement.command());
        int[] types = statement.parameterTypes();
        byte[][] raw = b.parameters();
        if (raw.length != types.length) {
            throw new PgException(SqlState.PROTOCOL_VIOLATION, "bind message supplies " + raw.length
                    + " parameters, but prepared statement \"" + b.statement() + "\" requires " + types.length);
        }
        short[] formats = b.parameterFormats();
        if (formats.length > 1 && formats.length != raw.length) {
            throw new PgException(SqlState.PROTOCOL_VIOLATION, "bind message has " + formats.length
                    + " parameter formats but " + raw.length + " parameters");
        }
        Object[] values = new Object[raw.length];
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == null) {
                continue;
            }
            short format = formats.length == 0 ? TEXT : formats.length == 1 ? formats[0] : formats[i];
            values[i] = decodeParameter(types[i], format, raw[i], i + 1);
        }
        short[] resultFormats = b.resultFormats();
        int ncols = statement.columns().size();
        if (resultFormats.length > 1 && resultFormats.length != ncols) {
            throw new PgException(SqlState.PROTOCOL_VIOLATION, "bind message has " + resultFormats.length
                    + " result formats but query has " + ncols + " columns");
        }
        for (short f : resultFormats) {
            if (f != TEXT && f != BINARY) {
                throw new PgException(SqlState.PROTOCOL_VIOLATION, "unsupported format code: " + f);
            }
        }
        if (!b.portal().isEmpty() && portals.containsKey(b.portal())) {
            throw new PgException(SqlState.DUPLICATE_CURSOR, "portal \"" + b.portal() + "\" already exists");
        }
        Portal old = portals.put(b.portal(), new Portal(statement, values, resultFormats));
        if (old != null) {
            old.close();
        }
        out.send(new BackendMessage.BindComplete());
    }

    private Object decodeParameter(int typeOid, short format, byte[] raw, int number) throws PgException {
        PgType type = PgType.byOid(typeOid);
        if (format != TEXT && format != BINARY) {
            throw new PgException(SqlState.PROTOCOL_VIOLATION, "unsupported format code: " + format);
        }
        if (format == BINARY) {
            if (type == null || type == PgType.UNKNOWN) {
                throw new PgException(SqlState.INVALID_BINARY_REPRESENTATION,
                        "incorrect binary data format in bind parameter " + number);
            }
            try {
                return PgValues.fromBinary(type, -1, raw);
            } catch (PgException e) {
                throw new PgException(SqlState.INVALID_BINARY_REPRESENTATION,
                        "incorrect binary data format in bind parameter " + number);
            }
        }
        String text = new String(raw, StandardCharsets.UTF_8);
        if (type == null || type == PgType.UNKNOWN || type == PgType.TEXT || type == PgType.VARCHAR) {
            return text;
        }
        return PgValues.fromText(type, -1, text, settings.format());
    }

    private void describe(FrontendMessage.Describe d) throws PgException {
        if (d.kind() == 'S') {
            Statement statement = statement(d.name());
            out.send(new BackendMessage.ParameterDescription(statement.parameterTypes()));
            sendDescription(statement.columns(), new short[0]);
        } else {
            Portal portal = portal(d.name());
            checkNotFailed(portal.statement.command());
            sendDescription(portal.statement.columns(), portal.resultFormats);
        }
    }

    private void sendDescription(List<ColumnDescription> columns, short[] formats) {
        if (columns.isEmpty()) {
            out.send(new BackendMessage.NoData());
        } else {
            out.send(rowDescription(columns, formats));
        }
    }

    private void execute(FrontendMessage.Execute e) throws PgException {
        Portal portal = portal(e.portal());
        Statement statement = portal.statement;
        running(statement.sql(), false);
        checkNotFailed(statement.command());
        if (statement.empty()) {
            out.send(new BackendMessage.EmptyQueryResponse());
            return;
        }
        if (statement.command() != null) {
            if (!portal.done) {
                portal.done = true;
                runCommand(statement.command(), false, portal.resultFormats);
            } else {
                out.send(new BackendMessage.CommandComplete(tagOf(statement.command())));
            }
            return;
        }
        ensureTransaction();
        queried = true;
        if (portal.cursor == null && !portal.done) {
            portal.cursor = statement.prepared().execute(portal.parameters);
        }
        if (portal.done) {
            out.send(new BackendMessage.CommandComplete("SELECT 0"));
            return;
        }
        int max = e.maxRows() <= 0 ? 0 : e.maxRows();
        long n = sendRows(portal.cursor, statement.columns(), portal.resultFormats, max);
        if (max > 0 && n == max) {
            out.send(new BackendMessage.PortalSuspended());
        } else {
            out.send(new BackendMessage.CommandComplete(portal.cursor.commandTag(n)));
            portal.done = true;
            portal.close();
        }
    }

    private void close(FrontendMessage.Close c) {
        if (c.kind() == 'S') {
            Statement s = statements.remove(c.name());
            if (s != null && s.prepared() != null) {
                s.prepared().close();
            }
        } else {
            Portal p = portals.remove(c.name());
            if (p != null) {
                p.close();
            }
        }
        out.send(new BackendMessage.CloseComplete());
    }

    private void sync() {
        skipUntilSync = false;
        try {
            endImplicit(true);
        } catch (PgException e) {
            out.send(new BackendMessage.ErrorResponse(e));
        }
        readyForQuery();
    }

    private Statement statement(String name) throws PgException {
        Statement s = statements.get(name);
        if (s == null) {
            throw new PgException(SqlState.INVALID_SQL_STATEMENT_NAME, name.isEmpty()
                    ? "unnamed prepared statement does not exist"
                    : "prepared statement \"" + name + "\" does not exist");
        }
        return s;
    }

    private Portal portal(String name) throws PgException {
        Portal p = portals.get(name);
        if (p == null) {
            throw new PgException(SqlState.INVALID_CURSOR_NAME, "portal \"" + name + "\" does not exist");
        }
        return p;
    }

    // ---------------------------------------------------------------- rows

    private BackendMessage.RowDescription rowDescription(List<ColumnDescription> columns, short[] formats) {
        List<Field> fields = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            ColumnDescription c = columns.get(i);
            fields.add(new Field(c.name(), c.tableOid(), c.columnNumber(), c.type().oid(),
                    (short) c.type().length(), c.typmod(), format(formats, i)));
        }
        return new BackendMessage.RowDescription(fields);
    }

    private static short format(short[] formats, int column) {
        if (formats.length == 0) {
            return TEXT;
        }
        return formats.length == 1 ? formats[0] : formats[column];
    }

    /** Sends up to {@code max} rows (0 = all) and returns how many were sent. */
    private long sendRows(QueryCursor cursor, List<ColumnDescription> columns, short[] formats, int max)
            throws PgException {
        long n = 0;
        Object[] row;
        while ((max == 0 || n < max) && (row = cursor.next()) != null) {
            if (cancelRequested) {
                throw canceled();
            }
            byte[][] values = new byte[row.length][];
            for (int i = 0; i < row.length; i++) {
                if (row[i] != null) {
                    PgType type = columns.get(i).type();
                    values[i] = format(formats, i) == BINARY ? PgValues.toBinary(type, row[i])
                            : PgValues.toText(type, row[i], settings.format()).getBytes(StandardCharsets.UTF_8);
                }
            }
            out.send(new BackendMessage.DataRow(values));
            n++;
        }
        return n;
    }

    private static PgException canceled() {
        return new PgException(SqlState.QUERY_CANCELED, "canceling statement due to user request");
    }

    // ---------------------------------------------------------------- commands

    private static List<ColumnDescription> commandColumns(Command command) {
        if (command instanceof Command.Show show) {
            if (show.name() == null) {
                return List.of(text("name"), text("setting"), text("description"));
            }
            String canonical = Settings.canonicalName(show.name());
            return List.of(text(canonical == null ? show.name() : canonical));
        }
        return List.of();
    }

    private static ColumnDescription text(String name) {
        return new ColumnDescription(name, 0, (short) 0, PgType.TEXT, -1);
    }

    private static String tagOf(Command command) {
        if (command instanceof Command.Begin b) {
            return b.tag();
        } else if (command instanceof Command.Commit c) {
            return c.tag();
        } else if (command instanceof Command.Rollback r) {
            return r.tag();
        } else if (command instanceof Command.Savepoint) {
            return "SAVEPOINT";
        } else if (command instanceof Command.Release) {
            return "RELEASE";
        } else if (command instanceof Command.RollbackTo) {
            return "ROLLBACK";
        } else if (command instanceof Command.Set || command instanceof Command.SetTransaction
                || command instanceof Command.SetTransactionSnapshot) {
            return "SET";
        } else if (command instanceof Command.Reset) {
            return "RESET";
        } else if (command instanceof Command.Show) {
            return "SHOW";
        } else {
            return ((Command.NoOp) command).tag();
        }
    }

    /**
     * Carries out a core command. {@code multi} tells that it is one of several statements in a simple
     * Query; {@code formats} are the portal's result formats (null in a simple Query, which sends its
     * own RowDescription).
     */
    private void runCommand(Command command, boolean multi, short[] formats) throws PgException {
        String tag = tagOf(command);
        if (command instanceof Command.Begin b) {
            if (tx != TxState.IDLE) {
                warn(SqlState.ACTIVE_SQL_TRANSACTION, "there is already a transaction in progress");
            } else if (implicitOpen) {
                implicitOpen = false; // BEGIN inside a multi-statement Query makes the block explicit
                tx = TxState.IN_BLOCK;
            } else {
                beginSource(effectiveMode(b.mode()));
                tx = TxState.IN_BLOCK;
            }
        } else if (command instanceof Command.Commit) {
            if (tx == TxState.FAILED) {
                rollbackBlock();
                tag = "ROLLBACK";
            } else if (tx == TxState.IN_BLOCK) {
                try {
                    source.commit();
                    settings.commitTransaction();
                } finally {
                    endBlock();
                }
            } else {
                warn(SqlState.NO_ACTIVE_SQL_TRANSACTION, "there is no transaction in progress");
                endImplicit(true);
            }
        } else if (command instanceof Command.Rollback) {
            if (tx != TxState.IDLE) {
                rollbackBlock();
            } else {
                warn(SqlState.NO_ACTIVE_SQL_TRANSACTION, "there is no transaction in progress");
                endImplicit(false);
            }
        } else if (command instanceof Command.Savepoint s) {
            requireBlock("SAVEPOINT");
            source.savepoint(s.name());
            savepoints.push(s.name());
        } else if (command instanceof Command.RollbackTo r) {
            requireBlock("ROLLBACK TO SAVEPOINT");
            requireSavepoint(r.name());
            source.rollbackToSavepoint(r.name());
            while (!savepoints.peek().equals(r.name())) {
                savepoints.pop();
            }
            tx = TxState.IN_BLOCK;
        } else if (command instanceof Command.Release r) {
            requireBlock("RELEASE SAVEPOINT");
            requireSavepoint(r.name());
            source.releaseSavepoint(r.name());
            while (!savepoints.pop().equals(r.name())) {
                // pop up to and including the released savepoint
            }
        } else if (command instanceof Command.Set s) {
            if (s.local() && tx == TxState.IDLE && !implicitOpen) {
                warn(SqlState.NO_ACTIVE_SQL_TRANSACTION, "SET LOCAL can only be used in transaction blocks");
            } else {
                settings.set(s.name(), s.value(), s.local(), tx != TxState.IDLE || implicitOpen);
            }
        } else if (command instanceof Command.SetTransaction st) {
            applyTransactionMode(st);
        } else if (command instanceof Command.SetTransactionSnapshot sts) {
            importSnapshot(sts.id());
        } else if (command instanceof Command.Reset r) {
            if (r.name() == null) {
                settings.resetAll(tx != TxState.IDLE || implicitOpen);
            } else {
                settings.set(r.name(), null, false, tx != TxState.IDLE || implicitOpen);
            }
        } else if (command instanceof Command.Show s) {
            show(s, formats);
        } else if (command instanceof Command.NoOp noop && noop.discardAll()) {
            if (tx != TxState.IDLE || multi) {
                throw new PgException(SqlState.ACTIVE_SQL_TRANSACTION, "DISCARD ALL cannot run inside a transaction block");
            }
            settings.resetAll(false);
            closeAllPortals();
            for (Statement st : statements.values()) {
                if (st.prepared() != null) {
                    st.prepared().close();
                }
            }
            statements.clear();
        }
        out.send(new BackendMessage.CommandComplete(tag));
    }

    private TransactionMode effectiveMode(TransactionMode requested) {
        TransactionMode pending = nextTransactionMode;
        nextTransactionMode = null;
        String isolation = requested.isolation() != null ? requested.isolation()
                : pending != null && pending.isolation() != null ? pending.isolation()
                : settings.get("default_transaction_isolation");
        boolean readOnly = requested.readOnly() || (pending != null && pending.readOnly())
                || "on".equals(settings.get("default_transaction_read_only"));
        return new TransactionMode(isolation, readOnly, requested.deferrable());
    }

    private void applyTransactionMode(Command.SetTransaction st) throws PgException {
        TransactionMode m = st.mode();
        boolean inTx = tx != TxState.IDLE || implicitOpen;
        if (st.session()) {
            if (m.isolation() != null) {
                settings.set("default_transaction_isolation", m.isolation(), false, inTx);
            }
            settings.set("default_transaction_read_only", m.readOnly() ? "on" : "off", false, inTx);
        } else if (tx == TxState.IDLE) {
            warn(SqlState.NO_ACTIVE_SQL_TRANSACTION, "SET TRANSACTION can only be used in transaction blocks");
        } else {
            if (m.isolation() != null) {
                settings.set("transaction_isolation", m.isolation(), true, true);
            }
            settings.set("transaction_read_only", m.readOnly() ? "on" : "off", true, true);
        }
    }

    private void show(Command.Show s, short[] formats) throws PgException {
        List<String[]> rows = new ArrayList<>();
        if (s.name() == null) {
            rows.addAll(settings.all());
        } else {
            rows.add(new String[] {settings.show(s.name())});
        }
        List<ColumnDescription> columns = commandColumns(s);
        if (formats == null) {
            out.send(rowDescription(columns, new short[0]));
        }
        // SHOW's columns are text, whose binary form is its UTF-8 bytes: the same in either format.
        for (String[] row : rows) {
            byte[][] values = new byte[row.length][];
            for (int i = 0; i < row.length; i++) {
                values[i] = row[i] == null ? null : row[i].getBytes(StandardCharsets.UTF_8);
            }
            out.send(new BackendMessage.DataRow(values));
        }
    }

    private void requireBlock(String what) throws PgException {
        if (tx == TxState.IDLE) {
            throw new PgException(SqlState.NO_ACTIVE_SQL_TRANSACTION, what + " can only be used in transaction blocks");
        }
    }

    private void requireSavepoint(String name) throws PgException {
        if (!savepoints.contains(name)) {
            throw new PgException(SqlState.INVALID_SAVEPOINT_SPECIFICATION, "savepoint \"" + name + "\" does not exist");
        }
    }

    private void warn(String sqlState, String message) {
        notice(new PgException(PgException.Severity.WARNING, sqlState, message, null, null, 0, null));
    }

    /** Sends a notice or warning unless client_min_messages filters it out. */
    public void notice(PgException notice) {
        String min = settings.get("client_min_messages");
        boolean isWarning = notice.severity() == PgException.Severity.WARNING;
        if ("error".equals(min) || ("warning".equals(min) && !isWarning)) {
            return;
        }
        out.send(new BackendMessage.NoticeResponse(notice));
    }

    // ---------------------------------------------------------------- transactions

    /**
     * In a failed transaction block only ROLLBACK, COMMIT (which rolls back) and ROLLBACK TO are
     * accepted; everything else gets 25P02.
     */
    private void checkNotFailed(Command command) throws PgException {
        if (tx == TxState.FAILED && !(command instanceof Command.Rollback || command instanceof Command.Commit
                || command instanceof Command.RollbackTo)) {
            throw new PgException(SqlState.IN_FAILED_SQL_TRANSACTION,
                    "current transaction is aborted, commands ignored until end of transaction block");
        }
    }

    private void ensureTransaction() throws PgException {
        if (tx == TxState.IDLE && !implicitOpen) {
            beginSource(effectiveMode(TransactionMode.DEFAULT.withIsolation(null)));
            implicitOpen = true;
        }
    }

    /** Starts the source's transaction; SHOW transaction_isolation / transaction_read_only then tell its mode. */
    private void beginSource(TransactionMode mode) throws PgException {
        source.begin(mode);
        queried = false;
        settings.beginTransaction();
        settings.set("transaction_isolation", mode.isolation(), true, true);
        settings.set("transaction_read_only", mode.readOnly() ? "on" : "off", true, true);
    }

    private void endImplicit(boolean commit) throws PgException {
        if (!implicitOpen) {
            return;
        }
        implicitOpen = false;
        closeAllPortals();
        if (commit) {
            try {
                source.commit();
                settings.commitTransaction();
            } catch (PgException e) {
                settings.rollbackTransaction();
                throw e;
            }
        } else {
            source.rollback();
            settings.rollbackTransaction();
        }
    }

    private void rollbackBlock() throws PgException {
        try {
            source.rollback();
        } finally {
            settings.rollbackTransaction();
            endBlock();
        }
    }

    private void endBlock() {
        tx = TxState.IDLE;
        savepoints.clear();
        closeAllPortals();
    }

    /** An error while running a statement: the block fails, or the implicit transaction rolls back. */
    private void fail(PgException e) {
        out.send(new BackendMessage.ErrorResponse(e));
        if (replication != null) {
            // A walsender's error cleanup releases its slots and drops its temporary ones (PostgreSQL's
            // WalSndErrorCleanup), whatever the error was.
            replication.services().backendEnded(replication.pid());
        }
        if (tx == TxState.IN_BLOCK) {
            tx = TxState.FAILED;
        }
        if (implicitOpen) {
            try {
                endImplicit(false);
            } catch (PgException rollbackError) {
                LOG.warn("rollback after error failed: {}", rollbackError.getMessage());
            }
        }
    }

    private void extendedError(PgException e) {
        fail(e);
        skipUntilSync = true;
    }

    private void readyForQuery() {
        idle();
        for (Map.Entry<String, String> e : settings.drainReports().entrySet()) {
            out.send(new BackendMessage.ParameterStatus(e.getKey(), e.getValue()));
        }
        out.send(new BackendMessage.ReadyForQuery(tx.status));
        out.flush();
    }

    private void dropUnnamed() {
        Statement s = statements.remove("");
        if (s != null && s.prepared() != null) {
            s.prepared().close();
        }
        Portal p = portals.remove("");
        if (p != null) {
            p.close();
        }
    }

    private void closeAllPortals() {
        for (Iterator<Portal> it = portals.values().iterator(); it.hasNext(); ) {
            it.next().close();
            it.remove();
        }
    }
}
