package io.distributex.memcached;

import static io.distributex.memcached.MemcachedTestBackends.testBackend;

import io.distributex.core.LockBackend;
import io.distributex.core.Pool;
import io.distributex.core.TimeSource;
import io.distributex.testing.LockBackendModelProperties;
import io.distributex.testing.MemcachedProcess;
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
    return testBackend(memcached, pools, time).build();
  }
}
