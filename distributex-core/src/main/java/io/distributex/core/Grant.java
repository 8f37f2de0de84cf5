package io.distributex.core;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Instant;
import java.util.Optional;

/**
 * One held slot of a pool: who holds it, under which fencing token, since when and until when.
 * Tokens are positive and strictly increase with every grant of a pool, so a resource guarded by
 * the pool can refuse any request carrying a token older than the newest it has seen.
 *
 * @param pool the pool's name
 * @param host the holder
 * @param token the fencing token of this grant; a renewal keeps it
 * @param acquired when the slot was granted
 * @param expires when the hold ends unless renewed; empty when it never ends
 * @param mode how the slot is held: exclusive, or shared with other readers
 */
public record Grant(
    String pool, String host, long token, Instant acquired, Optional<Instant> expires, Mode mode) {
  public Grant {
    checkArgument(token > 0, "token must be positive, got %s", token);
    checkArgument(acquired != null && expires != null, "acquired and expires must be given");
    checkArgument(mode != null, "mode must be given");
  }

  /** An exclusive grant. */
  public Grant(String pool, String host, long token, Instant acquired, Optional<Instant> expires) {
    this(pool, host, token, acquired, expires, Mode.EXCLUSIVE);
  }
}
