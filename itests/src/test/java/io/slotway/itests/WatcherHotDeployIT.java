package io.slotway.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Installing, updating and removing schema-change watcher bundles while a client streams: a writer commits
 * one row of {@code hot} every 10 ms and a pgjdbc client streams test_decoding (with xids) from one slot.
 * The ddl-messages watcher (from the distribution's {@code extras/}) is installed, updated and uninstalled,
 * then the dms-ddl watcher installed and uninstalled, with CREATE/ALTER/DROP TABLE on another connection in
 * between. Each DDL run while a watcher is active must carry the watcher's output (a {@code slotway.ddl}
 * message, or DMS's {@code awsdms_ddl_audit} INSERT and DELETE) inside its own transaction, at its place
 * among the writer's rows; DDL while none is active carries nothing. The source logs each activation and
 * removal as a {@code slotway.watcher} message, in order. Watchers are not plugins: the stream keeps its
 * one session, and every row arrives once, in order. {@code slotway:watchers} (through Gogo) lists a
 * watcher while its bundle is there, and not after.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WatcherHotDeployIT {
    private static final String DDL_MESSAGES_BSN = "io.slotway.watcher.ddlmessages";
    private static final String DMS_DDL_BSN = "io.slotway.watcher.dmsddl";
    private static final String DDL_MESSAGES = "ddl-messages";
    private static final String DMS_DDL = "dms-ddl";
    private static final long WAIT_SECONDS = 20;
    private static final String COMMAND_PROCESSOR = "org.apache.felix.service.command.CommandProcessor";
    private static final String COMMAND_SESSION = "org.apache.felix.service.command.CommandSession";

    private static final Pattern BEGIN = Pattern.compile("^BEGIN (\\d+)$");
    private static final Pattern COMMIT = Pattern.compile("^COMMIT (\\d+)$");
    private static final Pattern HOT_ROW = Pattern.compile("^table public\\.hot: INSERT: id\\[integer\\]:(\\d+) ");
    private static final Pattern MESSAGE = Pattern.compile("^message: transactional: ([01]) prefix: ([^,]*), sz: \\d+ content:(.*)$",
            Pattern.DOTALL);
    private static final Pattern EVENT = Pattern.compile(
            "^\\{\"event\":\"([a-z]+)\",\"watcher\":\"([^\"]*)\",\"bundle\":\"([^\"]*)\",\"version\":\"([^\"]*)\"\\}$");
    private static final Pattern DDL_MESSAGE = Pattern.compile("^\\{\"command_tag\":\"([^\"]*)\",\"statement\":\"([^\"\\\\]*)\","
            + "\"user\":\"postgres\",\"schema\":\"public\",\"xid\":(\\d+),\"objects\":(\\[.*\\])\\}$", Pattern.DOTALL);
    private static final Pattern AUDIT_INSERT = Pattern.compile("^table public\\.awsdms_ddl_audit: INSERT: c_key\\[bigint\\]:\\d+ .*"
            + " c_txn\\[character varying\\]:'(\\d+)' c_tag\\[character varying\\]:'([^']*)' .* c_ddlqry\\[text\\]:'(.*)'$");
    private static final Pattern AUDIT_DELETE = Pattern.compile("^table public\\.awsdms_ddl_audit: DELETE: c_key\\[bigint\\]:\\d+$");

    /** What a DDL's transaction must hold in the stream. */
    private enum Expect { NOTHING, MESSAGE, AUDIT }

    /**
     * A DDL as run: the writer had committed {@code rowsBefore} rows when it was sent and {@code rowsAfter}
     * when it returned, so in the stream it comes after row {@code rowsBefore} and before row
     * {@code rowsAfter + 1}.
     */
    private record Ddl(String sql, String tag, String action, String table, long rowsBefore, long rowsAfter, Expect expect) {}

    /** A transaction (BEGIN..COMMIT, its lines between) or, xid -1, a message outside any. */
    private record Item(long xid, List<String> lines, boolean transaction) {
        List<Long> hotIds() {
            List<Long> ids = new ArrayList<>();
            for (String l : lines) {
                Matcher m = HOT_ROW.matcher(l);
                if (m.find()) {
                    ids.add(Long.parseLong(m.group(1)));
                }
            }
            return ids;
        }
    }

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    private final List<Ddl> ddls = new ArrayList<>();

    @Configuration
    public Option[] config() {
        return SlotwayOptions.baseOptions();
    }

    @Test
    public void watchersComeAndGoInTheirDdlsTransactionsWithoutInterruptingTheStream() throws Exception {
        int port = Framework.configuredPort(configurationAdmin);
        try (Connection c = Framework.connect(port); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE hot (id integer PRIMARY KEY, v text)");
            s.execute("SELECT pg_create_logical_replication_slot('wh_td', 'test_decoding')");
        }
        LogicalStream td = new LogicalStream(SlotwayOptions.HOST, port, "wh_td", false, Map.of("include-xids", "1")).keepLines();
        td.start();
        // bounded: at most 6000 rows or 50 s, whichever first; stopped earlier below
        RowWriter writer = new RowWriter(SlotwayOptions.HOST, port, 6000, 50, 10).start();
        List<String> events = new ArrayList<>();
        try (Connection c = Framework.connect(port); Statement ddl = c.createStatement()) {
            awaitRow(td, 20);
            assertNotListed(DDL_MESSAGES);

            // 1. ddl-messages: DDL before it is active carries nothing; after, a message each, in its transaction
            run(ddl, writer, "CREATE TABLE wm_before (id integer PRIMARY KEY)", "CREATE TABLE", "create", "wm_before", Expect.NOTHING);
            int mark = td.lines.size();
            Bundle messages = context.installBundle(extra(DDL_MESSAGES_BSN));
            messages.start();
            mark = awaitEvent(td, mark, "activated", DDL_MESSAGES, messages, events);
            assertListed(DDL_MESSAGES, messages);
            run(ddl, writer, "CREATE TABLE wm_a (id integer PRIMARY KEY, v text)", "CREATE TABLE", "create", "wm_a", Expect.MESSAGE);
            run(ddl, writer, "ALTER TABLE wm_a ADD COLUMN w integer", "ALTER TABLE", "alter", "wm_a", Expect.MESSAGE);
            run(ddl, writer, "DROP TABLE wm_a", "DROP TABLE", "drop", "wm_a", Expect.MESSAGE);

            // 2. update: removed, then activated again; the stream goes on in its one session
            mark = td.lines.size();
            messages.update();
            mark = awaitEvent(td, mark, "removed", DDL_MESSAGES, messages, events);
            mark = awaitEvent(td, mark, "activated", DDL_MESSAGES, messages, events);
            assertListed(DDL_MESSAGES, messages);
            run(ddl, writer, "CREATE TABLE wm_b (id integer PRIMARY KEY)", "CREATE TABLE", "create", "wm_b", Expect.MESSAGE);
            run(ddl, writer, "ALTER TABLE wm_b ADD COLUMN w text", "ALTER TABLE", "alter", "wm_b", Expect.MESSAGE);
            awaitRow(td, writer.written);
            assertOneSession(td);

            // 3. uninstall: removed; DDL after it carries nothing
            mark = td.lines.size();
            messages.uninstall();
            mark = awaitEvent(td, mark, "removed", DDL_MESSAGES, messages, events);
            assertNotListed(DDL_MESSAGES);
            run(ddl, writer, "DROP TABLE wm_b", "DROP TABLE", "drop", "wm_b", Expect.NOTHING);
            run(ddl, writer, "CREATE TABLE wm_c (id integer PRIMARY KEY)", "CREATE TABLE", "create", "wm_c", Expect.NOTHING);
            run(ddl, writer, "DROP TABLE wm_c, wm_before", "DROP TABLE", "drop", "wm_c", Expect.NOTHING);

            // 4. dms-ddl: creates awsdms_ddl_audit when it becomes active, then audits each DDL in its transaction
            assertAuditTable(c, false);
            Bundle dms = context.installBundle(extra(DMS_DDL_BSN));
            dms.start();
            mark = awaitEvent(td, mark, "activated", DMS_DDL, dms, events);
            assertAuditTable(c, true);
            assertListed(DMS_DDL, dms);
            run(ddl, writer, "CREATE TABLE dms_a (id integer PRIMARY KEY, v text)", "CREATE TABLE", "create", "dms_a", Expect.AUDIT);
            run(ddl, writer, "ALTER TABLE dms_a ADD COLUMN w integer", "ALTER TABLE", "alter", "dms_a", Expect.AUDIT);
            run(ddl, writer, "DROP TABLE dms_a", "DROP TABLE", "drop", "dms_a", Expect.AUDIT);
            dms.uninstall();
            mark = awaitEvent(td, mark, "removed", DMS_DDL, dms, events);
            assertNotListed(DMS_DDL);
            run(ddl, writer, "CREATE TABLE dms_b (id integer PRIMARY KEY)", "CREATE TABLE", "create", "dms_b", Expect.NOTHING);
            run(ddl, writer, "DROP TABLE dms_b", "DROP TABLE", "drop", "dms_b", Expect.NOTHING);
            assertAuditTable(c, true);
        } finally {
            long rows = writer.stopAndJoin();
            assertEquals("writer failed: " + writer.failed, null, writer.failed);
            try {
                assertTrue("the stream caught up with " + rows + " rows (got " + td.maxId() + ")",
                        LogicalStream.await(WAIT_SECONDS, () -> td.maxId() >= rows));
            } finally {
                td.stop();
            }
            if (td.crashed != null) {
                throw new AssertionError("stream client crashed", td.crashed);
            }
            List<String> problems = td.problems(rows);
            assertTrue("test_decoding: " + problems, problems.isEmpty());
            assertEquals("every row once", rows, td.rows.size());
            assertOneSession(td);
        }

        List<Item> items = items(td.lines);
        assertEquals("watcher events, in order",
                List.of("activated " + DDL_MESSAGES, "removed " + DDL_MESSAGES, "activated " + DDL_MESSAGES,
                        "removed " + DDL_MESSAGES, "activated " + DMS_DDL, "removed " + DMS_DDL), events);
        assertEquals("watcher events in the stream", events, watcherEvents(items));
        for (Ddl d : ddls) {
            checkDdl(items, d);
        }
        assertEquals("slotway.ddl messages: one per DDL run while ddl-messages was active",
                ddls.stream().filter(d -> d.expect() == Expect.MESSAGE).count(),
                lines(items).stream().filter(l -> l.contains(" prefix: slotway.ddl,")).count());
        assertEquals("awsdms_ddl_audit INSERTs: one per DDL run while dms-ddl was active",
                ddls.stream().filter(d -> d.expect() == Expect.AUDIT).count(),
                lines(items).stream().filter(l -> l.startsWith("table public.awsdms_ddl_audit: INSERT:")).count());
    }

    /**
     * Runs a DDL between the writer's rows: two rows are committed after whatever came before (a watcher's own
     * setup transaction, an earlier DDL) and two after it, so the rows around it in the stream belong to it alone.
     */
    private void run(Statement ddl, RowWriter writer, String sql, String tag, String action, String table, Expect expect)
            throws Exception {
        long start = writer.written;
        assertTrue("the writer goes on before " + sql + " (" + writer.written + " rows, " + writer.failed + ")",
                LogicalStream.await(WAIT_SECONDS, () -> writer.written >= start + 2));
        long before = writer.written;
        ddl.execute(sql);
        long after = writer.written;
        ddls.add(new Ddl(sql, tag, action, table, before, after, expect));
        assertTrue("the writer goes on after " + sql + " (" + writer.written + " rows, " + writer.failed + ")",
                LogicalStream.await(WAIT_SECONDS, () -> writer.written >= after + 2));
    }

    /** The DDL's transaction: the one transaction without rows of hot between row rowsBefore and row rowsAfter + 1. */
    private static void checkDdl(List<Item> items, Ddl d) {
        int from = d.rowsBefore() == 0 ? 0 : indexOfRow(items, d.rowsBefore()) + 1;
        int to = indexOfRow(items, d.rowsAfter() + 1);
        List<Item> window = items.subList(from, to);
        List<Item> txns = window.stream().filter(i -> i.transaction() && i.hotIds().isEmpty()).toList();
        assertEquals(d + ": one transaction of its own among the rows: " + window, 1, txns.size());
        Item t = txns.get(0);
        switch (d.expect()) {
            case NOTHING -> assertEquals(d + ": nothing in its transaction", List.of(), t.lines());
            case MESSAGE -> {
                assertEquals(d + ": one message in its transaction: " + t, 1, t.lines().size());
                Matcher m = MESSAGE.matcher(t.lines().get(0));
                assertTrue(d + ": a message: " + t, m.matches());
                assertEquals(d + ": transactional", "1", m.group(1));
                assertEquals(d + ": prefix", "slotway.ddl", m.group(2));
                Matcher j = DDL_MESSAGE.matcher(m.group(3));
                assertTrue(d + ": the message's JSON: " + m.group(3), j.matches());
                assertEquals(d + ": command_tag", d.tag(), j.group(1));
                assertEquals(d + ": statement", d.sql(), j.group(2));
                assertEquals(d + ": xid is the transaction's", Long.toString(t.xid()), j.group(3));
                assertTrue(d + ": objects " + j.group(4), Pattern.compile("\\{\"action\":\"" + d.action()
                        + "\",\"oid\":\\d+,\"schema\":\"public\",\"name\":\"" + d.table() + "\"").matcher(j.group(4)).find());
            }
            case AUDIT -> {
                assertEquals(d + ": DMS's INSERT and DELETE in its transaction: " + t, 2, t.lines().size());
                Matcher ins = AUDIT_INSERT.matcher(t.lines().get(0));
                assertTrue(d + ": the audit INSERT: " + t.lines().get(0), ins.matches());
                assertEquals(d + ": c_txn is the transaction's", Long.toString(t.xid()), ins.group(1));
                assertEquals(d + ": c_tag", d.tag(), ins.group(2));
                assertEquals(d + ": c_ddlqry", d.sql(), ins.group(3));
                assertTrue(d + ": the audit DELETE: " + t.lines().get(1), AUDIT_DELETE.matcher(t.lines().get(1)).matches());
            }
            default -> fail();
        }
    }

    private static int indexOfRow(List<Item> items, long id) {
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).hotIds().contains(id)) {
                return i;
            }
        }
        throw new AssertionError("row " + id + " is not in the stream");
    }

    /** The stream as transactions and the messages between them; a BEGIN inside one or a COMMIT outside fails. */
    private static List<Item> items(List<LogicalStream.Line> lines) {
        List<Item> out = new ArrayList<>();
        List<String> open = null;
        long xid = -1;
        for (LogicalStream.Line line : lines) {
            String text = line.text();
            Matcher b = BEGIN.matcher(text);
            Matcher c = COMMIT.matcher(text);
            if (b.matches()) {
                assertEquals("BEGIN inside transaction " + xid, null, open);
                open = new ArrayList<>();
                xid = Long.parseLong(b.group(1));
            } else if (c.matches()) {
                assertNotNull(text + " outside a transaction", open);
                assertEquals("COMMIT of the transaction begun", Long.toString(xid), c.group(1));
                out.add(new Item(xid, open, true));
                open = null;
            } else if (open != null) {
                open.add(text);
            } else {
                out.add(new Item(-1, List.of(text), false));
            }
        }
        return out;
    }

    private static List<String> lines(List<Item> items) {
        return items.stream().flatMap(i -> i.lines().stream()).toList();
    }

    /** "event watcher" of each slotway.watcher message; each must be outside any transaction. */
    private static List<String> watcherEvents(List<Item> items) {
        List<String> out = new ArrayList<>();
        for (Item i : items) {
            for (String l : i.lines()) {
                Matcher m = MESSAGE.matcher(l);
                if (m.matches() && m.group(2).equals("slotway.watcher")) {
                    assertTrue("a watcher event is not transactional: " + i, !i.transaction() && m.group(1).equals("0"));
                    Matcher e = EVENT.matcher(m.group(3));
                    assertTrue("watcher event JSON: " + m.group(3), e.matches());
                    out.add(e.group(1) + " " + e.group(2));
                }
            }
        }
        return out;
    }

    /**
     * Waits for the {@code slotway.watcher} message of {@code event} for {@code watcher} at or after line
     * {@code from} of the stream, checks its bundle and version, and returns the line after it.
     */
    private static int awaitEvent(LogicalStream td, int from, String event, String watcher, Bundle bundle, List<String> events)
            throws InterruptedException {
        int[] found = {-1};
        boolean ok = LogicalStream.await(WAIT_SECONDS, () -> {
            for (int i = from; i < td.lines.size(); i++) {
                Matcher m = MESSAGE.matcher(td.lines.get(i).text());
                if (m.matches() && m.group(2).equals("slotway.watcher")) {
                    Matcher e = EVENT.matcher(m.group(3));
                    if (e.matches() && e.group(1).equals(event) && e.group(2).equals(watcher)) {
                        assertEquals("bundle of " + event + " " + watcher, bundle.getSymbolicName(), e.group(3));
                        assertEquals("version of " + event + " " + watcher, bundle.getVersion().toString(), e.group(4));
                        found[0] = i;
                        return true;
                    }
                }
            }
            return false;
        });
        assertTrue("the stream has '" + event + "' for " + watcher + " after line " + from + ": "
                + td.lines.subList(from, td.lines.size()).stream().filter(l -> l.text().startsWith("message:")).toList(), ok);
        events.add(event + " " + watcher);
        return found[0] + 1;
    }

    private static void awaitRow(LogicalStream td, long id) throws InterruptedException {
        assertTrue("the stream reaches row " + id + " (at " + td.maxId() + "; " + td.sessions + " " + td.startErrors + ")",
                LogicalStream.await(WAIT_SECONDS, () -> td.maxId() >= id));
    }

    private static void assertOneSession(LogicalStream td) {
        assertEquals("one session throughout: " + td.sessions + " " + td.startErrors, 1, td.sessions.size());
        assertEquals("no failed START_REPLICATION", List.of(), td.startErrors);
        assertEquals("the session did not end in an error: " + td.sessions, null, td.sessions.get(0).endedState);
    }

    /** Whether awsdms_ddl_audit exists (empty: each audit row is deleted in its transaction). */
    private static void assertAuditTable(Connection c, boolean exists) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM awsdms_ddl_audit")) {
            assertTrue("awsdms_ddl_audit exists only once dms-ddl is active", exists);
            assertTrue(rs.next());
            assertEquals("awsdms_ddl_audit keeps no rows", 0, rs.getLong(1));
        } catch (SQLException e) {
            if (exists || !"42P01".equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    private void assertListed(String watcher, Bundle bundle) throws Exception {
        List<String> row = List.of(watcher, bundle.getSymbolicName(), bundle.getVersion().toString());
        String[] last = {""};
        boolean ok = LogicalStream.await(WAIT_SECONDS, () -> {
            last[0] = watchersCommand();
            return tableRows(last[0]).contains(row);
        });
        assertTrue("slotway:watchers lists " + row + ":\n" + last[0], ok);
    }

    private void assertNotListed(String watcher) throws Exception {
        String[] last = {""};
        boolean ok = LogicalStream.await(WAIT_SECONDS, () -> {
            last[0] = watchersCommand();
            return last[0].contains("watcher") && tableRows(last[0]).stream().noneMatch(r -> r.get(0).equals(watcher));
        });
        assertTrue("slotway:watchers does not list " + watcher + ":\n" + last[0], ok);
    }

    /** The cells of a psql-style table's rows (not its header, rule or row count). */
    private static List<List<String>> tableRows(String table) {
        List<List<String>> rows = new ArrayList<>();
        String[] lines = table.split("\n");
        for (int i = 2; i < lines.length; i++) {
            if (lines[i].startsWith("(")) {
                break;
            }
            rows.add(Arrays.stream(lines[i].split("\\|")).map(String::trim).toList());
        }
        return rows;
    }

    /**
     * {@code slotway:watchers} as an operator runs it: through Gogo's CommandProcessor (by reflection, the probe
     * does not wire to Gogo); without Gogo, the command service's own method.
     */
    private String watchersCommand() {
        try {
            ServiceReference<?> ref = context.getServiceReference(COMMAND_PROCESSOR);
            if (ref != null) {
                Object processor = context.getService(ref);
                try {
                    Class<?> p = ref.getBundle().loadClass(COMMAND_PROCESSOR);
                    Class<?> s = ref.getBundle().loadClass(COMMAND_SESSION);
                    InputStream in = new ByteArrayInputStream(new byte[0]);
                    OutputStream out = new ByteArrayOutputStream();
                    Object session = p.getMethod("createSession", InputStream.class, OutputStream.class, OutputStream.class)
                            .invoke(processor, in, out, out);
                    try {
                        return String.valueOf(s.getMethod("execute", CharSequence.class).invoke(session, "slotway:watchers"));
                    } finally {
                        s.getMethod("close").invoke(session);
                    }
                } finally {
                    context.ungetService(ref);
                }
            }
            ServiceReference<?>[] refs = context.getServiceReferences((String) null,
                    "(&(osgi.command.scope=slotway)(osgi.command.function=watchers))");
            assertNotNull("no slotway:watchers command", refs);
            Object commands = context.getService(refs[0]);
            try {
                return String.valueOf(commands.getClass().getMethod("watchers").invoke(commands));
            } finally {
                context.ungetService(refs[0]);
            }
        } catch (ReflectiveOperationException | org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError("slotway:watchers failed", e);
        }
    }

    /** The location of a watcher bundle in the distribution's extras/. */
    private String extra(String bsn) throws Exception {
        Path extras = Path.of(context.getProperty("slotway.home")).resolve("extras");
        for (Path jar : SlotwayOptions.jars(extras)) {
            if (jar.getFileName().toString().startsWith(bsn + "-")) {
                return jar.toUri().toString();
            }
        }
        throw new AssertionError("no " + bsn + " in " + extras);
    }
}
