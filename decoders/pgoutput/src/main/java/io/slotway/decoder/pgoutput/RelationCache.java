package io.slotway.decoder.pgoutput;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.change.Publication;
import io.slotway.api.change.Relation;
import io.slotway.api.decoding.DecodingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One stream's knowledge of relations, as pgoutput's {@code RelationSyncCache}: for each relation, which
 * actions the named publications publish for it and whether its Relation message was sent since its
 * definition last changed. PostgreSQL drops an entry on a relcache invalidation of the relation and drops
 * all entries when a publication changes; Slotway sees neither event, so an entry is dropped when the
 * relation a change carries differs from the one the entry was built for, when {@link #invalidate} is
 * called (TRUNCATE), and all entries when the named publications, as of the change, differ from the ones
 * loaded before.
 */
final class RelationCache {
    /** {@code FirstNormalObjectId}: relations below it were created by initdb and are never published. */
    static final long FIRST_NORMAL_OBJECT_ID = 16384;

    /** What pgoutput keeps about one relation. */
    static final class Entry {
        final Relation relation;
        final boolean insert;
        final boolean update;
        final boolean delete;
        final boolean truncate;
        boolean schemaSent;

        Entry(Relation relation, boolean insert, boolean update, boolean delete, boolean truncate) {
            this.relation = relation;
            this.insert = insert;
            this.update = update;
            this.delete = delete;
            this.truncate = truncate;
        }
    }

    private final List<String> publicationNames;
    private final DecodingContext context;
    private final Map<Long, Entry> entries = new HashMap<>();
    private List<Publication> publications;

    RelationCache(List<String> publicationNames, DecodingContext context) {
        this.publicationNames = publicationNames;
        this.context = context;
    }

    /** {@code is_publishable_relation}: a user table (Slotway has no temporary or unlogged ones). */
    static boolean publishable(Relation rel) {
        return rel.oid() >= FIRST_NORMAL_OBJECT_ID;
    }

    /**
     * {@code get_rel_sync_entry}: the entry for {@code rel} as of the change being decoded. Raises
     * {@code 42704 publication "x" does not exist} when a named publication does not exist then, as
     * PostgreSQL 15's {@code LoadPublications} does when it first needs the publications.
     */
    Entry get(Relation rel) throws PgException {
        List<Publication> now = load();
        if (!now.equals(publications)) {
            publications = now;
            entries.clear();
        }
        Entry e = entries.get(rel.oid());
        if (e == null || !e.relation.equals(rel)) {
            boolean insert = false;
            boolean update = false;
            boolean delete = false;
            boolean truncate = false;
            for (Publication p : publications) {
                if (p.includes(rel)) {
                    insert |= p.insert();
                    update |= p.update();
                    delete |= p.delete();
                    truncate |= p.truncate();
                }
            }
            e = new Entry(rel, insert, update, delete, truncate);
            entries.put(rel.oid(), e);
        }
        return e;
    }

    /** A relcache invalidation of the relation: its Relation message goes out again before its next change. */
    void invalidate(long oid) {
        Entry e = entries.get(oid);
        if (e != null) {
            e.schemaSent = false;
        }
    }

    private List<Publication> load() throws PgException {
        List<Publication> out = new ArrayList<>(publicationNames.size());
        for (String name : publicationNames) {
            Optional<Publication> p = context.publication(name);
            if (p.isEmpty()) {
                throw new PgException(SqlState.UNDEFINED_OBJECT, "publication \"" + name + "\" does not exist");
            }
            out.add(p.get());
        }
        return out;
    }
}
