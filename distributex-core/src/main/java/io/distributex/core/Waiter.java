package io.distributex.core;

import java.time.Instant;

/**
 * One place in a pool's queue, as shown by {@link PoolSnapshot}.
 *
 * @param host the waiting host
 * @param since when it joined the queue
 * @param mode the mode it waits for
 */
public record Waiter(String host, Instant since, Mode mode) {
  /** A host waiting for an exclusive hold. */
  public Waiter(String host, Instant since) {
    this(host, since, Mode.EXCLUSIVE);
  }
}
