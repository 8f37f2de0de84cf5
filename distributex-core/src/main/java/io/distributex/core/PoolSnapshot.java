package io.distributex.core;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A consistent picture of one pool at one moment: its settings, its holders in grant order and
 * its waiters in queue order (the first is served next).
 *
 * @param pool the pool's settings
 * @param holders the current grants
 * @param waiters the queue, first in line first
 * @param closedUntil when the last slot that lock-delay keeps closed opens again; empty when
 *     none is closed
 */
public record PoolSnapshot(
    Pool pool, List<Grant> holders, List<Waiter> waiters, Optional<Instant> closedUntil) {
  public PoolSnapshot {
    holders = List.copyOf(holders);
    waiters = List.copyOf(waiters);
  }
}
