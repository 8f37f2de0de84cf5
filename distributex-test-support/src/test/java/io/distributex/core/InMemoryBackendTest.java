package io.distributex.core;

import io.distributex.testing.LockBackendContract;
import java.util.List;

class InMemoryBackendTest extends LockBackendContract {
  @Override
  protected LockBackend newBackend(List<Pool> pools, TimeSource time, int maxWaiters) {
    return InMemoryBackend.builder().pools(pools).timeSource(time).maxWaiters(maxWaiters).build();
  }
}
