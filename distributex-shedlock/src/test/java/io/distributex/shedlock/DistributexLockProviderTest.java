package io.distributex.shedlock;

import static org.junit.jupiter.api.Assertions.assertTrue;

import net.javacrumbs.shedlock.core.ExtensibleLockProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

/**
 * ShedLock's provider cases ({@link ExtensibleLockProviderContract}) against an embedded server
 * whose pools are the lock names the cases use; a new server for each case, as ShedLock's own
 * tests use a new lock name for each.
 */
@Timeout(60)
class DistributexLockProviderTest extends ExtensibleLockProviderContract {
  private EmbeddedServer server;
  private DistributexLockProvider provider;

  @BeforeEach
  void start() {
    server = new EmbeddedServer(LOCK_NAME1, "name2", "lock1", "lock2");
    provider = new DistributexLockProvider(server.client());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Override
  protected ExtensibleLockProvider getLockProvider() {
    return provider;
  }

  @Override
  protected void assertUnlocked(String lockName) {
    assertTrue(!server.isLocked(lockName), lockName + " is held: " + server.holders(lockName));
  }

  @Override
  protected void assertLocked(String lockName) {
    assertTrue(server.isLocked(lockName), lockName + " is not held");
  }
}
