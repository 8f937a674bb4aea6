package io.slotway.source.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slotway.api.PgException;
import io.slotway.api.change.Publication;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CREATE/ALTER/DROP PUBLICATION: PostgreSQL 15's rules and texts (captured from 15.18), and what is logged. */
class PublicationsTest extends CaptureFixture {

    private Publication logged(String name) {
        FakeSink.Tx tx = sink.last();
        assertThat(tx.publications).as("publications logged by the last transaction").isNotEmpty();
        Map.Entry<String, Publication> e = tx.publications.get(tx.publications.size() - 1);
        assertThat(e.getKey()).isEqualTo(name);
        return e.getValue();
    }

    private long oid(String table) throws Exception {
        return (Long) Sessions.run(session, "SELECT oid FROM slotway_meta.relations WHERE relname = '" + table + "'").rows().get(0)[0];
    }

    private void assertError(String sql, String state, String message) {
        assertThatThrownBy(() -> run(sql)).isInstanceOf(PgException.class)
                .satisfies(e -> assertThat(((PgException) e).sqlState()).isEqualTo(state))
                .hasMessage(message);
    }

    @Test
    void definitionsAreLoggedInTheirDdlTransaction() throws Exception {
        run("CREATE TABLE t (id int PRIMARY KEY)");
        run("CREATE TABLE u (id int PRIMARY KEY)");
        run("CREATE SCHEMA s2");
        run("CREATE PUBLICATION p FOR TABLE t, t WITH (publish = 'insert, update')");
        Publication p = logged("p");
        assertThat(p.tables()).containsExactly(oid("t"));
        assertThat(p.insert() && p.update() && !p.delete() && !p.truncate() && !p.allTables()).isTrue();

        run("ALTER PUBLICATION p ADD TABLE u, TABLES IN SCHEMA s2");
        assertThat(logged("p").tables()).containsExactlyInAnyOrder(oid("t"), oid("u"));
        assertThat(logged("p").schemas()).containsExactly("s2");
        run("ALTER PUBLICATION p SET TABLES IN SCHEMA public");
        assertThat(logged("p").tables()).isEmpty();
        assertThat(logged("p").includes(new io.slotway.api.change.Relation(oid("u"), "public", "u", 'd', java.util.List.of()))).isTrue();
        run("ALTER PUBLICATION p SET (publish = '')");
        assertThat(logged("p").insert()).isFalse();
        run("ALTER PUBLICATION p SET TABLE t");
        run("DROP TABLE t");
        assertThat(logged("p").tables()).isEmpty();
        run("ALTER PUBLICATION p RENAME TO q");
        assertThat(sink.last().publications).extracting(Map.Entry::getKey).containsExactly("p", "q");
        assertThat(sink.last().publications.get(0).getValue()).isNull();
        run("CREATE PUBLICATION a FOR ALL TABLES");
        assertThat(logged("a").allTables()).isTrue();
        run("DROP PUBLICATION a, q");
        assertThat(sink.last().publications).extracting(Map.Entry::getValue).containsOnlyNulls();
        run("CREATE TABLE v (id int)"); // nothing about publications any more
        assertThat(sink.last().publications).isEmpty();
    }

    @Test
    void errorsAreThoseOfPostgres() throws Exception {
        run("CREATE TABLE t (id int PRIMARY KEY)");
        run("CREATE VIEW v AS SELECT 1 AS x");
        run("CREATE PUBLICATION p FOR TABLE t");
        assertError("CREATE PUBLICATION p FOR TABLE t", "42710", "publication \"p\" already exists");
        assertError("CREATE PUBLICATION q FOR TABLE nope", "42P01", "relation \"nope\" does not exist");
        assertError("CREATE PUBLICATION q FOR TABLE v", "22023", "cannot add relation \"v\" to publication");
        assertError("CREATE PUBLICATION q FOR TABLE pg_class", "22023", "cannot add relation \"pg_class\" to publication");
        assertError("CREATE PUBLICATION q FOR TABLES IN SCHEMA pg_catalog", "22023", "cannot add schema \"pg_catalog\" to publication");
        assertError("CREATE PUBLICATION q FOR TABLES IN SCHEMA nope", "3F000", "schema \"nope\" does not exist");
        assertError("CREATE PUBLICATION q WITH (publish='insert,foo')", "42601",
                "unrecognized value for publication option \"publish\": \"foo\"");
        assertError("CREATE PUBLICATION q WITH (foo=1)", "42601", "unrecognized publication parameter: \"foo\"");
        assertError("CREATE PUBLICATION q WITH (publish='insert', publish='update')", "42601", "conflicting or redundant options");
        assertError("CREATE PUBLICATION q FOR TABLE t WITH (publish)", "42601", "publish requires a parameter");
        assertError("CREATE PUBLICATION q FOR TABLE t WITH (publish_via_partition_root = maybe)", "42601",
                "publish_via_partition_root requires a Boolean value");
        assertError("ALTER PUBLICATION p ADD TABLE t", "42710", "relation \"t\" is already member of publication \"p\"");
        run("CREATE TABLE nk (a int)");
        assertError("ALTER PUBLICATION p DROP TABLE nk", "42704", "relation \"nk\" is not part of the publication");
        assertError("ALTER PUBLICATION nope ADD TABLE t", "42704", "publication \"nope\" does not exist");
        run("CREATE PUBLICATION a FOR ALL TABLES");
        assertError("ALTER PUBLICATION a ADD TABLE t", "55000", "publication \"a\" is defined as FOR ALL TABLES");
        assertError("ALTER PUBLICATION p RENAME TO a", "42710", "publication \"a\" already exists");
        assertError("DROP PUBLICATION nope", "42704", "publication \"nope\" does not exist");
        run("DROP PUBLICATION IF EXISTS nope");
        assertThat(context.notices).extracting(Throwable::getMessage).contains("publication \"nope\" does not exist, skipping");
    }

    @Test
    void updateAndDeleteNeedAReplicaIdentityWhenPublished() throws Exception {
        run("CREATE TABLE nk (a int)");
        run("INSERT INTO nk VALUES (1)");
        run("UPDATE nk SET a = 2"); // not published: fine
        run("CREATE PUBLICATION ins FOR TABLE nk WITH (publish = 'insert')");
        run("UPDATE nk SET a = 3");
        run("CREATE PUBLICATION a FOR ALL TABLES");
        assertError("UPDATE nk SET a = 4 WHERE false", "55000",
                "cannot update table \"nk\" because it does not have a replica identity and publishes updates");
        assertError("DELETE FROM nk", "55000",
                "cannot delete from table \"nk\" because it does not have a replica identity and publishes deletes");
        run("ALTER TABLE nk REPLICA IDENTITY FULL");
        run("UPDATE nk SET a = 5");
        run("DELETE FROM nk");
    }
}
