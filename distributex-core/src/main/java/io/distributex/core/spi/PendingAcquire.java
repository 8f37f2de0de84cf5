package io.distributex.core.spi;

import io.distributex.core.Grant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The future of a queued acquire. Cancelling it takes its place out of the queue first, under the
 * pool's lock, and fails when the slot was already handed to it, so a cancellation can never race
 * with a grant and leave a slot held by nobody, or free a slot its host still uses.
 */
public final class PendingAcquire extends CompletableFuture<Optional<Grant>> {
  private final Predicate<PendingAcquire> leaveQueue;

  /** @param leaveQueue takes the acquire out of its queue; false when it was granted first */
  public PendingAcquire(Predicate<PendingAcquire> leaveQueue) {
    this.leaveQueue = leaveQueue;
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    return leaveQueue.test(this) && super.cancel(mayInterruptIfRunning);
  }
}
