package io.distributex.core.shared;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Flat combining of one pool's changes on one server. A thread that wants a change queues it;
 * whichever thread holds the pool's write turn applies every queued change, in order, to one
 * version and writes them with one compare-and-set. Concurrent requests of a server then share a
 * round trip to the store instead of failing each other's compare-and-set; only other servers'
 * writes still conflict.
 *
 * <p>No change is left behind: a thread that finds the turn taken leaves its change to the
 * holder, and every holder looks at the queue again after giving the turn up.
 */
final class BatchedChanges {
  private static final System.Logger LOG = System.getLogger(BatchedChanges.class.getName());
  private static final int MOST_PER_BATCH = 128;

  private final ConcurrentLinkedQueue<Change<?>> queued = new ConcurrentLinkedQueue<>();
  private final ReentrantLock turn = new ReentrantLock();
  private final Writer writer;

  /** Writes batches of changes for {@link BatchedChanges}. */
  interface Writer {
    /**
     * Applies the changes in order to the current version, writes the result, and completes
     * each change (or fails them all); returns what was written, or null after a failure.
     */
    StoredPool write(List<Change<?>> batch);

    /** Called with each written state once the turn has been given up. */
    void written(StoredPool state);
  }

  BatchedChanges(Writer writer) {
    this.writer = writer;
  }

  /**
   * Applies {@code operation} in the next batch, and returns its result once written and once the
   * state it was written in has been handed to {@link Writer#written} (so the local waits it
   * decided are answered before its caller goes on, whichever thread wrote it).
   */
  <T> T apply(Function<StoredPoolChange, T> operation, Consumer<StoredPool> onWritten) {
    Change<T> change = new Change<>(operation, onWritten);
    queued.add(change);
    while (turn.tryLock()) {
      List<WrittenBatch> written = new ArrayList<>(2);
      try {
        for (List<Change<?>> batch = next(); !batch.isEmpty(); batch = next()) {
          write(batch, written);
        }
      } finally {
        turn.unlock();
        handOn(written);
      }
      if (queued.isEmpty()) {
        break;
      }
    }
    try {
      T result = change.result.join();
      change.settled.join();
      return result;
    } catch (CompletionException failed) {
      if (failed.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw failed;
    }
  }

  /** Hands each written state to {@link Writer#written}, then lets its changes' callers go on. */
  private void handOn(List<WrittenBatch> written) {
    for (WrittenBatch each : written) {
      try {
        writer.written(each.state());
      } catch (RuntimeException failed) {
        // Our change is written; what the follow-up failed at, the next poll catches up on.
        LOG.log(Level.WARNING, "after a write: " + failed, failed);
      } finally {
        each.batch().forEach(Change::settle);
      }
    }
  }

  /** A batch written, and the state it was written in. */
  private record WrittenBatch(StoredPool state, List<Change<?>> batch) {}

  private void write(List<Change<?>> batch, List<WrittenBatch> written) {
    try {
      StoredPool state = writer.write(batch);
      if (state != null) {
        written.add(new WrittenBatch(state, batch));
      } else {
        batch.forEach(Change::settle);
      }
    } catch (RuntimeException | Error failed) {
      batch.forEach(change -> change.result.completeExceptionally(failed));
      batch.forEach(Change::settle);
      throw failed;
    }
  }

  private List<Change<?>> next() {
    List<Change<?>> batch = new ArrayList<>();
    for (Change<?> change = queued.poll(); change != null; change = queued.poll()) {
      batch.add(change);
      if (batch.size() == MOST_PER_BATCH) {
        break;
      }
    }
    return batch;
  }

  /** One queued change and its outcome. */
  static final class Change<T> {
    final Function<StoredPoolChange, T> operation;
    final Consumer<StoredPool> onWritten;
    final CompletableFuture<T> result = new CompletableFuture<>();
    /** Done once the state it was written in went to {@link Writer#written}, or it failed. */
    final CompletableFuture<Void> settled = new CompletableFuture<>();

    Change(Function<StoredPoolChange, T> operation, Consumer<StoredPool> onWritten) {
      this.operation = operation;
      this.onWritten = onWritten;
    }

    void settle() {
      settled.complete(null);
    }
  }
}
