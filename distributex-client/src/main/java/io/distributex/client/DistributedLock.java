package io.distributex.client;

import java.time.Instant;
import java.util.Optional;

/**
 * A held slot of a Distributex pool: a mutex when the pool has {@code maxlocks: 1}, one of its
 * permits otherwise; or a shared (read) hold beside other readers and no writer. Obtained from {@link DistributexClient}; release it with {@link #close()},
 * best in try-with-resources:
 *
 * <pre>{@code
 * try (DistributedLock lock = client.lock("deploy")) {
 *   deploy(lock.token());   // pass the fencing token to what you change
 * }
 * }</pre>
 *
 * <p>While held, the lock renews itself in the background every third of its hold period (the
 * client's lease, or the pool's {@code expire} when that is shorter). It can be <em>lost</em>
 * without {@code close()}: when the server refuses a renewal (it no longer holds the slot for
 * this client, for example after a restart) {@link #isHeld()} turns false at once; when renewals
 * fail otherwise (server unreachable), it turns false once no renewal has succeeded for a whole
 * hold period, which is when the server may give the slot to someone else. Work that must not go
 * on without the lock should check {@link #isHeld()} or register {@link #onLost(Runnable)}, and
 * should hand the {@link #token()} to whatever it changes, since a check can always come late.
 *
 * <p>Thread-safe; every method may be called from any thread. Until {@code close()}, no other
 * caller of the same client gets this pool, even after the lock was lost.
 */
public interface DistributedLock extends AutoCloseable {
  /** The pool this lock is a slot of. */
  String pool();

  /**
   * Whether this is a shared (read) hold, from {@link DistributexClient#lockShared}: other shared
   * holders may hold the pool beside it, never an exclusive one. False for an exclusive hold.
   */
  boolean isShared();

  /**
   * The fencing token of the grant: a positive number, larger than the token of every earlier
   * grant of this pool. Renewals keep it.
   */
  long token();

  /**
   * When the hold ends unless renewed, as the server said at the grant or the latest successful
   * renewal (server clock, millisecond precision); empty when the hold never expires.
   */
  Optional<Instant> expiresAt();

  /**
   * Whether this client still holds the slot, as far as it can tell: false after {@link #close()},
   * after the server refused a renewal, and once no renewal has succeeded for a whole hold period.
   * Once false, it stays false.
   */
  boolean isHeld();

  /**
   * Runs {@code listener} once if the lock is lost, that is when {@link #isHeld()} turns false for
   * any reason other than {@link #close()}; at once if it already has been lost. Listeners run on a
   * thread of the client, not the caller's; one that throws is logged and does not affect others.
   */
  void onLost(Runnable listener);

  /**
   * Releases the slot, stops renewing and lets the next caller of this pool in. Idempotent; safe
   * from any thread, including a listener's. Never throws for a server that cannot be reached or
   * refuses: the hold then ends by itself when its period runs out ({@link #expiresAt()}). Waits
   * for the server's answer at most the client's connect and request timeouts.
   */
  @Override
  void close();
}
