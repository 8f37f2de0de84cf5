package io.distributex.memcached;

import static io.distributex.memcached.MemcachedTestBackends.sharedTestBackend;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.core.BackendUnavailableException;
import io.distributex.core.Grant;
import io.distributex.core.LockBackend;
import io.distributex.core.Pool;
import io.distributex.core.Release;
import io.distributex.core.TimeSource;
import io.distributex.core.Waiter;
import io.distributex.testing.LockBackendContract;
import io.distributex.testing.ManualTimeSource;
import io.distributex.testing.MemcachedExtension;
import io.distributex.testing.MemcachedProcess;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The backend contract against a real memcached, plus what only a shared store can do wrong. */
class MemcachedBackendTest extends LockBackendContract {
  private static final Optional<Duration> NO_LEASE = Optional.empty();
  @RegisterExtension static final MemcachedExtension MEMCACHED = new MemcachedExtension();

  @Override
  protected LockBackend newBackend(List<Pool> pools, TimeSource time, int maxWaiters) {
    return sharedTestBackend(MEMCACHED.process(), pools, time).maxWaiters(maxWaiters).build();
  }

  private static MemcachedProcess memcached() {
    return MEMCACHED.process();
  }

  /**
   * A server that queues and then dies: on a clock that never moves, it neither polls nor renews
   * its places, nor leaves the queue as a server that is stopped does.
   */
  private LockBackend deadServer(Pool pool) {
    return opened.add(newBackend(List.of(pool), new ManualTimeSource(START), Integer.MAX_VALUE));
  }

  @Test
  void twoServersShareOneQueueInOrder() {
    LockBackend x = backend(pool("p", 1, 300));
    LockBackend y = backend(pool("p", 1, 300));
    x.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    CompletableFuture<Optional<Grant>> b = y.acquire("p", "b", NO_LEASE, Optional.empty());
    CompletableFuture<Optional<Grant>> c = x.acquire("p", "c", NO_LEASE, Optional.empty());
    assertEquals(Optional.empty(), x.tryAcquire("p", "d", NO_LEASE), "a try overtook the queue");
    x.release("p", "a", OptionalLong.empty());
    time.advance(10); // y polls and takes delivery
    assertEquals("b", b.getNow(null).orElseThrow().host());
    assertFalse(c.isDone());
    y.release("p", "b", OptionalLong.empty());
    time.advance(10); // x polls and takes delivery
    assertEquals("c", c.getNow(null).orElseThrow().host());
    CompletableFuture<Optional<Grant>> d = x.acquire("p", "d", NO_LEASE, Optional.empty());
    x.release("p", "c", OptionalLong.empty());
    assertEquals("d", d.getNow(null).orElseThrow().host(), "x wakes its own waiter at once");
  }

  @Test
  void aGrantAnotherServerNeverTakesIsTakenBack() {
    LockBackend x = backend(pool("p", 1, 300));
    LockBackend y = deadServer(pool("p", 1, 300));
    x.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    y.acquire("p", "b", NO_LEASE, Optional.empty());
    CompletableFuture<Optional<Grant>> c = x.acquire("p", "c", NO_LEASE, Optional.empty());
    x.release("p", "a", OptionalLong.empty());
    assertFalse(c.isDone(), "b was granted and must be given a chance to take delivery");
    time.advance(2_000);
    assertEquals("c", c.getNow(null).orElseThrow().host());
  }

  @Test
  void theQueuePlacesOfADeadServerAreDroppedAfterTheStalePeriod() {
    LockBackend x = backend(pool("p", 1, 300));
    LockBackend y = deadServer(pool("p", 1, 300));
    x.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    y.acquire("p", "b", NO_LEASE, Optional.empty());
    CompletableFuture<Optional<Grant>> c = x.acquire("p", "c", NO_LEASE, Optional.empty());
    time.advance(1_990);
    assertEquals(List.of("b", "c"), waiters(x));
    time.advance(20); // y never renewed b's place: after 2 s it is gone, c's is renewed
    assertEquals(List.of("c"), waiters(x));
    x.release("p", "a", OptionalLong.empty());
    assertEquals("c", c.getNow(null).orElseThrow().host());
  }

  @Test
  void aDeadServersHolderKeepsTheSlotOnlyUntilItsLeaseEnds() {
    LockBackend x = backend(pool("p", 1, 300));
    LockBackend y = backend(pool("p", 1, 300));
    x.tryAcquire("p", "a", Optional.of(Duration.ofSeconds(1))).orElseThrow();
    x.close(); // x dies; nobody will release a's hold
    CompletableFuture<Optional<Grant>> b = y.acquire("p", "b", NO_LEASE, Optional.empty());
    time.advance(999);
    assertFalse(b.isDone());
    time.advance(1);
    assertEquals("b", b.getNow(null).orElseThrow().host());
  }

  @Test
  void aBackendStartsWhileMemcachedIsDownAndWorksOnceItIsUp() throws Exception {
    memcached().kill();
    LockBackend backend = backend(pool("p", 1, 300));
    assertThrows(BackendUnavailableException.class, () -> backend.tryAcquire("p", "a", NO_LEASE));
    memcached().restart();
    assertTrue(eventually(() -> backend.tryAcquire("p", "a", NO_LEASE)).isPresent());
  }

  private static List<String> waiters(LockBackend backend) {
    return backend.snapshot().get(0).waiters().stream().map(Waiter::host).toList();
  }

  /** The first answer of {@code call} that is not an unavailable backend, within 20 s. */
  private static <T> T eventually(java.util.function.Supplier<T> call) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        return call.get();
      } catch (BackendUnavailableException reconnecting) {
        if (System.nanoTime() > deadline) {
          throw reconnecting;
        }
        Thread.sleep(50);
      }
    }
  }

  @Test
  void unreachableMemcachedAnswersUnavailableAndRecovers() throws Exception {
    LockBackend backend = backend(pool("p", 1, 300));
    backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    memcached().kill();
    assertThrows(BackendUnavailableException.class, () -> backend.tryAcquire("p", "b", NO_LEASE));
    assertThrows(BackendUnavailableException.class, backend::checkHealth);
    memcached().restart();
    assertEquals(
        Optional.empty(),
        eventually(() -> backend.tryAcquire("p", "b", NO_LEASE)),
        "memcached came back empty, but a still holds: a is put back, b must not get the pool");
    assertEquals(List.of("a"), backend.snapshot().get(0).holders().stream().map(Grant::host).toList());
    backend.checkHealth();
  }

  @Test
  void waitersQueueAgainWhenMemcachedLosesThePool() throws Exception {
    LockBackend backend = backend(pool("p", 1, 300));
    Grant a = backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    CompletableFuture<Optional<Grant>> b = backend.acquire("p", "b", NO_LEASE, Optional.empty());
    memcached().flush();
    time.advance(10); // b's poll finds the value lost: a is put back, b queued again
    assertEquals(List.of("b"), waiters(backend));
    assertEquals(Release.RELEASED, backend.release("p", "a", OptionalLong.of(a.token())));
    time.advance(10);
    assertFalse(b.isDone(), "the restore window grants nothing");
    time.advance(10_000);
    Grant granted = b.get(10, TimeUnit.SECONDS).orElseThrow();
    assertEquals("b", granted.host());
    assertTrue(granted.token() > a.token(), "tokens stay above the lost ones");
  }
}
