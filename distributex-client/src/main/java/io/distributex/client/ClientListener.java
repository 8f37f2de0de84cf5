package io.distributex.client;

import java.time.Duration;

/**
 * Told what a client's locks and leases go through, to count it: give one to {@link
 * DistributexClient.Builder#listener(ClientListener)} to feed a metrics library (the examples
 * bind it to Micrometer) without the client depending on one. Every method does nothing by
 * default; implement the ones you need.
 *
 * <p>Calls come one at a time, in the order things happened, on the client's event thread (the one
 * that also runs {@link DistributedLock#onLost(Runnable)} listeners), never on the thread that
 * takes, renews or releases the lock: a slow listener delays other listeners, never a lock. Keep it
 * quick. A listener that throws is logged and changes nothing for the lock.
 */
public interface ClientListener {
  /**
   * A lock or lease of {@code pool} was granted, {@code waited} after it was asked for (in the
   * client's turn for the pool and in the server's queue).
   */
  default void acquired(String pool, Duration waited) {}

  /** A lock or lease of {@code pool} was closed by its holder, {@code held} after its grant. */
  default void released(String pool, Duration held) {}

  /**
   * A lock of {@code pool} was lost without being closed (see {@link DistributedLock#isHeld()}),
   * or a lease was found ended when it was to be held longer; {@code reason} says which.
   */
  default void lost(String pool, String reason) {}

  /**
   * A renewal of a lock of {@code pool} failed (the server could not be reached, or answered with an
   * error); the lock is still held until its hold period runs out, and later renewals may succeed.
   * A renewal the server refuses ends the lock: that is {@link #lost}.
   */
  default void renewFailed(String pool, Throwable cause) {}
}
