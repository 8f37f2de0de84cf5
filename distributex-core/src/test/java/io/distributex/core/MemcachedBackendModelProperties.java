package io.distributex.core;

import io.distributex.core.memcached.MemcachedProcess;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

class MemcachedBackendModelProperties extends LockBackendModelProperties {
  private static MemcachedProcess memcached;

  @BeforeContainer
  static void startMemcached() throws Exception {
    memcached = MemcachedProcess.start();
  }

  @AfterContainer
  static void stopMemcached() throws Exception {
    memcached.close();
  }

  @Override
  protected LockBackend newBackend(List<Pool> pools, TimeSource time) {
    return MemcachedBackend.builder()
        .ioExecutor(Runnable::run)
        .operationTimeout(Duration.ofSeconds(5)) // a loaded CI machine is slow, not broken // deadlines run inside the manual clock's advance()
        .servers(List.of(memcached.address()))
        .pools(pools)
        .timeSource(time)
        .timing(Duration.ofMillis(10), Duration.ofHours(1), Duration.ofHours(1))
        .build();
  }
}
