package io.distributex.shedlock;

import static java.lang.Thread.sleep;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.junit.jupiter.api.Test;

/**
 * Every case of ShedLock's {@code AbstractLockProviderIntegrationTest} (shedlock-test-support 7.x,
 * which is not published), named the same and asserting the same, with JUnit's assertions: the
 * bar a ShedLock provider has to pass.
 */
abstract class LockProviderContract {
  protected final String LOCK_NAME1 = UUID.randomUUID().toString();
  static final Duration LOCK_AT_LEAST_FOR = Duration.ofSeconds(2);

  protected abstract LockProvider getLockProvider();

  protected abstract void assertUnlocked(String lockName);

  protected abstract void assertLocked(String lockName);

  @Test
  void shouldCreateLock() {
    Optional<SimpleLock> lock = getLockProvider().lock(lockConfig(LOCK_NAME1));
    assertTrue(lock.isPresent());

    assertLocked(LOCK_NAME1);
    lock.get().unlock();
    assertUnlocked(LOCK_NAME1);
  }

  @Test
  void shouldNotReturnSecondLock() {
    LockProvider lockProvider = getLockProvider();
    Optional<SimpleLock> lock = lockProvider.lock(lockConfig(LOCK_NAME1));
    assertTrue(lock.isPresent());
    assertTrue(lockProvider.lock(lockConfig(LOCK_NAME1)).isEmpty());
    lock.get().unlock();
  }

  @Test
  void shouldCreateTwoIndependentLocks() {
    Optional<SimpleLock> lock1 = getLockProvider().lock(lockConfig(LOCK_NAME1));
    assertTrue(lock1.isPresent());

    Optional<SimpleLock> lock2 = getLockProvider().lock(lockConfig("name2"));
    assertTrue(lock2.isPresent());

    lock1.get().unlock();
    lock2.get().unlock();
  }

  @Test
  void shouldLockTwiceInARow() {
    LockProvider lockProvider = getLockProvider();
    Optional<SimpleLock> lock1 = lockProvider.lock(lockConfig(LOCK_NAME1));
    assertTrue(lock1.isPresent());
    lock1.get().unlock();

    Optional<SimpleLock> lock2 = lockProvider.lock(lockConfig(LOCK_NAME1));
    assertTrue(lock2.isPresent());
    lock2.get().unlock();
  }

  @Test
  void shouldTimeout() throws InterruptedException {
    doTestTimeout(Duration.ofMillis(50));
  }

  protected void doTestTimeout(Duration lockAtMostFor) throws InterruptedException {
    LockConfiguration configWithShortTimeout = lockConfig(LOCK_NAME1, lockAtMostFor, Duration.ZERO);
    Optional<SimpleLock> lock1 = getLockProvider().lock(configWithShortTimeout);
    assertTrue(lock1.isPresent());

    sleep(lockAtMostFor.toMillis() * 2);
    assertUnlocked(LOCK_NAME1);

    Optional<SimpleLock> lock2 = getLockProvider().lock(lockConfig(LOCK_NAME1, Duration.ofMillis(50), Duration.ZERO));
    assertTrue(lock2.isPresent());
    lock2.get().unlock();
  }

  @Test
  void shouldBeAbleToLockRightAfterUnlock() {
    LockConfiguration lockConfiguration = lockConfig(LOCK_NAME1);
    for (int i = 0; i < 10; i++) {
      Optional<SimpleLock> lock = getLockProvider().lock(lockConfiguration);
      assertTrue(lock.isPresent(), "Successfully locked");
      assertTrue(getLockProvider().lock(lockConfiguration).isEmpty());
      assertTrue(lock.isPresent());
      lock.get().unlock();
    }
  }

  @Test
  void fuzzTestShouldPass() throws ExecutionException, InterruptedException {
    new FuzzTester(getLockProvider()).doFuzzTest();
  }

  @Test
  void shouldLockAtLeastFor() throws InterruptedException {
    doTestShouldLockAtLeastFor(100);
  }

  protected void doTestShouldLockAtLeastFor(int sleepForMs) throws InterruptedException {
    // Lock for LOCK_AT_LEAST_FOR - we do not expect the lock to be released before this time
    Optional<SimpleLock> lock1 = getLockProvider().lock(lockConfig(LOCK_NAME1, LOCK_AT_LEAST_FOR.multipliedBy(2), LOCK_AT_LEAST_FOR));
    assertTrue(lock1.isPresent(), "Should be locked");
    lock1.get().unlock();

    // Even though we have unlocked the lock, it will be held for some time
    assertTrue(getLockProvider().lock(lockConfig(LOCK_NAME1)).isEmpty(), "Can not acquire lock, grace period did not pass yet");

    // Let's wait for the lock to be automatically released
    sleep(LOCK_AT_LEAST_FOR.toMillis() + sleepForMs);

    // Should be able to acquire now
    Optional<SimpleLock> lock3 = getLockProvider().lock(lockConfig(LOCK_NAME1));
    assertTrue(lock3.isPresent(), "Can acquire the lock after grace period");
    lock3.get().unlock();
  }

  protected void sleepFor(Duration duration) {
    try {
      sleep(duration.toMillis());
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  protected static LockConfiguration lockConfig(String name) {
    return lockConfig(name, Duration.ofMinutes(5), Duration.ZERO);
  }

  protected static LockConfiguration lockConfig(String name, Duration lockAtMostFor, Duration lockAtLeastFor) {
    return new LockConfiguration(ClockProvider.now(), name, lockAtMostFor, lockAtLeastFor);
  }
}
