package io.distributex.etcd;

import io.distributex.core.Pool;
import io.distributex.core.TimeSource;
import io.distributex.testing.EtcdCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Settings of the {@link EtcdBackend}s under test: the given clock, deadlines and polls run inside
 * the manual clock's {@code advance()}, and a key prefix of the caller's (one per test, so tests
 * never see each other's pools).
 */
final class EtcdTestBackends {
  private EtcdTestBackends() {}

  /** A prefix no other test uses. */
  static String freshPrefix() {
    return "/test-" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36) + "/";
  }

  /**
   * One of several servers sharing {@code on}: polls every 10 ms of the manual clock, drops a
   * dead server's queue places after 2 s and takes back its undelivered grants after 1 s.
   */
  static EtcdBackend.Builder sharedTestBackend(EtcdCluster on, String prefix, List<Pool> pools, TimeSource time) {
    return builder(on, prefix, pools, time, Duration.ofMillis(10), Duration.ofSeconds(2), Duration.ofSeconds(1));
  }

  /**
   * A server that learns of other servers' changes only through the watch: its poll comes once
   * an hour of the manual clock, so a test that never moves the clock sees push alone.
   */
  static EtcdBackend.Builder watchOnlyBackend(EtcdCluster on, String prefix, List<Pool> pools, TimeSource time) {
    return builder(on, prefix, pools, time, Duration.ofHours(1), Duration.ofHours(4), Duration.ofHours(4));
  }

  private static EtcdBackend.Builder builder(
      EtcdCluster on,
      String prefix,
      List<Pool> pools,
      TimeSource time,
      Duration poll,
      Duration staleAfter,
      Duration confirmWithin) {
    return EtcdBackend.builder()
        .ioExecutor(Runnable::run)
        .operationTimeout(Duration.ofSeconds(5)) // a loaded CI machine is slow, not broken
        .endpoints(on.endpoints())
        .prefix(prefix)
        .pools(pools)
        .timeSource(time)
        .timing(poll, staleAfter, confirmWithin);
  }
}
