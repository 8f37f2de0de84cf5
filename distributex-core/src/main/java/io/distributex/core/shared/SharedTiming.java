package io.distributex.core.shared;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;

/**
 * How often a server looks at the shared store and how long the others wait for it.
 *
 * @param pollMs how often a server with waiters reads its pools, for grants made elsewhere
 * @param staleAfterMs how long a queue place lasts unless its server renews it (a server renews
 *     its places after a quarter of it), so the places of a dead server are dropped
 * @param confirmWithinMs how long a grant to another server's waiter waits for that server to
 *     take delivery before the slot is taken back
 */
public record SharedTiming(long pollMs, long staleAfterMs, long confirmWithinMs) {
  /** A poll every 10 ms, places stale after 10 s, deliveries confirmed within 5 s. */
  public static final SharedTiming DEFAULT = new SharedTiming(10, 10_000, 5_000);

  public SharedTiming {
    checkArgument(pollMs >= 1, "poll must be at least 1 ms");
    checkArgument(staleAfterMs >= pollMs * 4, "staleAfter must be at least 4 polls");
    checkArgument(confirmWithinMs >= pollMs * 4, "confirmWithin must be at least 4 polls");
  }

  public static SharedTiming of(Duration poll, Duration staleAfter, Duration confirmWithin) {
    return new SharedTiming(poll.toMillis(), staleAfter.toMillis(), confirmWithin.toMillis());
  }
}
