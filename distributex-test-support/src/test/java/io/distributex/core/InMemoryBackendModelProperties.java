package io.distributex.core;

import io.distributex.testing.LockBackendModelProperties;
import java.util.List;

/** {@link InMemoryBackend} against the reference model. */
class InMemoryBackendModelProperties extends LockBackendModelProperties {
  @Override
  protected LockBackend newBackend(List<Pool> pools, TimeSource time) {
    return InMemoryBackend.builder().pools(pools).timeSource(time).build();
  }
}
