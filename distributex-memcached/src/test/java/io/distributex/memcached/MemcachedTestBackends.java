package io.distributex.memcached;

import io.distributex.core.Pool;
import io.distributex.core.TimeSource;
import io.distributex.testing.MemcachedProcess;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the {@link MemcachedBackend}s under test: one memcached, the given clock, a poll
 * every 10 ms, and deadlines run inside the manual clock's {@code advance()}. No server reads its
 * pools once a second to find a loss (a test that jumps a year ahead would read them 31 million
 * times), but for those that ask for it: {@link MemcachedRestoreTest}.
 */
final class MemcachedTestBackends {
  private MemcachedTestBackends() {}

  /** A server on its own: nothing it leaves in memcached goes stale within a test (an hour). */
  static MemcachedBackend.Builder testBackend(MemcachedProcess on, List<Pool> pools, TimeSource time) {
    return builder(on, pools, time, Duration.ofHours(1), Duration.ofHours(1));
  }

  /**
   * One of several servers sharing {@code on}: a dead server's queue places are dropped after 2 s,
   * and its undelivered grants taken back after 1 s.
   */
  static MemcachedBackend.Builder sharedTestBackend(MemcachedProcess on, List<Pool> pools, TimeSource time) {
    return builder(on, pools, time, Duration.ofSeconds(2), Duration.ofSeconds(1));
  }

  private static MemcachedBackend.Builder builder(
      MemcachedProcess on, List<Pool> pools, TimeSource time, Duration staleAfter, Duration confirmWithin) {
    return MemcachedBackend.builder()
        .ioExecutor(Runnable::run)
        .operationTimeout(Duration.ofSeconds(5)) // a loaded CI machine is slow, not broken
        .servers(List.of(on.address()))
        .pools(pools)
        .timeSource(time)
        .timing(Duration.ofMillis(10), staleAfter, confirmWithin)
        .reread(Duration.ZERO);
  }
}
