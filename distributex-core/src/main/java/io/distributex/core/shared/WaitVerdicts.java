package io.distributex.core.shared;

import io.distributex.core.shared.StoredPool.StoredGrant;
import io.distributex.core.shared.StoredPool.StoredWait;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What one stored state says about this server's waits: pure, so every rule that decides a
 * wait's answer is in one place.
 */
final class WaitVerdicts {
  /** What became of a wait. */
  sealed interface Verdict {}

  /** Granted and delivered: answer yes with this holder. */
  record Granted(StoredGrant holder) implements Verdict {}

  /** Granted, but the delivery is not confirmed yet: the next write confirms it. */
  record Undelivered() implements Verdict {}

  /** Still in line, or not decided by this state. */
  record Waiting() implements Verdict {}

  /** Its place was dropped while its server could not renew it: answer with an error. */
  record Lost() implements Verdict {}

  /** Released, taken over or timed out: answer no. */
  record Ended() implements Verdict {}

  private static final Verdict UNDELIVERED = new Undelivered();
  private static final Verdict WAITING = new Waiting();
  private static final Verdict LOST = new Lost();
  private static final Verdict ENDED = new Ended();

  private final StoredPool state;
  private final long now;
  private final boolean restoring;
  private final Map<Long, StoredGrant> byWait = new HashMap<>();
  private final Map<String, StoredGrant> byHost = new HashMap<>();
  private final Set<Long> queued = new HashSet<>();
  private final Set<String> queuedHosts = new HashSet<>();
  private final Set<Long> lost;

  /**
   * @param restoring whether {@code state} is in its restore window by this server's clock: then a
   *     hold put back after a loss answers no wait yet (it may be one that had ended)
   */
  WaitVerdicts(StoredPool state, long now, boolean restoring) {
    this.state = state;
    this.now = now;
    this.restoring = restoring;
    for (StoredGrant holder : state.holders()) {
      byHost.put(holder.host(), holder);
      if (holder.waitId() != 0) {
        byWait.put(holder.waitId(), holder);
      }
    }
    for (StoredWait place : state.queue()) {
      queued.add(place.waitId());
      queuedHosts.add(place.host());
    }
    lost = new HashSet<>(state.lost());
  }

  /** Whether the wait has a place or a grant in this state. */
  boolean contains(LocalWait wait) {
    return byWait.containsKey(wait.id) || queued.contains(wait.id);
  }

  Verdict of(LocalWait wait) {
    StoredGrant holder = byWait.get(wait.id);
    if (holder != null) {
      return holder.confirmBy() == 0 ? new Granted(holder) : UNDELIVERED;
    }
    if (queued.contains(wait.id)) {
      return WAITING;
    }
    if (lost.contains(wait.id)) {
      return LOST;
    }
    if (wait.isSettledBy(state)) {
      return ENDED;
    }
    if (wait.lostWithEpoch(state)) {
      // The store lost the value the place was in; the next write queues the wait again unless
      // its host got the pool meanwhile, a newer wait of the host took its place, or time is up.
      StoredGrant hostHolds = byHost.get(wait.host);
      if (hostHolds != null && hostHolds.confirmBy() == 0) {
        return restoring ? WAITING : new Granted(hostHolds);
      }
      if (queuedHosts.contains(wait.host) || wait.giveUpAt <= now) {
        return ENDED;
      }
    }
    return WAITING;
  }
}
