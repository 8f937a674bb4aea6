package io.slotway.api.watch;

import io.slotway.api.change.Relation;
import java.util.List;

/**
 * One schema change (DDL statement), as an event trigger at {@code ddl_command_end} sees it.
 *
 * @param xid           the transaction it belongs to ({@code txid_current()})
 * @param user          the user who ran it ({@code current_user})
 * @param commandTag    its command tag as event triggers name it ({@code CREATE TABLE}, {@code ALTER
 *                      TABLE}, {@code CREATE TABLE AS}, {@code CREATE INDEX}, ...)
 * @param statement     the statement's own text
 * @param query         the client's whole query string ({@code current_query()}), which may hold more
 *                      statements than this one
 * @param currentSchema the session's {@code current_schema} when it ran
 * @param objects       the relations it created, changed or dropped, each before and after (empty for DDL
 *                      on other objects)
 */
public record SchemaChange(long xid, String user, String commandTag, String statement, String query,
        String currentSchema, List<ObjectChange> objects) {
    public SchemaChange {
        objects = List.copyOf(objects);
    }

    /**
     * A relation created ({@code before} null), changed, or dropped ({@code after} null).
     *
     * @param oid the relation's OID
     */
    public record ObjectChange(long oid, Relation before, Relation after) {
    }
}
