package io.distributex.core;

import java.time.Duration;
import java.util.Optional;

/**
 * Told what a backend did to its pools, for metrics and logs; every method does nothing by
 * default. A backend calls its listener on the thread that made the change (a request's or the
 * backend's timer thread), never while it holds a pool's state locked, and before it answers the
 * waiter concerned, so a client that has its answer finds the event counted. Keep it quick: the
 * pool's next change may wait for it. An exception thrown here is logged and otherwise ignored.
 *
 * <p>Each event is reported by the backend that applied it. Servers sharing a memcached backend
 * each report the changes they wrote: an expiry, for one, is reported by whichever server touched
 * the pool first after the deadline, and a grant to a waiter of another server by the server that
 * freed the slot. Summed over all servers, every event is counted exactly once.
 */
public interface LockListener {
  /** The listener that ignores everything. */
  LockListener NONE = new LockListener() {};

  /**
   * A host was granted a slot: at once ({@code waited} empty), or after waiting in the queue for
   * {@code waited}, counted from when it joined the queue. A holder granted again is not told
   * here: that is a renewal.
   */
  default void granted(Grant grant, Optional<Duration> waited) {}

  /** A holder gave its slot back ({@code release}). */
  default void released(Grant grant) {}

  /** A hold ended by itself: its period ran out without a renewal. */
  default void expired(Grant grant) {}

  /** A queued host's {@code timeout} ran out before a slot came; it left the queue. */
  default void waitTimedOut(String pool, String host) {}

  /** This listener, then {@code next}. */
  default LockListener andThen(LockListener next) {
    LockListener first = this;
    return new LockListener() {
      @Override
      public void granted(Grant grant, Optional<Duration> waited) {
        first.granted(grant, waited);
        next.granted(grant, waited);
      }

      @Override
      public void released(Grant grant) {
        first.released(grant);
        next.released(grant);
      }

      @Override
      public void expired(Grant grant) {
        first.expired(grant);
        next.expired(grant);
      }

      @Override
      public void waitTimedOut(String pool, String host) {
        first.waitTimedOut(pool, host);
        next.waitTimedOut(pool, host);
      }
    };
  }
}
