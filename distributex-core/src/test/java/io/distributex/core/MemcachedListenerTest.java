package io.distributex.core;

import io.distributex.core.memcached.MemcachedProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The listener contract against a real memcached, one server: it applies every change itself. */
class MemcachedListenerTest extends LockListenerContract {
  private static MemcachedProcess memcached;

  @BeforeAll
  static void startMemcached() throws Exception {
    memcached = MemcachedProcess.start();
  }

  @AfterAll
  static void stopMemcached() throws Exception {
    memcached.close();
  }

  @BeforeEach
  void emptyMemcached() throws Exception {
    memcached.flush();
  }

  @Override
  protected LockBackend newBackend(List<Pool> pools, TimeSource time, LockListener listener) {
    return MemcachedBackend.builder()
        .ioExecutor(Runnable::run)
        .operationTimeout(Duration.ofSeconds(5)) // a loaded CI machine is slow, not broken // deadlines run inside the manual clock's advance()
        .servers(List.of(memcached.address()))
        .pools(pools)
        .timeSource(time)
        .timing(Duration.ofMillis(10), Duration.ofHours(1), Duration.ofHours(1))
        .listener(listener)
        .build();
  }
}
