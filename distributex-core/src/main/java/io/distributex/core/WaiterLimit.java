package io.distributex.core;

import java.util.concurrent.atomic.AtomicInteger;

/** The number of queued acquires a backend holds across all its pools, and its bound. */
final class WaiterLimit {
  private final int max;
  private final AtomicInteger held = new AtomicInteger();

  WaiterLimit(int max) {
    this.max = max;
  }

  /** Counts one more waiter, or throws {@link TooManyWaitersException} when full. */
  void reserve() {
    reserve(false);
  }

  /** Counts one more waiter; when full, throws unless {@code evenIfFull}. */
  void reserve(boolean evenIfFull) {
    if (held.incrementAndGet() > max && !evenIfFull) {
      held.decrementAndGet();
      throw new TooManyWaitersException(max);
    }
  }

  void free() {
    held.decrementAndGet();
  }
}
