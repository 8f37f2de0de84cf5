package io.distributex.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The slots of one pool that lock-delay keeps closed: each hold that ended by expiry closes its
 * slot until a set time (Chubby's lock-delay), since its holder may still be finishing its work.
 */
final class ClosedSlots {
  private final List<Long> until = new ArrayList<>();

  /** Closes one slot until {@code untilMillis}. */
  void close(long untilMillis) {
    until.add(untilMillis);
  }

  /** How many slots are closed at {@code now}; those that opened again are forgotten. */
  int closedAt(long now) {
    until.removeIf(time -> time <= now);
    return until.size();
  }

  /** When the last closed slot opens again; empty when none is closed at {@code now}. */
  Optional<Long> lastUntil(long now) {
    closedAt(now);
    return until.stream().max(Long::compare);
  }
}
