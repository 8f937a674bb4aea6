package io.slotway.watcher.ddlmessages;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.api.change.Column;
import io.slotway.api.change.Relation;
import io.slotway.api.watch.SchemaChange;
import io.slotway.api.watch.WatcherContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DdlMessagesWatcherTest {
    @Test
    void eachSchemaChangeIsOneMessageDescribingTheResultingDefinition() throws Exception {
        Relation before = new Relation(16390, "public", "t", 'd', List.of(new Column("id", 23, -1, true, true)));
        Relation after = new Relation(16390, "public", "t", 'd', List.of(new Column("id", 23, -1, true, true),
                new Column("v", 1043, 24, false, false, "'x'::character varying", false)));
        SchemaChange change = new SchemaChange(741, "postgres", "ALTER TABLE", "ALTER TABLE t ADD v varchar(20) DEFAULT 'x'",
                "ALTER TABLE t ADD v varchar(20) DEFAULT 'x';", "public",
                List.of(new SchemaChange.ObjectChange(16390, before, after), new SchemaChange.ObjectChange(16400, before, null)));
        List<String> prefixes = new ArrayList<>();
        List<String> contents = new ArrayList<>();
        new DdlMessagesWatcher().schemaChanged(change, new WatcherContext() {
            @Override
            public List<List<String>> execute(String sql, String... params) {
                throw new AssertionError("no SQL");
            }

            @Override
            public void message(String prefix, byte[] content) {
                prefixes.add(prefix);
                contents.add(new String(content, StandardCharsets.UTF_8));
            }
        });
        assertThat(prefixes).containsExactly("slotway.ddl");
        assertThat(contents.get(0)).isEqualTo("{\"command_tag\":\"ALTER TABLE\",\"statement\":\"ALTER TABLE t ADD v varchar(20) DEFAULT 'x'\","
                + "\"user\":\"postgres\",\"schema\":\"public\",\"xid\":741,\"objects\":["
                + "{\"action\":\"alter\",\"oid\":16390,\"schema\":\"public\",\"name\":\"t\",\"replica_identity\":\"d\",\"columns\":["
                + "{\"name\":\"id\",\"type\":\"integer\",\"type_oid\":23,\"typmod\":-1,\"not_null\":true,\"key\":true,\"primary_key\":true},"
                + "{\"name\":\"v\",\"type\":\"character varying(20)\",\"type_oid\":1043,\"typmod\":24,\"not_null\":false,\"key\":false,\"primary_key\":false,"
                + "\"default\":\"'x'::character varying\"}]},"
                + "{\"action\":\"drop\",\"oid\":16400,\"schema\":\"public\",\"name\":\"t\"}]}");
    }
}
