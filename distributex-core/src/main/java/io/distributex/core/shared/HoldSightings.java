package io.distributex.core.shared;

import io.distributex.core.TimeSource;
import io.distributex.core.shared.StoredPool.StoredGrant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * When this server first saw each hold of one pool with its current deadline, on its own
 * monotonic clock, so that no wall clock (its own set forward or back, another server's ahead or
 * behind) ends a hold early or keeps it late: the deadlines in the shared store are wall-clock
 * times of the server that wrote them. A hold ends here once this server's monotonic clock says
 * its whole period ran since the server first saw it granted or renewed, which is never before
 * the holder's own lease ran.
 * A hold this server never saw renewed counts as renewed when first seen: a server that starts,
 * or first reads a pool, may end such holds up to one period late (never early). Slots closed by
 * lock-delay open by the same rule, and so does a value's restore window (see {@link
 * StoredPool#restoringUntil}).
 */
final class HoldSightings {
  private final TimeSource time;
  private final long lockDelayMs;
  private final Map<Sighting, Long> firstSeen = new HashMap<>();
  private final Map<Long, Long> closuresSeen = new HashMap<>();
  private long windowSeen;
  private long windowSeenAt;

  /** One hold with one deadline and period: a renewal is a new sighting. */
  private record Sighting(String host, long token, long expiresAt, long periodMs) {
    static Sighting of(StoredGrant holder) {
      return new Sighting(holder.host(), holder.token(), holder.expiresAt(), holder.periodMs());
    }
  }

  HoldSightings(TimeSource time, long lockDelayMs) {
    this.time = time;
    this.lockDelayMs = lockDelayMs;
  }

  /** Notes the holds of {@code state} not seen before, and forgets those no longer in it. */
  synchronized void see(StoredPool state) {
    long now = time.elapsedMillis();
    Set<Sighting> current = new HashSet<>();
    for (StoredGrant holder : state.holders()) {
      if (holder.expiresAt() != Long.MAX_VALUE) {
        Sighting sighting = Sighting.of(holder);
        current.add(sighting);
        firstSeen.putIfAbsent(sighting, now);
      }
    }
    firstSeen.keySet().retainAll(current);
    for (long until : state.closedUntil()) {
      closuresSeen.putIfAbsent(until, now);
    }
    closuresSeen.keySet().retainAll(state.closedUntil());
    if (state.restoringUntil() != windowSeen) {
      windowSeen = state.restoringUntil();
      windowSeenAt = now;
    }
  }

  /**
   * The wall-clock time (of this server's clock) from which this server may end the restore
   * window of {@code state}: once its monotonic clock has seen the window's whole length run since
   * it first saw it; 0 when the state is not restoring.
   */
  synchronized long windowEndOf(StoredPool state) {
    if (state.restoringUntil() == 0) {
      return 0;
    }
    long ran = state.restoringUntil() == windowSeen ? time.elapsedMillis() - windowSeenAt : 0;
    return time.currentTimeMillis() + Math.max(0, state.restoreMs() - ran);
  }

  /**
   * The wall-clock time (of this server's clock) from which this server may open a slot that
   * lock-delay closed until {@code until}: once its monotonic clock has seen the whole delay run
   * since it first saw the slot closed.
   */
  synchronized long openingOf(long until) {
    Long seen = closuresSeen.get(until);
    long ran = seen == null ? 0 : time.elapsedMillis() - seen;
    return time.currentTimeMillis() + Math.max(0, lockDelayMs - ran);
  }

  /**
   * The wall-clock time (of this server's clock) from which this server may end {@code holder}:
   * once its monotonic clock has seen the hold's whole period run since it first saw the hold
   * granted or renewed. The stored deadline, another server's wall clock, is not trusted either
   * way: a clock set forward or back here, or a granting server's clock ahead or behind, moves
   * nothing.
   */
  synchronized long endOf(StoredGrant holder) {
    if (holder.expiresAt() == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    Long seen = firstSeen.get(Sighting.of(holder));
    long ran = seen == null ? 0 : time.elapsedMillis() - seen;
    return time.currentTimeMillis() + Math.max(0, holder.periodMs() - ran);
  }
}
