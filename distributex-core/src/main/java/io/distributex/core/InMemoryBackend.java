package io.distributex.core;

import io.distributex.core.spi.BackendBuilder;
import io.distributex.core.spi.BackendSettings;
import io.distributex.core.spi.PooledBackend;
import io.distributex.core.spi.TokenSequence;
import io.distributex.core.spi.WaiterLimit;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The backend that keeps every pool in this JVM: per pool a FIFO queue and the holders under one
 * lock, with deadlines on one scheduler thread. Fast (no I/O) and exact, but its holds live and
 * die with the process; several servers cannot share it.
 *
 * <pre>{@code
 * LockBackend backend = InMemoryBackend.builder().pools(List.of(Pool.mutex("pool1"))).build();
 * }</pre>
 */
public final class InMemoryBackend extends PooledBackend {
  private static final System.Logger LOG = System.getLogger(InMemoryBackend.class.getName());

  private final Journal journal;

  private InMemoryBackend(List<InMemoryPool> pools, Journal journal) {
    super(pools);
    this.journal = journal;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Throws {@link JournalUnavailableException} while the journal cannot write. */
  @Override
  public void checkHealth() {
    if (journal != null) {
      journal.checkAvailable();
    }
  }

  /**
   * How many times the journal has been synced to disk (one fsync per group of changes written
   * together), for monitoring; empty without a journal.
   */
  public OptionalLong journalSyncs() {
    return journal == null ? OptionalLong.empty() : OptionalLong.of(journal.syncs());
  }

  @Override
  public void close() {
    super.close();
    if (journal != null) {
      journal.close();
    }
  }

  /** Settings of an {@link InMemoryBackend}; only the pools are required. */
  public static final class Builder extends BackendBuilder<Builder> {
    private Path journal;

    private Builder() {}

    /**
     * Keeps the holds in {@code file} (created when absent), so that they survive a restart of
     * this JVM: every change is on disk before it is answered, and {@link #build} brings back the
     * holds the file has, with their tokens and deadlines. None by default: nothing survives.
     */
    public Builder journal(Path file) {
      this.journal = file;
      return this;
    }

    @Override
    protected Builder self() {
      return this;
    }

    /**
     * @throws JournalException when the journal cannot be used: not a regular file, not
     *     writable, in use by another running server, or damaged
     */
    public InMemoryBackend build() {
      BackendSettings settings = settings();
      Journal opened = journal == null ? null : Journal.open(journal, settings.time());
      JournalState recovered = opened == null ? new JournalState() : opened.state();
      TokenSequence tokens = new TokenSequence(settings.time(), recovered.maxToken());
      WaiterLimit waiterLimit = new WaiterLimit(settings.maxWaiters());
      List<InMemoryPool> pools = new ArrayList<>();
      for (Pool pool : settings.pools()) {
        InMemoryPool state =
            new InMemoryPool(pool, settings.time(), tokens, waiterLimit, settings.listener(),
                new PoolJournal(opened, pool.name()));
        state.restore(recovered.holds(pool.name()), recovered.closedUntil(pool.name()));
        pools.add(state);
      }
      if (opened != null) {
        dropUnconfigured(opened, recovered, settings.pools());
      }
      return new InMemoryBackend(pools, opened);
    }

    /** Holds of pools no longer in the configuration are dropped, with a warning. */
    private void dropUnconfigured(Journal opened, JournalState recovered, List<Pool> pools) {
      for (String name : recovered.pools()) {
        if (pools.stream().noneMatch(pool -> pool.name().equals(name))) {
          List<JournalRecord.Held> holds = recovered.holds(name);
          LOG.log(Level.WARNING, "journal " + journal + ": pool '" + name + "' is no longer configured;"
              + " its " + holds.size() + " restored holds are dropped");
          holds.forEach(held -> opened.append(new JournalRecord.Ended(name, held.host(), held.token())));
        }
      }
    }
  }
}
