package io.slotway.watcher.dmsddl;

import io.slotway.api.PgException;
import io.slotway.api.sql.PgIdentifiers;
import io.slotway.api.watch.SchemaChange;
import io.slotway.api.watch.SchemaWatcher;
import io.slotway.api.watch.WatcherContext;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Does what AWS DMS's {@code awsdms_intercept_ddl} event trigger does on a PostgreSQL source: for each
 * CREATE TABLE, ALTER TABLE, DROP TABLE and CREATE TABLE AS it inserts a row into
 * {@code <schema>.awsdms_ddl_audit} (time, user, transaction id, command tag, schema and the client's whole
 * query) and deletes it again, in the DDL's own transaction. DMS reads the INSERT from the change stream
 * (test_decoding) and applies {@code c_ddlqry} to its target.
 */
@Component(service = SchemaWatcher.class, configurationPid = DmsDdlWatcher.PID,
        property = SchemaWatcher.WATCHER_NAME + "=" + DmsDdlWatcher.NAME)
@Designate(ocd = DmsDdlWatcher.Config.class)
public final class DmsDdlWatcher implements SchemaWatcher {
    public static final String PID = "io.slotway.watcher.dmsddl";
    public static final String NAME = "dms-ddl";
    /** The command tags DMS's trigger function records. */
    static final Set<String> TAGS = Set.of("CREATE TABLE", "ALTER TABLE", "DROP TABLE", "CREATE TABLE AS");
    static final String TABLE = "awsdms_ddl_audit";

    @ObjectClassDefinition(name = "Slotway DMS DDL audit watcher",
            description = "Writes AWS DMS's awsdms_ddl_audit rows for CREATE/ALTER/DROP TABLE and CREATE TABLE AS.")
    public @interface Config {
        String DEFAULT_SCHEMA = "public";

        @AttributeDefinition(name = "DDL artifacts schema", description = "The schema holding awsdms_ddl_audit: the value of"
                + " DMS's DdlArtifactsSchema endpoint setting (default public).")
        String ddl_artifacts_schema() default DEFAULT_SCHEMA;
    }

    private String table;
    private String schema;

    public DmsDdlWatcher() {
        configure(Config.DEFAULT_SCHEMA);
    }

    @Activate
    void start(Config config) {
        configure(config.ddl_artifacts_schema());
    }

    void configure(String artifactsSchema) {
        schema = artifactsSchema == null || artifactsSchema.isBlank() ? Config.DEFAULT_SCHEMA : artifactsSchema.trim();
        table = PgIdentifiers.quote(schema) + "." + TABLE;
    }

    /** Creates the audit table (and its schema) as DMS's setup script does, unless it is there already. */
    @Override
    public void activate(WatcherContext context) throws PgException {
        if (!schema.equals(Config.DEFAULT_SCHEMA)) {
            context.execute("CREATE SCHEMA IF NOT EXISTS " + PgIdentifiers.quote(schema));
        }
        context.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                + "c_key bigserial primary key, c_time timestamp, c_user varchar(64), c_txn varchar(16), c_tag varchar(24),"
                + " c_oid integer, c_name varchar(64), c_schema varchar(64), c_ddlqry text)");
    }

    @Override
    public void schemaChanged(SchemaChange change, WatcherContext context) throws PgException {
        if (!TAGS.contains(change.commandTag())) {
            return;
        }
        // The trigger function's own statements: c_oid and c_name are left 0 and '' ("for future use").
        context.execute("INSERT INTO " + table + " VALUES (default, current_timestamp, current_user,"
                + " cast(txid_current() as varchar(16)), $1, 0, '', current_schema, $2)", change.commandTag(), change.query());
        context.execute("DELETE FROM " + table);
    }
}
