package io.distributex.core;

import java.util.ArrayList;
import java.util.List;

/**
 * What one {@link InMemoryPool} writes to the {@link Journal}, if it has one: the holds it grants
 * and renews, those that end, and the slots lock-delay closes. Used under the pool's lock; the
 * batches of one operation are collected so that its answers wait for exactly them.
 */
final class PoolJournal {
  private final Journal journal;
  private final String pool;
  private final List<Journal.Batch> pending = new ArrayList<>(2);

  /** {@code journal} null: nothing is written, and nothing is ever unavailable. */
  PoolJournal(Journal journal, String pool) {
    this.journal = journal;
    this.pool = pool;
  }

  /** Throws {@link JournalUnavailableException} while the journal cannot write. */
  void checkAvailable() {
    if (journal != null) {
      journal.checkAvailable();
    }
  }

  void held(InMemoryGrant grant) {
    write(new JournalRecord.Held(pool, grant.host(), grant.mode(), grant.token(), grant.acquired(), grant.period().toMillis(),
        grant.expiresAt()));
  }

  void ended(InMemoryGrant grant) {
    write(new JournalRecord.Ended(pool, grant.host(), grant.token()));
  }

  void closed(long until) {
    write(new JournalRecord.Closed(pool, until));
  }

  /** The batches written since the last call, to wait for once the pool's lock is free. */
  List<Journal.Batch> takePending() {
    if (pending.isEmpty()) {
      return List.of();
    }
    List<Journal.Batch> taken = List.copyOf(pending);
    pending.clear();
    return taken;
  }

  private void write(JournalRecord record) {
    if (journal == null) {
      return;
    }
    Journal.Batch batch;
    try {
      batch = journal.append(record);
    } catch (BackendClosedException closing) {
      return; // the backend is closing: nothing more is answered
    }
    if (pending.isEmpty() || pending.get(pending.size() - 1) != batch) {
      pending.add(batch);
    }
  }
}
