package io.distributex.core;

import io.distributex.testing.LockListenerContract;
import java.util.List;

class InMemoryListenerTest extends LockListenerContract {
  @Override
  protected LockBackend newBackend(List<Pool> pools, TimeSource time, LockListener listener) {
    return InMemoryBackend.builder().pools(pools).timeSource(time).listener(listener).build();
  }
}
