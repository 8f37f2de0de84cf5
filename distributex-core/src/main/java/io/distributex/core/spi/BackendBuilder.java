package io.distributex.core.spi;

import static com.google.common.base.Preconditions.checkArgument;

import io.distributex.core.LockListener;
import io.distributex.core.Pool;
import io.distributex.core.TimeSource;
import java.util.List;

/** The settings every backend's builder has: pools, time, the waiter limit and a listener. */
public abstract class BackendBuilder<B extends BackendBuilder<B>> {
  private List<Pool> pools = List.of();
  private TimeSource time = TimeSource.system();
  private int maxWaiters = Integer.MAX_VALUE;
  private LockListener listener = LockListener.NONE;

  /** The pools to serve; names must be unique (and, for a shared store, the same everywhere). */
  public B pools(List<Pool> pools) {
    this.pools = List.copyOf(pools);
    return self();
  }

  /** The clock and scheduler; the system's by default. */
  public B timeSource(TimeSource time) {
    this.time = time;
    return self();
  }

  /** How many acquires may wait on this server at once over all pools; unbounded by default. */
  public B maxWaiters(int maxWaiters) {
    checkArgument(maxWaiters >= 1, "maxWaiters must be at least 1, got %s", maxWaiters);
    this.maxWaiters = maxWaiters;
    return self();
  }

  /**
   * Told of every grant, release, expiry and wait timeout this backend makes (see {@link
   * LockListener} for servers sharing a store); none by default.
   */
  public B listener(LockListener listener) {
    this.listener = new SafeListener(listener);
    return self();
  }

  /** What was set, checked: at least one pool. */
  protected final BackendSettings settings() {
    checkArgument(!pools.isEmpty(), "at least one pool is required");
    return new BackendSettings(pools, time, maxWaiters, listener);
  }

  protected abstract B self();
}
