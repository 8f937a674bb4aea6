package io.slotway.watcher.ddlmessages;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.change.Column;
import io.slotway.api.change.Relation;
import io.slotway.api.types.PgTypeNames;
import io.slotway.api.watch.SchemaChange;
import io.slotway.api.watch.SchemaWatcher;
import io.slotway.api.watch.WatcherContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Makes every schema change a transactional logical decoding message in the change's own transaction, so
 * any client that reads messages (test_decoding, wal2json, pgoutput with {@code messages}) sees schema
 * changes in order with the data around them. The content is one JSON object:
 *
 * <pre>
 * {"command_tag":"ALTER TABLE","statement":"ALTER TABLE t ADD c text","user":"postgres","schema":"public","xid":741,
 *  "objects":[{"action":"alter","oid":16390,"schema":"public","name":"t","replica_identity":"d",
 *              "columns":[{"name":"id","type":"integer","type_oid":23,"typmod":-1,"not_null":true,"key":true,
 *                          "primary_key":true}, {"name":"v", ..., "default":"'x'::text"}]}]}
 * </pre>
 *
 * An object's {@code action} is {@code create}, {@code alter} or {@code drop}; a dropped one has no
 * {@code replica_identity} or {@code columns}. DDL on other objects (indexes, sequences, functions) has an
 * empty {@code objects} list unless it changed a table's definition.
 */
@Component(service = SchemaWatcher.class, configurationPid = DdlMessagesWatcher.PID,
        property = SchemaWatcher.WATCHER_NAME + "=" + DdlMessagesWatcher.NAME)
@Designate(ocd = DdlMessagesWatcher.Config.class)
public final class DdlMessagesWatcher implements SchemaWatcher {
    public static final String PID = "io.slotway.watcher.ddlmessages";
    public static final String NAME = "ddl-messages";

    private static final JsonFactory JSON = new JsonFactory();

    @ObjectClassDefinition(name = "Slotway DDL messages watcher",
            description = "Writes each schema change as a transactional logical decoding message with a JSON description.")
    public @interface Config {
        String DEFAULT_PREFIX = "slotway.ddl";

        @AttributeDefinition(name = "Message prefix", description = "The prefix of the messages (default slotway.ddl).")
        String prefix() default DEFAULT_PREFIX;
    }

    private volatile String prefix = Config.DEFAULT_PREFIX;

    @Activate
    void start(Config config) {
        prefix = config.prefix() == null || config.prefix().isEmpty() ? Config.DEFAULT_PREFIX : config.prefix();
    }

    String prefix() {
        return prefix;
    }

    @Override
    public void schemaChanged(SchemaChange change, WatcherContext context) throws PgException {
        context.message(prefix, describe(change));
    }

    /** The JSON content of the message for {@code change}. */
    static byte[] describe(SchemaChange change) throws PgException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("command_tag", change.commandTag());
            g.writeStringField("statement", change.statement());
            g.writeStringField("user", change.user());
            g.writeStringField("schema", change.currentSchema());
            g.writeNumberField("xid", change.xid());
            g.writeArrayFieldStart("objects");
            for (SchemaChange.ObjectChange o : change.objects()) {
                Relation shown = o.after() != null ? o.after() : o.before();
                g.writeStartObject();
                g.writeStringField("action", o.after() == null ? "drop" : o.before() == null ? "create" : "alter");
                g.writeNumberField("oid", o.oid());
                if (shown != null) {
                    g.writeStringField("schema", shown.schema());
                    g.writeStringField("name", shown.name());
                }
                if (o.after() != null) {
                    g.writeStringField("replica_identity", String.valueOf(o.after().replicaIdentity()));
                    g.writeArrayFieldStart("columns");
                    for (Column c : o.after().columns()) {
                        g.writeStartObject();
                        g.writeStringField("name", c.name());
                        g.writeStringField("type", PgTypeNames.formatType(c.typeOid(), c.typmod()));
                        g.writeNumberField("type_oid", c.typeOid());
                        g.writeNumberField("typmod", c.typmod());
                        g.writeBooleanField("not_null", c.notNull());
                        g.writeBooleanField("key", c.key());
                        g.writeBooleanField("primary_key", c.primaryKey());
                        if (c.defaultExpr() != null) {
                            g.writeStringField("default", c.defaultExpr());
                        }
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new PgException(SqlState.INTERNAL_ERROR, "could not write the DDL message: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
