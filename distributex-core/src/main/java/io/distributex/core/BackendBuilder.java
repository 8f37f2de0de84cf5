package io.distributex.core;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;

/** The settings every backend's builder has: pools, time, the waiter limit and a listener. */
abstract class BackendBuilder<B extends BackendBuilder<B>> {
  List<Pool> pools = List.of();
  TimeSource time = TimeSource.system();
  int maxWaiters = Integer.MAX_VALUE;
  LockListener listener = LockListener.NONE;

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

  abstract B self();
}
