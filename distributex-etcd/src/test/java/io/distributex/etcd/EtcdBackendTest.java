package io.distributex.etcd;

import static io.distributex.etcd.EtcdTestBackends.sharedTestBackend;
import static io.distributex.etcd.EtcdTestBackends.watchOnlyBackend;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.core.Grant;
import io.distributex.core.LockBackend;
import io.distributex.core.Pool;
import io.distributex.core.TimeSource;
import io.distributex.core.Waiter;
import io.distributex.testing.EtcdExtension;
import io.distributex.testing.LockBackendContract;
import io.distributex.testing.ManualTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The backend contract against a real one-member etcd, plus what several servers share. */
class EtcdBackendTest extends LockBackendContract {
  private static final Optional<Duration> NO_LEASE = Optional.empty();
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension(1);
  /** Every test has pools of its own under its own prefix; a restart within a test keeps it. */
  private final String prefix = EtcdTestBackends.freshPrefix();

  @Override
  protected LockBackend newBackend(List<Pool> pools, TimeSource time, int maxWaiters) {
    return sharedTestBackend(ETCD.cluster(), prefix, pools, time).maxWaiters(maxWaiters).build();
  }

  /**
   * A release on one server wakes a waiter on another through the watch alone: neither server
   * polls within the test (the clock never moves), so without push the wait would never end.
   */
  @Test
  void aReleaseOnOneServerWakesAWaiterOnAnotherByPush() throws Exception {
    Pool pool = pool("p", 1, 300);
    LockBackend x = opened.add(watchOnlyBackend(ETCD.cluster(), prefix, List.of(pool), time).build());
    LockBackend y = opened.add(watchOnlyBackend(ETCD.cluster(), prefix, List.of(pool), time).build());
    x.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    CompletableFuture<Optional<Grant>> b = y.acquire("p", "b", NO_LEASE, Optional.empty());
    CompletableFuture<Optional<Grant>> c = x.acquire("p", "c", NO_LEASE, Optional.empty());
    x.release("p", "a", OptionalLong.empty());
    assertEquals("b", b.get(10, TimeUnit.SECONDS).orElseThrow().host());
    assertFalse(c.isDone());
    y.release("p", "b", OptionalLong.empty());
    assertEquals("c", c.get(10, TimeUnit.SECONDS).orElseThrow().host());
  }

  @Test
  void twoServersShareOneQueueInOrder() throws Exception {
    LockBackend x = backend(pool("p", 1, 300));
    LockBackend y = backend(pool("p", 1, 300));
    x.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    CompletableFuture<Optional<Grant>> b = y.acquire("p", "b", NO_LEASE, Optional.empty());
    CompletableFuture<Optional<Grant>> c = x.acquire("p", "c", NO_LEASE, Optional.empty());
    assertEquals(Optional.empty(), x.tryAcquire("p", "d", NO_LEASE), "a try overtook the queue");
    assertEquals(List.of("b", "c"), waiters(y));
    x.release("p", "a", OptionalLong.empty());
    assertEquals("b", b.get(10, TimeUnit.SECONDS).orElseThrow().host());
    assertFalse(c.isDone());
  }

  /** A server that queues and then dies never renews its place: the others drop it. */
  @Test
  void theQueuePlacesOfADeadServerAreDroppedAfterTheStalePeriod() {
    LockBackend x = backend(pool("p", 1, 300));
    LockBackend y = opened.add(newBackend(List.of(pool("p", 1, 300)), new ManualTimeSource(START), Integer.MAX_VALUE));
    x.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    y.acquire("p", "b", NO_LEASE, Optional.empty());
    CompletableFuture<Optional<Grant>> c = x.acquire("p", "c", NO_LEASE, Optional.empty());
    time.advance(1_990);
    assertEquals(List.of("b", "c"), waiters(x));
    time.advance(20);
    assertEquals(List.of("c"), waiters(x));
    x.release("p", "a", OptionalLong.empty());
    assertEquals("c", c.getNow(null).orElseThrow().host());
  }

  @Test
  void tokensContinueAcrossAServerRestart() {
    LockBackend first = backend(pool("p", 2, 300));
    Grant a = first.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    first.close();
    LockBackend second = backend(pool("p", 2, 300));
    assertEquals(List.of("a"), second.snapshot().get(0).holders().stream().map(Grant::host).toList());
    assertTrue(second.tryAcquire("p", "b", NO_LEASE).orElseThrow().token() > a.token());
  }

  private static List<String> waiters(LockBackend backend) {
    return backend.snapshot().get(0).waiters().stream().map(Waiter::host).toList();
  }
}
