package io.distributex.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * The store of every pool's holders and queue: the one seam each backend implements.
 *
 * <p>Guarantees, for every implementation: a pool never has more exclusive holders than its
 * {@code maxlocks}, never more shared holders than its {@code maxShared}, and never holders of
 * both modes at once; a host holds at most one slot and has at most one place in a pool's queue;
 * a freed slot goes at once to the longest-waiting host, and {@link #tryAcquire} never overtakes
 * a queued one, whatever the modes; a hold ends by itself when its period runs out, handing the slot on at that
 * moment; every grant carries a token strictly larger than every earlier token of its pool.
 *
 * <p>Calls for an unknown pool throw {@link IllegalArgumentException}; {@link #pools()} lists the
 * known ones. A store that cannot be reached throws {@link BackendUnavailableException} and
 * grants nothing.
 */
public interface LockBackend extends AutoCloseable {

  /** The pools this backend serves, by name. */
  Map<String, Pool> pools();

  /**
   * Takes a slot now in {@code mode} if the pool admits it and nobody waits, or renews the hold
   * {@code host} already has in that mode (keeping its token). Never waits.
   *
   * @param lease how long to hold; empty for the pool's {@code expire}
   * @return the grant, or empty when the pool is busy
   * @throws ModeConflictException when the host holds the pool in the other mode (nothing changes)
   */
  Optional<Grant> tryAcquire(String pool, String host, Mode mode, Optional<Duration> lease);

  /** {@link #tryAcquire(String, String, Mode, Optional)} for an exclusive hold. */
  default Optional<Grant> tryAcquire(String pool, String host, Optional<Duration> lease) {
    return tryAcquire(pool, host, Mode.EXCLUSIVE, lease);
  }

  /**
   * Queues {@code host} for a hold in {@code mode}, first in, first out across both modes: the
   * head of the queue is granted as soon as the pool admits it, then the next, stopping at the
   * first that must wait (so readers behind a queued writer wait for it, and readers at the head
   * are granted together). The future completes with the grant once it is the host's (at once
   * when the pool admits it and nobody waits, or the host already holds in that mode), or with
   * empty when {@code timeout} runs out, when a later acquire by the same host takes over its
   * place (with that acquire's mode), or when the host releases while queued. Cancelling the
   * future leaves the queue; a grant that races with the cancellation is released again. No
   * thread is held while waiting.
   *
   * @param lease how long to hold once granted; empty for the pool's {@code expire}
   * @param timeout how long to wait at most; empty to wait as long as it takes
   * @throws TooManyWaitersException when the host would have to queue and the backend already
   *     holds its limit of waiters
   * @throws ModeConflictException when the host holds the pool in the other mode (nothing
   *     changes); a backend may also complete the future with it
   */
  CompletableFuture<Optional<Grant>> acquire(
      String pool, String host, Mode mode, Optional<Duration> lease, Optional<Duration> timeout);

  /** {@link #acquire(String, String, Mode, Optional, Optional)} for an exclusive hold. */
  default CompletableFuture<Optional<Grant>> acquire(
      String pool, String host, Optional<Duration> lease, Optional<Duration> timeout) {
    return acquire(pool, host, Mode.EXCLUSIVE, lease, timeout);
  }

  /**
   * Gives back {@code host}'s slot, or its place in the queue. With a token, acts only if the
   * host's current grant carries that token. Idempotent.
   */
  Release release(String pool, String host, OptionalLong token);

  /**
   * Restarts the hold period of {@code host}'s grant (with the period it was granted for),
   * keeping its token. With a token, acts only if the current grant carries it.
   *
   * @return the renewed grant, or empty when the host holds nothing (or under another token)
   */
  default Optional<Grant> renew(String pool, String host, OptionalLong token) {
    return renew(pool, host, token, Optional.empty());
  }

  /**
   * Restarts the hold period of {@code host}'s grant, keeping its token: {@code lease} from now on
   * (never longer than a non-zero {@code expire}), or, when empty, the period it had. With a token,
   * acts only if the current grant carries it. A backend whose store can lose holds (memcached)
   * also gives back, for a while after such a loss, the hold a host names by its token.
   *
   * @return the renewed grant, or empty when the host holds nothing (or under another token)
   */
  Optional<Grant> renew(String pool, String host, OptionalLong token, Optional<Duration> lease);

  /**
   * Gives back the grant {@code token} of {@code host} because the request it was granted to
   * could not be answered (its client has gone), unless the host has been answered with that
   * grant since: by a repeated {@link #tryAcquire} or {@link #acquire}, or by a {@link #renew}. A
   * grant some request has delivered is never taken back as undelivered, so a host that lost one
   * connection and asked again on another keeps what it was told it holds.
   *
   * @return true when the grant was given back (and the next waiter, if any, got the slot);
   *     false when the host has claimed it, holds another grant, or holds nothing
   */
  boolean withdraw(String pool, String host, long token);

  /** Whether {@code token} is the token of a current grant of {@code pool}. */
  boolean isCurrent(String pool, long token);

  /** Every pool's holders and queue, in the order of {@link #pools()}. */
  List<PoolSnapshot> snapshot();

  /** Throws {@link BackendUnavailableException} when the store cannot be reached now. */
  void checkHealth();

  /**
   * Stops the backend: every pending {@link #acquire} fails with {@link BackendClosedException}
   * and expiry stops. What the store holds is left to it.
   */
  @Override
  void close();
}
