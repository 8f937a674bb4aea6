package io.slotway.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.api.catalog.CatalogProvider;
import io.slotway.api.catalog.CatalogSnapshot;
import io.slotway.api.catalog.CatalogSnapshot.Column;
import io.slotway.api.catalog.CatalogSnapshot.Constraint;
import io.slotway.api.catalog.CatalogSnapshot.Index;
import io.slotway.api.catalog.CatalogSnapshot.Namespace;
import io.slotway.api.catalog.CatalogSnapshot.Publication;
import io.slotway.api.catalog.CatalogSnapshot.Relation;
import io.slotway.api.source.PreparedQuery;
import io.slotway.api.source.QueryCursor;
import io.slotway.api.types.PgType;
import io.slotway.api.types.PgValues;
import io.slotway.api.types.SessionFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CatalogEngineTest {
    static CatalogEngine engine;
    static final CatalogEngine.Client CLIENT = new CatalogEngine.Client("postgres", "postgres", 42, "postgres",
            Map.of("search_path", "\"$user\", public")::get);

    static CatalogSnapshot snapshot() {
        Relation accounts = new Relation(16385, "public", "accounts", 'r', "postgres", 'd', List.of(
                new Column("id", (short) 1, 20, -1, true, null, (char) 0, 0, null),
                new Column("owner", (short) 2, 25, -1, true, null, (char) 0, 0, null),
                new Column("balance", (short) 3, 1700, 786438, false, "0", (char) 0, 0, null)), null, null, null);
        Relation transfers = new Relation(16395, "public", "transfers", 'r', "postgres", 'd', List.of(
                new Column("id", (short) 1, 23, -1, true, "nextval('transfers_id_seq'::regclass)", (char) 0, 16394, null),
                new Column("src", (short) 2, 20, -1, true, null, (char) 0, 0, "source")), null, null, "money moves");
        Relation seq = new Relation(16394, "public", "transfers_id_seq", 'S', "postgres", 'n', List.of(), null,
                new CatalogSnapshot.Sequence(23, 1, 1, 1, Integer.MAX_VALUE, 1, false), null);
        Index pk = new Index(16390, 16385, "public", "accounts_pkey", List.of((short) 1), List.of(false), true, true, false,
                "CREATE UNIQUE INDEX accounts_pkey ON public.accounts USING btree (id)");
        Index tpk = new Index(16400, 16395, "public", "transfers_pkey", List.of((short) 1), List.of(false), true, true, false,
                "CREATE UNIQUE INDEX transfers_pkey ON public.transfers USING btree (id)");
        Constraint c1 = new Constraint(16391, 16385, "public", "accounts_pkey", 'p', List.of((short) 1), 16390, 0, List.of(),
                ' ', ' ', false, false, "PRIMARY KEY (id)");
        Constraint fk = new Constraint(16401, 16395, "public", "transfers_src_fkey", 'f', List.of((short) 2), 16390, 16385,
                List.of((short) 1), 'a', 'a', false, false, "FOREIGN KEY (src) REFERENCES accounts(id)");
        Publication pub = new Publication(16500, "pub_sub", "postgres", false, true, true, true, true, false, List.of(16385L), List.of());
        return new CatalogSnapshot(1, List.of(new Namespace(2200, "public", "postgres", "standard public schema")),
                List.of(accounts, transfers, seq), List.of(pk, tpk), List.of(c1, fk), List.of(pub), List.of());
    }

    @BeforeAll
    static void start() throws Exception {
        CatalogSnapshot s = snapshot();
        CatalogProvider p = new CatalogProvider() {
            public long epoch() { return 1; }
            public CatalogSnapshot snapshot() { return s; }
        };
        engine = new CatalogEngine(() -> p, null, "postgres", List.of("postgres"));
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static List<String> run(String sql) throws Exception {
        PreparedQuery q = engine.prepare(sql, new int[0], CLIENT);
        assertThat(q).as("engine takes %s", sql).isNotNull();
        List<String> out = new ArrayList<>();
        StringBuilder h = new StringBuilder();
        for (var c : q.columns()) {
            h.append(c.name()).append(':').append(c.type().name()).append(' ');
        }
        out.add(h.toString().trim());
        try (QueryCursor cur = q.execute(new Object[0])) {
            Object[] row;
            while ((row = cur.next()) != null) {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    PgType t = q.columns().get(i).type();
                    b.append(i == 0 ? "" : "|").append(row[i] == null ? "NULL" : PgValues.toText(t, row[i], SessionFormat.DEFAULT));
                }
                out.add(b.toString());
            }
        }
        return out;
    }

    @Test
    void psqlListsTables() throws Exception {
        assertThat(run("""
                SELECT n.nspname as "Schema",
                  c.relname as "Name",
                  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' END as "Type",
                  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
                FROM pg_catalog.pg_class c
                     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
                WHERE c.relkind IN ('r','p','')
                      AND n.nspname <> 'pg_catalog'
                      AND n.nspname !~ '^pg_toast'
                      AND n.nspname <> 'information_schema'
                  AND pg_catalog.pg_table_is_visible(c.oid)
                ORDER BY 1,2;""")).containsExactly("Schema:name Name:name Type:text Owner:name",
                "public|accounts|table|postgres", "public|transfers|table|postgres");
    }

    @Test
    void castsAndOperators() throws Exception {
        assertThat(run("SELECT c.oid, n.nspname, c.relname FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE c.relname OPERATOR(pg_catalog.~) '^(transfers)$' COLLATE pg_catalog.default"
                + " AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 2, 3;"))
                .containsExactly("oid:oid nspname:name relname:name", "16395|public|transfers");
        assertThat(run("SELECT conname, conrelid::pg_catalog.regclass AS ontable, pg_catalog.pg_get_constraintdef(oid, true) AS condef"
                + " FROM pg_catalog.pg_constraint c WHERE confrelid IN (SELECT pg_catalog.pg_partition_ancestors('16385')"
                + " UNION ALL VALUES ('16385'::pg_catalog.regclass)) AND contype = 'f' AND conparentid = 0 ORDER BY conname;"))
                .containsExactly("conname:name ontable:regclass condef:text", "transfers_src_fkey|transfers|FOREIGN KEY (src) REFERENCES accounts(id)");
    }

    @Test
    void subscriberQueries() throws Exception {
        assertThat(run("SELECT DISTINCT t.schemaname, t.tablename \n FROM pg_catalog.pg_publication_tables t\n WHERE t.pubname IN ('pub_sub')"))
                .containsExactly("schemaname:name tablename:name", "public|accounts");
        assertThat(run("SELECT a.attnum,       a.attname,       a.atttypid,       a.attnum = ANY(i.indkey)  FROM pg_catalog.pg_attribute a"
                + "  LEFT JOIN pg_catalog.pg_index i       ON (i.indexrelid = pg_get_replica_identity_index(16385)) WHERE a.attnum > 0::pg_catalog.int2"
                + "   AND NOT a.attisdropped AND a.attgenerated = ''   AND a.attrelid = 16385 ORDER BY a.attnum"))
                .containsExactly("attnum:int2 attname:name atttypid:oid ?column?:bool", "1|id|20|t", "2|owner|25|f", "3|balance|1700|f");
        assertThat(run("SELECT DISTINCT  (CASE WHEN (array_length(gpt.attrs, 1) = c.relnatts)   THEN NULL ELSE gpt.attrs END)  FROM pg_publication p,"
                + "  LATERAL pg_get_publication_tables(p.pubname) gpt,  pg_class c WHERE gpt.relid = 16385 AND c.oid = gpt.relid   AND p.pubname IN ( 'pub_sub' )"))
                .containsExactly("attrs:int2vector", "NULL");
    }

    @Test
    void describeColumns() throws Exception {
        assertThat(run("SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true)"
                + " FROM pg_catalog.pg_attrdef d WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef), a.attnotnull,"
                + " pg_catalog.col_description(a.attrelid, a.attnum) FROM pg_catalog.pg_attribute a WHERE a.attrelid = '16395' AND a.attnum > 0"
                + " AND NOT a.attisdropped ORDER BY a.attnum;"))
                .containsExactly("attname:name format_type:text pg_get_expr:text attnotnull:bool col_description:text",
                        "id|integer|nextval('transfers_id_seq'::regclass)|t|NULL", "src|bigint|NULL|t|source");
    }

    @Test
    void userTablesGoToTheSource() throws Exception {
        assertThat(engine.prepare("SELECT * FROM accounts", new int[0], CLIENT)).isNull();
        assertThat(engine.prepare("SELECT 1", new int[0], CLIENT)).isNull();
        assertThat(engine.prepare("SELECT pg_catalog.set_config('search_path', '', false)", new int[0], CLIENT)).isNull();
        assertThat(engine.prepare("SELECT version()", new int[0], CLIENT)).isNotNull();
    }
}
