package io.distributex.core.shared;

import io.distributex.core.TimeSource;
import io.distributex.core.shared.StoredPool.StoredGrant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * When this server first saw each hold of one pool with its current deadline, on its own
 * monotonic clock, so that a wall clock set forward (or another server's clock behind) never ends
 * a hold early: the deadlines in the shared store are wall-clock times that every server reads
 * with its own clock. A hold ends here only once its wall deadline has passed and this server's
 * monotonic clock says its whole period ran since the server first saw it granted or renewed.
 * A hold this server never saw renewed counts as renewed when first seen: a server that starts,
 * or first reads a pool, may end such holds up to one period late (never early).
 */
final class HoldSightings {
  private final TimeSource time;
  private final Map<Sighting, Long> firstSeen = new HashMap<>();

  /** One hold with one deadline: a renewal is a new sighting. */
  private record Sighting(String host, long token, long expiresAt) {
    static Sighting of(StoredGrant holder) {
      return new Sighting(holder.host(), holder.token(), holder.expiresAt());
    }
  }

  HoldSightings(TimeSource time) {
    this.time = time;
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
  }

  /**
   * The wall-clock time from which this server may end {@code holder}: its stored deadline, or
   * later when this server's monotonic clock has not yet seen its period run.
   */
  synchronized long endOf(StoredGrant holder) {
    if (holder.expiresAt() == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    Long seen = firstSeen.get(Sighting.of(holder));
    long ran = seen == null ? 0 : time.elapsedMillis() - seen;
    long left = Math.max(0, holder.periodMs() - ran);
    return Math.max(holder.expiresAt(), time.currentTimeMillis() + left);
  }
}
