package io.slotway.watcher.dmsddl;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.api.watch.SchemaChange;
import io.slotway.api.watch.WatcherContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DmsDdlWatcherTest {
    /** Records the statements a watcher runs. */
    static final class Recorder implements WatcherContext {
        final List<String> sql = new ArrayList<>();
        final List<List<String>> params = new ArrayList<>();

        @Override
        public List<List<String>> execute(String statement, String... p) {
            sql.add(statement);
            params.add(List.of(p));
            return List.of();
        }

        @Override
        public void message(String prefix, byte[] content) {
            throw new AssertionError("the DMS watcher writes no messages");
        }
    }

    private static SchemaChange change(String tag) {
        return new SchemaChange(740, "postgres", tag, "stmt", "the whole query;", "public", List.of());
    }

    @Test
    void auditedTagsGetTheTriggersInsertAndDeleteWithTheWholeQuery() throws Exception {
        DmsDdlWatcher w = new DmsDdlWatcher();
        Recorder r = new Recorder();
        for (String tag : List.of("CREATE TABLE", "ALTER TABLE", "DROP TABLE", "CREATE TABLE AS", "CREATE INDEX", "CREATE VIEW")) {
            w.schemaChanged(change(tag), r);
        }
        assertThat(r.sql).hasSize(8);
        assertThat(r.sql.get(0)).isEqualTo("INSERT INTO public.awsdms_ddl_audit VALUES (default, current_timestamp, current_user,"
                + " cast(txid_current() as varchar(16)), $1, 0, '', current_schema, $2)");
        assertThat(r.params.get(0)).containsExactly("CREATE TABLE", "the whole query;");
        assertThat(r.sql.get(1)).isEqualTo("DELETE FROM public.awsdms_ddl_audit");
        assertThat(r.params.get(6)).containsExactly("CREATE TABLE AS", "the whole query;");
    }

    @Test
    void theArtifactsSchemaIsConfigurableAndQuoted() throws Exception {
        DmsDdlWatcher w = new DmsDdlWatcher();
        w.configure("DMS Schema");
        Recorder r = new Recorder();
        w.activate(r);
        assertThat(r.sql.get(0)).isEqualTo("CREATE SCHEMA IF NOT EXISTS \"DMS Schema\"");
        assertThat(r.sql.get(1)).startsWith("CREATE TABLE IF NOT EXISTS \"DMS Schema\".awsdms_ddl_audit (c_key bigserial primary key,");
        w.schemaChanged(change("DROP TABLE"), r);
        assertThat(r.sql.get(3)).isEqualTo("DELETE FROM \"DMS Schema\".awsdms_ddl_audit");

        DmsDdlWatcher plain = new DmsDdlWatcher();
        Recorder p = new Recorder();
        plain.activate(p);
        assertThat(p.sql).hasSize(1); // public exists: only the table
    }
}
