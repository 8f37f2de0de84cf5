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
import io.distributex.core.Waiter;
import io.distributex.testing.ManualTimeSource;
import io.distributex.testing.MemcachedExtension;
import io.distributex.testing.MemcachedProcess;
import io.distributex.testing.OpenedBackends;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The memcached backend when things go wrong: servers cut off, values lost or corrupt, waits
 * given up while memcached is away. Each server may get its own manual clock, so a server can be
 * "cut off" simply by not moving its clock.
 */
@Timeout(60)
class MemcachedFailureTest {
  private static final long START = 1_764_417_600_000L;
  private static final Optional<Duration> NO_LEASE = Optional.empty();
  private static final Optional<Duration> FOREVER = Optional.empty();
  @RegisterExtension static final MemcachedExtension MEMCACHED = new MemcachedExtension();
  @RegisterExtension final OpenedBackends opened = new OpenedBackends();

  private LockBackend backend(ManualTimeSource time, MemcachedProcess on, int maxlocks) {
    Pool pool = new Pool("p", Duration.ofSeconds(300), maxlocks, Set.of(), false);
    return opened.add(sharedTestBackend(on, List.of(pool), time).build());
  }

  private static MemcachedProcess memcached() {
    return MEMCACHED.process();
  }

  private static List<String> holders(LockBackend backend) {
    return backend.snapshot().get(0).holders().stream().map(Grant::host).toList();
  }

  @Test
  void aMemcachedWithoutCasIsRefusedNeverUsed() throws Exception {
    try (MemcachedProcess noCas = MemcachedProcess.start("-C")) {
      LockBackend backend = backend(new ManualTimeSource(START), noCas, 1);
      for (String host : List.of("a", "b")) { // creating the value, then changing it
        BackendUnavailableException refused =
            assertThrows(BackendUnavailableException.class, () -> backend.tryAcquire("p", host, NO_LEASE));
        assertTrue(refused.getMessage().contains("CAS disabled"), refused.getMessage());
      }
    }
  }

  /**
   * A server whose wall clock jumps an hour ahead must not end a hold before its own monotonic
   * clock has seen the lease run (fault of the adversarial review: every hold in memcached
   * carries a wall-clock deadline). Before the fix y ended a's hold at once and granted b: two
   * holders.
   */
  @Test
  void aServerWhoseClockJumpsAheadEndsNoHoldBeforeItsOwnClockSaysTheLeaseRan() {
    ManualTimeSource xClock = new ManualTimeSource(START);
    ManualTimeSource yClock = new ManualTimeSource(START);
    LockBackend x = backend(xClock, memcached(), 1);
    LockBackend y = backend(yClock, memcached(), 1);
    x.tryAcquire("p", "a", Optional.of(Duration.ofSeconds(10))).orElseThrow();
    assertEquals(List.of("a"), holders(y)); // y sees the hold granted

    yClock.jumpWallClock(Duration.ofHours(1).toMillis());
    assertEquals(Optional.empty(), y.tryAcquire("p", "b", NO_LEASE), "a's lease has not run");
    assertEquals(List.of("a"), holders(y));

    yClock.advance(9_999);
    assertEquals(Optional.empty(), y.tryAcquire("p", "b", NO_LEASE));
    yClock.advance(1);
    assertEquals("b", y.tryAcquire("p", "b", NO_LEASE).orElseThrow().host());
  }

  /** The granting server's clock behind the others' is the same fault seen from the other side. */
  @Test
  void aHoldGrantedByAServerWhoseClockIsBehindLastsItsWholeLease() {
    ManualTimeSource xClock = new ManualTimeSource(START - Duration.ofHours(1).toMillis());
    ManualTimeSource yClock = new ManualTimeSource(START);
    LockBackend x = backend(xClock, memcached(), 1);
    LockBackend y = backend(yClock, memcached(), 1);
    x.tryAcquire("p", "a", Optional.of(Duration.ofSeconds(10))).orElseThrow();

    assertEquals(Optional.empty(), y.tryAcquire("p", "b", NO_LEASE), "a's lease has not run");
    yClock.advance(10_000);
    assertEquals("b", y.tryAcquire("p", "b", NO_LEASE).orElseThrow().host());
  }

  @Test
  void aHolderAskingAgainTakesDeliveryOfItsGrant() {
    ManualTimeSource time = new ManualTimeSource(START);
    ManualTimeSource frozen = new ManualTimeSource(START);
    LockBackend x = backend(time, memcached(), 1);
    LockBackend y = backend(frozen, memcached(), 1); // y never polls: it cannot take delivery
    x.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    y.acquire("p", "b", NO_LEASE, FOREVER);
    x.release("p", "a", OptionalLong.empty()); // granted to b, waiting for y to confirm
    Grant again = x.tryAcquire("p", "b", NO_LEASE).orElseThrow(); // b asks x itself
    time.advance(5_000); // far past the confirmation window
    assertTrue(x.isCurrent("p", again.token()), "b's grant was taken back after b was told YES");
    assertEquals(List.of("b"), holders(x));
  }

  @Test
  void aHostNeverHoldsTwoSlotsAfterMemcachedLosesThePool() throws Exception {
    ManualTimeSource time = new ManualTimeSource(START);
    LockBackend x = backend(time, memcached(), 2);
    LockBackend y = backend(time, memcached(), 2);
    x.tryAcquire("p", "a1", NO_LEASE).orElseThrow();
    x.tryAcquire("p", "a2", NO_LEASE).orElseThrow();
    CompletableFuture<Optional<Grant>> h = x.acquire("p", "h", NO_LEASE, FOREVER);
    memcached().flush();
    Grant direct = y.tryAcquire("p", "h", NO_LEASE).orElseThrow();
    time.advance(10); // x polls, finds the pool lost, and must not queue h again
    // y never saw the pool, so it took the value for new and granted h: x puts back what fits,
    // and in its restore window answers h's wait with no hold; after it, with h's one hold.
    assertTrue(holders(y).contains("h"), holders(y)::toString);
    assertFalse(h.isDone(), "no hold answers a wait in the restore window");
    time.advance(10_000);
    assertEquals(direct.token(), h.get(5, TimeUnit.SECONDS).orElseThrow().token());
    assertEquals(1, holders(y).stream().filter("h"::equals).count());
  }

  @Test
  void aWaitWhoseTimeoutPassedWhileThePoolWasLostIsAnsweredNo() throws Exception {
    ManualTimeSource time = new ManualTimeSource(START);
    LockBackend x = backend(time, memcached(), 1);
    x.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    CompletableFuture<Optional<Grant>> b = x.acquire("p", "b", NO_LEASE, Optional.of(Duration.ofSeconds(1)));
    memcached().kill(); // memcached is away, and comes back empty ...
    time.advance(1_500); // ... after b's time ran out
    memcached().restart();
    assertEquals(Optional.empty(), whileAdvancing(time, b, 1));
    assertEquals(List.of("a"), holders(x), "a is put back; b was not queued again, let alone granted");
    assertEquals(List.of(), x.snapshot().get(0).waiters());
  }

  @Test
  void aCorruptValueIsAnErrorAndThePollSurvivesIt() throws Exception {
    ManualTimeSource time = new ManualTimeSource(START);
    LockBackend x = backend(time, memcached(), 1);
    x.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    CompletableFuture<Optional<Grant>> b = x.acquire("p", "b", NO_LEASE, FOREVER);
    overwrite(MemcachedStore.key("p"), "garbage");
    assertThrows(BackendUnavailableException.class, () -> x.tryAcquire("p", "c", NO_LEASE));
    time.advance(30); // polls meet the bad value and go on
    memcached().flush();
    time.advance(30); // the pool was lost: a is put back, b queues again
    assertEquals(List.of("a"), holders(x));
    x.release("p", "a", OptionalLong.empty());
    assertEquals("b", whileAdvancing(time, b, 100).orElseThrow().host(), "b, after the restore window");
  }

  @Test
  void aWaitWhosePlaceWasDroppedWhileItsServerWasCutOffIsAnErrorNotANo() {
    ManualTimeSource time = new ManualTimeSource(START);
    ManualTimeSource cutOff = new ManualTimeSource(START);
    LockBackend x = backend(time, memcached(), 1);
    LockBackend y = backend(cutOff, memcached(), 1);
    x.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    CompletableFuture<Optional<Grant>> b = y.acquire("p", "b", NO_LEASE, FOREVER);
    time.advance(2_100); // y renews nothing: b's place goes stale
    assertEquals(Optional.empty(), x.tryAcquire("p", "c", NO_LEASE)); // x writes, dropping it
    assertEquals(List.of(), x.snapshot().get(0).waiters().stream().map(Waiter::host).toList());
    cutOff.advance(2_100); // y is back, polls, and learns it lost b's place
    ExecutionException failure = assertThrows(ExecutionException.class, () -> b.get(5, TimeUnit.SECONDS));
    assertTrue(failure.getCause() instanceof BackendUnavailableException, failure.toString());
  }

  /** The future's value, moving {@code time} on while memcached reconnects (real time). */
  private static <T> T whileAdvancing(ManualTimeSource time, CompletableFuture<T> future)
      throws Exception {
    return whileAdvancing(time, future, 10);
  }

  private static <T> T whileAdvancing(ManualTimeSource time, CompletableFuture<T> future, long step)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!future.isDone() && System.nanoTime() < deadline) {
      time.advance(step);
      Thread.sleep(10);
    }
    return future.get(1, TimeUnit.SECONDS);
  }

  private static void overwrite(String key, String value) throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(memcached().address(), 2_000);
      socket.setSoTimeout(5_000);
      byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
      socket.getOutputStream().write(
          ("set " + key + " 0 0 " + bytes.length + "\r\n" + value + "\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] answer = socket.getInputStream().readNBytes(8);
      assertEquals("STORED\r\n", new String(answer, StandardCharsets.US_ASCII));
    }
  }
}
