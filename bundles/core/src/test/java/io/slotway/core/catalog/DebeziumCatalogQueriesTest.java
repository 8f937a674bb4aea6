package io.slotway.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.api.catalog.CatalogProvider;
import io.slotway.api.catalog.CatalogSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Catalog queries of the Debezium PostgreSQL connector 2.7 (shared/pg-reference/clients/debezium-postgres.txt) and of DmsSourceIT. */
class DebeziumCatalogQueriesTest {
    static CatalogEngine engine;

    @BeforeAll
    static void start() throws Exception {
        CatalogSnapshot s = CatalogEngineTest.snapshot();
        CatalogProvider p = new CatalogProvider() {
            public long epoch() { return 1; }
            public CatalogSnapshot snapshot() { return s; }
        };
        engine = new CatalogEngine(() -> p, null, "postgres", java.util.List.of("postgres"));
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    void typeRegistryQueryNamesAColumnValuesAsPostgresAllows() throws Exception {
        assertThat(run("SELECT t.oid AS oid, t.typname AS name, t.typelem AS element, t.typbasetype AS parentoid,"
                + " t.typtypmod as modifiers, t.typcategory as category, e.values as enum_values FROM pg_catalog.pg_type t"
                + " JOIN pg_catalog.pg_namespace n ON (t.typnamespace = n.oid) LEFT JOIN (SELECT t.enumtypid as id,"
                + " array_agg(t.enumlabel) as values FROM pg_catalog.pg_enum t GROUP BY id) e ON (t.oid = e.id)"
                + " WHERE n.nspname != 'pg_toast' AND t.oid = 23"))
                .hasSize(2).element(1).isEqualTo("23|int4|0|0|-1|N|NULL");
    }

    @Test
    void informationSchemaCallsBlankPaddedCharacterCharacter() {
        assertThat(CatalogFunctions.informationDataType(1042L, 9)).isEqualTo("character");
        assertThat(CatalogFunctions.informationDataType(1043L, 24)).isEqualTo("character varying");
    }

    /** {@link CatalogEngineTest#run} on this class's engine. */
    static java.util.List<String> run(String sql) throws Exception {
        CatalogEngine saved = CatalogEngineTest.engine;
        CatalogEngineTest.engine = engine;
        try {
            return CatalogEngineTest.run(sql);
        } finally {
            CatalogEngineTest.engine = saved;
        }
    }
}
