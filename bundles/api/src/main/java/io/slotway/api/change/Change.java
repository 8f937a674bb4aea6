package io.slotway.api.change;

import java.util.List;

/** One decodable change inside a transaction, or a logical decoding message. */
public sealed interface Change {

    record Insert(Relation relation, Tuple newTuple) implements Change {}

    /**
     * An UPDATE. {@code oldTuple} is what PostgreSQL logs for the replica identity: the whole old row
     * for FULL ({@code oldIsKey} false); the old key for DEFAULT/INDEX when a key column changed
     * ({@code oldIsKey} true); otherwise null.
     */
    record Update(Relation relation, Tuple oldTuple, boolean oldIsKey, Tuple newTuple) implements Change {}

    /** A DELETE; {@code oldTuple} as for {@link Update}, null when the identity gives none. */
    record Delete(Relation relation, Tuple oldTuple, boolean oldIsKey) implements Change {}

    record Truncate(List<Relation> relations, boolean cascade, boolean restartIdentity) implements Change {
        public Truncate {
            relations = List.copyOf(relations);
        }
    }

    /** {@code pg_logical_emit_message}: transactional ones belong to a transaction, others stand alone. */
    record Message(boolean transactional, String prefix, byte[] content) implements Change {}
}
