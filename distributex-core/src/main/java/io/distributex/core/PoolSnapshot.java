package io.distributex.core;

import java.util.List;

/**
 * A consistent picture of one pool at one moment: its settings, its holders in grant order and
 * its waiters in queue order (the first is served next).
 *
 * @param pool the pool's settings
 * @param holders the current grants
 * @param waiters the queue, first in line first
 */
public record PoolSnapshot(Pool pool, List<Grant> holders, List<Waiter> waiters) {
  public PoolSnapshot {
    holders = List.copyOf(holders);
    waiters = List.copyOf(waiters);
  }
}
