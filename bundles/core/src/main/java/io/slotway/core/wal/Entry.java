package io.slotway.core.wal;

import io.slotway.api.change.Change;
import io.slotway.api.change.Lsn;

/** One change of a committed transaction and the LSN of its WAL record. */
public record Entry(Lsn lsn, Change change) {}
