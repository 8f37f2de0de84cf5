package io.distributex.shedlock;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import net.javacrumbs.shedlock.core.ExtensibleLockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every case of ShedLock's {@code AbstractExtensibleLockProviderIntegrationTest} (7.x), named the
 * same and asserting the same, on top of {@link LockProviderContract}.
 */
abstract class ExtensibleLockProviderContract extends LockProviderContract {
  private final Duration originalLockDuration = Duration.ofSeconds(2);

  @Override
  protected abstract ExtensibleLockProvider getLockProvider();

  @Test
  void shouldBeAbleToExtendLock() {
    SimpleLock lock = lock(originalLockDuration);

    Optional<SimpleLock> newLock = lock.extend(Duration.ofSeconds(10), Duration.ZERO);
    assertTrue(newLock.isPresent());

    // wait for the original lock to be released
    sleepFor(originalLockDuration);
    assertLocked(LOCK_NAME1);
    newLock.get().unlock();
    assertUnlocked(LOCK_NAME1);
  }

  @Test
  void shouldNotBeAbleToExtendUnlockedLock() {
    SimpleLock lock = lock(originalLockDuration);
    lock.unlock();
    assertUnlocked(LOCK_NAME1);
    assertInvalidLock(() -> lock.extend(Duration.ofSeconds(10), Duration.ZERO));
  }

  @Test
  void shouldNotBeAbleToExtendExpiredLock() {
    Optional<SimpleLock> lock = getLockProvider().lock(lockConfig(LOCK_NAME1, Duration.ofMillis(1), Duration.ZERO));
    assertTrue(lock.isPresent());
    sleepFor(Duration.ofMillis(2));

    Optional<SimpleLock> newLock = lock.get().extend(Duration.ofSeconds(10), Duration.ZERO);
    assertTrue(newLock.isEmpty());
    assertUnlocked(LOCK_NAME1);
  }

  @Test
  void shouldBeAbleToExtendAtLeast() {
    SimpleLock lock = lock(Duration.ofSeconds(10));

    SimpleLock newLock = extendLock(lock);
    newLock.unlock();
    assertLocked(LOCK_NAME1);
  }

  @Test
  void lockCanNotBeExtendedTwice() {
    SimpleLock lock = lock(Duration.ofSeconds(10));
    extendLock(lock);

    assertInvalidLock(() -> lock.extend(Duration.ofSeconds(10), Duration.ofSeconds(9)));
  }

  @Test
  void lockCanNotBeUnlockedAfterExtending() {
    SimpleLock lock = lock(Duration.ofSeconds(10));
    extendLock(lock);

    assertInvalidLock(lock::unlock);
  }

  private SimpleLock extendLock(SimpleLock lock) {
    Optional<SimpleLock> newLock = lock.extend(Duration.ofSeconds(10), Duration.ofSeconds(9));
    assertTrue(newLock.isPresent());
    return newLock.get();
  }

  private SimpleLock lock(Duration lockAtMostFor) {
    Optional<SimpleLock> lock = getLockProvider().lock(lockConfig(LOCK_NAME1, lockAtMostFor, Duration.ZERO));
    assertTrue(lock.isPresent());
    assertLocked(LOCK_NAME1);
    return lock.get();
  }

  private void assertInvalidLock(Executable operation) {
    assertThrows(IllegalStateException.class, operation);
  }
}
