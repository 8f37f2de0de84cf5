package io.distributex.core.shared;

import io.distributex.core.BackendUnavailableException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * The pools' states in a {@link SharedStore}, decoded, and changed only by compare-and-set: a
 * change is computed from the version read and written only if that version is still stored;
 * on a conflict it is computed again from the newer one.
 *
 * <p>The newest version this server wrote or read is remembered: the next change starts from it
 * and writes in one round trip instead of two; when someone else wrote meanwhile, the write
 * fails and the change is computed again from a fresh read.
 */
final class PoolValues {
  private static final int MAX_ATTEMPTS = 200;
  private static final SecureRandom EPOCHS = new SecureRandom();

  private final SharedStore store;
  private final Map<String, Version> lastWritten = new ConcurrentHashMap<>();

  PoolValues(SharedStore store) {
    this.store = store;
  }

  /** What a change proposes: the new state, whether it differs, and what the caller learns. */
  record Proposal<T>(StoredPool state, boolean changed, T result) {}

  /** The state that is now stored and the result of the change that produced it. */
  record Written<T>(StoredPool state, T result) {}

  /** A stored value and its state, decoded once. */
  private record Version(StoredValue stored, StoredPool state) {}

  /** See {@link SharedStore#incarnation}. */
  Optional<String> incarnation(String pool) {
    return store.incarnation(pool);
  }

  /** The current state, or an empty one of epoch 0 (no epoch yet) when the store holds none. */
  StoredPool read(String pool) {
    return seen(pool, store.read(pool));
  }

  /**
   * The state of a value read from the store (or passed on by its watch), or an empty one of
   * epoch 0 when the store holds none. The next change starts from it when it is newer than the
   * version this server wrote last, so a change right after a read writes in one round trip.
   */
  StoredPool seen(String pool, StoredValue stored) {
    if (stored.bytes().isEmpty()) {
      return StoredPool.empty(0);
    }
    StoredPool state = decoded(pool, stored);
    lastWritten.merge(
        pool,
        new Version(stored, state),
        (known, read) ->
            read.state().epoch() != known.state().epoch() || read.state().version() > known.state().version()
                ? read
                : known);
    return state;
  }

  /**
   * Applies {@code change} to the current state until a compare-and-set succeeds, and returns
   * the result of the change that was written. A change that alters nothing writes nothing, and
   * is always computed from a fresh read.
   */
  <T> Written<T> update(String pool, Function<StoredPool, Proposal<T>> change) {
    Version current = lastWritten.remove(pool);
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      boolean fresh = current == null;
      if (fresh) {
        current = readVersion(pool);
      }
      Proposal<T> proposal = change.apply(current.state());
      if (!proposal.changed()) {
        if (!fresh) {
          current = null;
          continue;
        }
        return new Written<>(current.state(), proposal.result());
      }
      var written = store.write(pool, current.stored(), proposal.state().encode());
      if (written.isPresent()) {
        lastWritten.put(pool, new Version(written.get(), proposal.state()));
        return new Written<>(proposal.state(), proposal.result());
      }
      current = null;
      if (!fresh) {
        continue;
      }
      backOff(attempt);
    }
    throw new BackendUnavailableException(
        "too much contention on pool '" + pool + "' (" + MAX_ATTEMPTS + " conflicting writes)", null);
  }

  /** The current version; a value the store does not hold yet starts a new epoch. */
  private Version readVersion(String pool) {
    StoredValue stored = store.read(pool);
    return new Version(
        stored, stored.bytes().isPresent() ? decoded(pool, stored) : StoredPool.empty(newEpoch()));
  }

  private static StoredPool decoded(String pool, StoredValue stored) {
    try {
      return StoredPool.decode(stored.bytes().get());
    } catch (IllegalArgumentException corrupt) {
      throw new BackendUnavailableException(
          "the store holds a value Distributex cannot read for pool '" + pool + "': "
              + corrupt.getMessage(),
          corrupt);
    }
  }

  private static long newEpoch() {
    long epoch;
    do {
      epoch = EPOCHS.nextLong();
    } while (epoch == 0);
    return epoch;
  }

  private static void backOff(int attempt) {
    if (attempt > 2) {
      LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1, 250_000) * Math.min(attempt, 8));
    }
  }
}
