package io.distributex.core.shared;

import io.distributex.core.Mode;
import io.distributex.core.TimeSource;
import io.distributex.core.spi.PendingAcquire;
import java.time.Duration;
import java.util.Optional;

/**
 * A request of this server waiting in a pool's shared queue ({@link SharedStatePool}): its
 * id, what it asked for, its future, and the state its place was written in.
 */
final class LocalWait {
  final long id;
  final String host;
  final Mode mode;
  final Optional<Duration> lease;
  final long giveUpAt;
  final PendingAcquire future;
  /** The state its place was written in: epoch 0 until that write is known. */
  volatile long epoch;
  volatile long version;
  volatile TimeSource.Cancellable timeout;
  boolean reserved;

  LocalWait(
      long id, String host, Mode mode, Optional<Duration> lease, long giveUpAt, PendingAcquire future) {
    this.id = id;
    this.host = host;
    this.mode = mode;
    this.lease = lease;
    this.giveUpAt = giveUpAt;
    this.future = future;
  }

  void enqueuedIn(StoredPool state) {
    version = state.version();
    epoch = state.epoch();
  }

  /** Whether the store lost the value its place was written in, and {@code state} is newer. */
  boolean lostWithEpoch(StoredPool state) {
    return epoch != 0 && epoch != state.epoch();
  }

  /** Whether {@code state} is as new as the write of its place, so its absence means it ended. */
  boolean isSettledBy(StoredPool state) {
    return epoch != 0 && state.epoch() == epoch && state.version() >= version;
  }
}
