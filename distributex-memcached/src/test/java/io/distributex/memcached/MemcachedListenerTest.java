package io.distributex.memcached;

import static io.distributex.memcached.MemcachedTestBackends.testBackend;

import io.distributex.core.LockBackend;
import io.distributex.core.LockListener;
import io.distributex.core.Pool;
import io.distributex.core.TimeSource;
import io.distributex.testing.LockListenerContract;
import io.distributex.testing.MemcachedExtension;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The listener contract against a real memcached, one server: it applies every change itself. */
class MemcachedListenerTest extends LockListenerContract {
  @RegisterExtension static final MemcachedExtension MEMCACHED = new MemcachedExtension();

  @Override
  protected LockBackend newBackend(List<Pool> pools, TimeSource time, LockListener listener) {
    return testBackend(MEMCACHED.process(), pools, time).listener(listener).build();
  }
}
