package io.distributex.core.spi;

import io.distributex.core.TooManyWaitersException;
import java.util.concurrent.atomic.AtomicInteger;

/** The number of queued acquires a backend holds across all its pools, and its bound. */
public final class WaiterLimit {
  private final int max;
  private final AtomicInteger held = new AtomicInteger();

  public WaiterLimit(int max) {
    this.max = max;
  }

  /** Counts one more waiter, or throws {@link TooManyWaitersException} when full. */
  public void reserve() {
    reserve(false);
  }

  /** Counts one more waiter; when full, throws unless {@code evenIfFull}. */
  public void reserve(boolean evenIfFull) {
    if (held.incrementAndGet() > max && !evenIfFull) {
      held.decrementAndGet();
      throw new TooManyWaitersException(max);
    }
  }

  public void free() {
    held.decrementAndGet();
  }
}
