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
 * @param rereadMs how often a server reads every pool's value, to keep what it remembers of the
 *     holds fresh and to find a value the store lost (0: never, for a store that loses nothing)
 * @param restoreWindowMs how long a pool whose value the store lost grants nothing once it is
 *     created anew, so that holds nobody remembered come back with their holders' renewals (0:
 *     not at all)
 */
public record SharedTiming(
    long pollMs, long staleAfterMs, long confirmWithinMs, long rereadMs, long restoreWindowMs) {
  /** How often a server reads every pool's value by default: once a second. */
  public static final long REREAD_MS = 1_000;

  /**
   * The restore window by default: 10 s, two renewal intervals of the Java client and the {@code
   * distributex} command with their default 15 s lease (they renew every third of it).
   */
  public static final long RESTORE_WINDOW_MS = 10_000;

  /** A poll every 10 ms, places stale after 10 s, deliveries confirmed within 5 s. */
  public static final SharedTiming DEFAULT = new SharedTiming(10, 10_000, 5_000);

  public SharedTiming {
    checkArgument(pollMs >= 1, "poll must be at least 1 ms");
    checkArgument(staleAfterMs >= pollMs * 4, "staleAfter must be at least 4 polls");
    checkArgument(confirmWithinMs >= pollMs * 4, "confirmWithin must be at least 4 polls");
    checkArgument(rereadMs >= 0, "reread must not be negative");
    checkArgument(restoreWindowMs >= 0, "restoreWindow must not be negative");
  }

  /** The default reread and restore window. */
  public SharedTiming(long pollMs, long staleAfterMs, long confirmWithinMs) {
    this(pollMs, staleAfterMs, confirmWithinMs, REREAD_MS, RESTORE_WINDOW_MS);
  }

  public static SharedTiming of(Duration poll, Duration staleAfter, Duration confirmWithin) {
    return new SharedTiming(poll.toMillis(), staleAfter.toMillis(), confirmWithin.toMillis());
  }

  /** The same, with another restore window (see {@link #restoreWindowMs}). */
  public SharedTiming withRestoreWindow(Duration window) {
    return new SharedTiming(pollMs, staleAfterMs, confirmWithinMs, rereadMs, window.toMillis());
  }

  /** The same, reading every pool's value every {@code every} (zero: never). */
  public SharedTiming withReread(Duration every) {
    return new SharedTiming(pollMs, staleAfterMs, confirmWithinMs, every.toMillis(), restoreWindowMs);
  }
}
