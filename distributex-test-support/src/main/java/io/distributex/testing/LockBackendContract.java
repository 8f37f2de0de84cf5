package io.distributex.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.core.BackendClosedException;
import io.distributex.core.Grant;
import io.distributex.core.LockBackend;
import io.distributex.core.Mode;
import io.distributex.core.ModeConflictException;
import io.distributex.core.Pool;
import io.distributex.core.PoolSnapshot;
import io.distributex.core.Release;
import io.distributex.core.TimeSource;
import io.distributex.core.TooManyWaitersException;
import io.distributex.core.Waiter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What every {@link LockBackend} guarantees. Each backend's test class extends this and says how
 * to make a backend; the cases are the same for all.
 */
@Timeout(60)
public abstract class LockBackendContract {
  protected static final long START = 1_764_417_600_000L;
  private static final Optional<Duration> NO_LEASE = Optional.empty();
  private static final Optional<Duration> FOREVER = Optional.empty();

  protected final ManualTimeSource time = new ManualTimeSource(START);
  @RegisterExtension protected final OpenedBackends opened = new OpenedBackends();

  /** A fresh backend serving {@code pools}, reading time from {@code time}. */
  protected abstract LockBackend newBackend(List<Pool> pools, TimeSource time, int maxWaiters);

  protected final LockBackend backend(Pool... pools) {
    return backend(Integer.MAX_VALUE, pools);
  }

  private LockBackend backend(int maxWaiters, Pool... pools) {
    return opened.add(newBackend(List.of(pools), time, maxWaiters));
  }

  protected static Pool pool(String name, int maxlocks, long expireSeconds) {
    return new Pool(name, Duration.ofSeconds(expireSeconds), maxlocks, Set.of(), false);
  }

  private static Pool delayed(String name, int maxlocks, long lockDelaySeconds) {
    return new Pool(name, Duration.ofSeconds(300), maxlocks, Set.of(), false, Duration.ofSeconds(lockDelaySeconds));
  }

  private static Optional<Duration> seconds(long seconds) {
    return Optional.of(Duration.ofSeconds(seconds));
  }

  private static Optional<Grant> now(CompletableFuture<Optional<Grant>> future) {
    assertTrue(future.isDone(), "acquire should have answered");
    return future.join();
  }

  @Test
  void aFreePoolIsGrantedAndABusyOneIsNot() {
    LockBackend backend = backend(pool("p", 1, 300));
    Grant grant = backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    assertEquals("p", grant.pool());
    assertEquals("a", grant.host());
    assertEquals(Instant.ofEpochMilli(START), grant.acquired());
    assertEquals(Optional.of(Instant.ofEpochMilli(START + 300_000)), grant.expires());
    assertEquals(Optional.empty(), backend.tryAcquire("p", "b", NO_LEASE));
    assertEquals(Release.RELEASED, backend.release("p", "a", OptionalLong.empty()));
    assertTrue(backend.tryAcquire("p", "b", NO_LEASE).isPresent());
  }

  @Test
  void aHostThatHoldsIsGrantedAgainWithItsTokenAndANewDeadline() {
    LockBackend backend = backend(pool("p", 1, 300));
    Grant first = backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    time.advance(100_000);
    Grant again = backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    assertEquals(first.token(), again.token());
    assertEquals(Optional.of(Instant.ofEpochMilli(START + 400_000)), again.expires());
    Grant waited = now(backend.acquire("p", "a", NO_LEASE, FOREVER)).orElseThrow();
    assertEquals(first.token(), waited.token());
    assertEquals(1, backend.snapshot().get(0).holders().size());
  }

  @Test
  void aWaitersGrantNobodyClaimedIsWithdrawnAndPassedOn() {
    LockBackend backend = backend(pool("p", 1, 300));
    backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    CompletableFuture<Optional<Grant>> gone = backend.acquire("p", "h", NO_LEASE, FOREVER);
    CompletableFuture<Optional<Grant>> next = backend.acquire("p", "w", NO_LEASE, FOREVER);
    backend.release("p", "a", OptionalLong.empty());
    long token = now(gone).orElseThrow().token();
    assertFalse(backend.withdraw("p", "h", token + 1), "another token withdraws nothing");
    assertFalse(next.isDone());
    assertTrue(backend.withdraw("p", "h", token));
    assertEquals("w", now(next).orElseThrow().host());
    assertFalse(backend.withdraw("p", "h", token), "a withdrawn grant is gone");
  }

  @Test
  void aGrantItsHostWasAnsweredWithAgainIsNeverWithdrawn() {
    LockBackend backend = backend(pool("p", 1, 300));
    List<java.util.function.Consumer<LockBackend>> claims =
        List.of(
            b -> b.tryAcquire("p", "h", NO_LEASE).orElseThrow(),
            b -> now(b.acquire("p", "h", NO_LEASE, FOREVER)).orElseThrow(),
            b -> b.renew("p", "h", OptionalLong.empty()).orElseThrow());
    for (var claim : claims) {
      backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
      CompletableFuture<Optional<Grant>> first = backend.acquire("p", "h", NO_LEASE, FOREVER);
      CompletableFuture<Optional<Grant>> next = backend.acquire("p", "w", NO_LEASE, FOREVER);
      backend.release("p", "a", OptionalLong.empty());
      long token = now(first).orElseThrow().token();
      claim.accept(backend);
      assertFalse(backend.withdraw("p", "h", token));
      assertFalse(next.isDone(), "w must wait while h holds what it was told it holds");
      assertEquals(Release.RELEASED, backend.release("p", "h", OptionalLong.of(token)));
      assertEquals("w", now(next).orElseThrow().host());
      backend.release("p", "w", OptionalLong.empty());
    }
  }

  @Test
  void aSlotWhoseHoldExpiredStaysClosedForTheLockDelay() {
    LockBackend backend = backend(delayed("p", 1, 5));
    backend.tryAcquire("p", "a", seconds(10)).orElseThrow();
    CompletableFuture<Optional<Grant>> b = backend.acquire("p", "b", NO_LEASE, FOREVER);
    time.advance(10_000); // a's lease ends: its slot stays closed 5 s
    assertFalse(b.isDone(), "b was granted while lock-delay keeps the slot closed");
    assertEquals(Optional.of(Instant.ofEpochMilli(START + 15_000)), backend.snapshot().get(0).closedUntil());
    assertEquals(Optional.empty(), backend.tryAcquire("p", "c", NO_LEASE));
    time.advance(4_999);
    assertFalse(b.isDone());
    time.advance(1);
    assertEquals("b", now(b).orElseThrow().host());
    assertEquals(Optional.empty(), backend.snapshot().get(0).closedUntil());
  }

  @Test
  void aWallClockSetForwardOrBackNeitherEndsAHoldNorOpensALockDelayEarlyOrLate() {
    LockBackend backend = backend(delayed("p", 1, 5));
    backend.tryAcquire("p", "a", seconds(10)).orElseThrow();
    CompletableFuture<Optional<Grant>> b = backend.acquire("p", "b", NO_LEASE, FOREVER);
    time.jumpWallClock(Duration.ofHours(1).toMillis());
    time.advance(9_999);
    assertEquals(Optional.empty(), backend.tryAcquire("p", "c", NO_LEASE));
    assertFalse(b.isDone(), "a's lease has not run on the server's own clock");
    time.advance(1); // a's lease ran: the slot closes for 5 s
    time.jumpWallClock(Duration.ofHours(1).toMillis());
    time.advance(4_999);
    assertFalse(b.isDone(), "lock-delay has not run on the server's own clock");
    time.jumpWallClock(-Duration.ofHours(3).toMillis());
    time.advance(1);
    assertEquals("b", now(b).orElseThrow().host(), "lock-delay ran; the wall clock set back changes nothing");
  }

  @Test
  void aReleasedSlotIsNeverClosedByLockDelay() {
    LockBackend backend = backend(delayed("p", 1, 5));
    backend.tryAcquire("p", "a", seconds(10)).orElseThrow();
    CompletableFuture<Optional<Grant>> b = backend.acquire("p", "b", NO_LEASE, FOREVER);
    backend.release("p", "a", OptionalLong.empty());
    assertEquals("b", now(b).orElseThrow().host());
    assertEquals(Optional.empty(), backend.snapshot().get(0).closedUntil());
  }

  @Test
  void lockDelayClosesOnlyTheSlotWhoseHoldExpired() {
    LockBackend backend = backend(delayed("p", 2, 5));
    backend.tryAcquire("p", "a", seconds(10)).orElseThrow();
    backend.tryAcquire("p", "b", NO_LEASE).orElseThrow();
    time.advance(10_000);
    assertEquals(Optional.empty(), backend.tryAcquire("p", "c", NO_LEASE), "b holds one slot, the other is closed");
    backend.release("p", "b", OptionalLong.empty());
    assertEquals("c", backend.tryAcquire("p", "c", NO_LEASE).orElseThrow().host(), "b's slot was released, not expired");
    time.advance(5_000);
    assertEquals("d", backend.tryAcquire("p", "d", NO_LEASE).orElseThrow().host());
  }

  @Test
  void aSemaphoreGrantsMaxlocksHostsAndNoMore() {
    LockBackend backend = backend(pool("p", 3, 300));
    for (String host : List.of("a", "b", "c")) {
      assertTrue(backend.tryAcquire("p", host, NO_LEASE).isPresent(), host);
    }
    assertEquals(Optional.empty(), backend.tryAcquire("p", "d", NO_LEASE));
    CompletableFuture<Optional<Grant>> d = backend.acquire("p", "d", NO_LEASE, FOREVER);
    assertFalse(d.isDone());
    backend.release("p", "b", OptionalLong.empty());
    assertEquals("d", now(d).orElseThrow().host());
  }

  @Test
  void waitersAreServedFirstInFirstOut() {
    LockBackend backend = backend(pool("p", 1, 300));
    backend.tryAcquire("p", "holder", NO_LEASE).orElseThrow();
    List<String> hosts = List.of("w1", "w2", "w3", "w4");
    List<CompletableFuture<Optional<Grant>>> waits = new ArrayList<>();
    hosts.forEach(host -> waits.add(backend.acquire("p", host, NO_LEASE, FOREVER)));
    assertEquals(
        hosts, backend.snapshot().get(0).waiters().stream().map(Waiter::host).toList());
    String holder = "holder";
    for (int i = 0; i < hosts.size(); i++) {
      backend.release("p", holder, OptionalLong.empty());
      assertEquals(hosts.get(i), now(waits.get(i)).orElseThrow().host());
      for (int later = i + 1; later < hosts.size(); later++) {
        assertFalse(waits.get(later).isDone(), "w" + (later + 1) + " overtook");
      }
      holder = hosts.get(i);
    }
  }

  @Test
  void aTryNeverOvertakesAWaiter() {
    LockBackend backend = backend(pool("p", 1, 300));
    backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    CompletableFuture<Optional<Grant>> b = backend.acquire("p", "b", NO_LEASE, FOREVER);
    backend.release("p", "a", OptionalLong.empty());
    assertEquals(Optional.empty(), backend.tryAcquire("p", "c", NO_LEASE));
    assertEquals("b", now(b).orElseThrow().host());
  }

  @Test
  void anExpiredHoldPassesToTheNextWaiterAtItsDeadline() {
    LockBackend backend = backend(pool("p", 1, 10));
    backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    CompletableFuture<Optional<Grant>> b = backend.acquire("p", "b", NO_LEASE, FOREVER);
    time.advance(9_999);
    assertFalse(b.isDone());
    time.advance(1);
    Grant grant = now(b).orElseThrow();
    assertEquals(Instant.ofEpochMilli(START + 10_000), grant.acquired());
    assertEquals(Optional.empty(), backend.renew("p", "a", OptionalLong.empty()));
  }

  @Test
  void aPoolThatNeverExpiresKeepsItsHolder() {
    LockBackend backend = backend(pool("p", 1, 0));
    Grant grant = backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    assertEquals(Optional.empty(), grant.expires());
    time.advance(Duration.ofDays(365).toMillis());
    assertTrue(backend.isCurrent("p", grant.token()));
  }

  @Test
  void aLeaseShortensTheHoldButNeverExceedsExpire() {
    LockBackend backend = backend(pool("p", 2, 10), pool("never", 1, 0));
    Grant shortLease = backend.tryAcquire("p", "a", seconds(2)).orElseThrow();
    assertEquals(Optional.of(Instant.ofEpochMilli(START + 2_000)), shortLease.expires());
    Grant longLease = backend.tryAcquire("p", "b", seconds(60)).orElseThrow();
    assertEquals(Optional.of(Instant.ofEpochMilli(START + 10_000)), longLease.expires());
    Grant onNever = backend.tryAcquire("never", "a", seconds(60)).orElseThrow();
    assertEquals(Optional.of(Instant.ofEpochMilli(START + 60_000)), onNever.expires());
    time.advance(2_000);
    assertFalse(backend.isCurrent("p", shortLease.token()));
    assertTrue(backend.isCurrent("p", longLease.token()));
  }

  @Test
  void renewRestartsTheHoldPeriodAndKeepsTheToken() {
    LockBackend backend = backend(pool("p", 1, 300));
    Grant grant = backend.tryAcquire("p", "a", seconds(5)).orElseThrow();
    time.advance(4_000);
    Grant renewed = backend.renew("p", "a", OptionalLong.empty()).orElseThrow();
    assertEquals(grant.token(), renewed.token());
    assertEquals(Optional.of(Instant.ofEpochMilli(START + 9_000)), renewed.expires());
    time.advance(4_000);
    assertTrue(backend.isCurrent("p", grant.token()), "renewal should have moved the deadline");
    time.advance(1_000);
    assertFalse(backend.isCurrent("p", grant.token()));
  }

  @Test
  void aRenewalWithALeaseHoldsForThatLeaseFromNowNeverBeyondExpire() {
    LockBackend backend = backend(pool("p", 1, 300));
    Grant grant = backend.tryAcquire("p", "a", seconds(5)).orElseThrow();
    time.advance(4_000);
    Grant longer = backend.renew("p", "a", OptionalLong.of(grant.token()), seconds(60)).orElseThrow();
    assertEquals(grant.token(), longer.token());
    assertEquals(Optional.of(Instant.ofEpochMilli(START + 64_000)), longer.expires());
    Grant capped = backend.renew("p", "a", OptionalLong.empty(), seconds(3_600)).orElseThrow();
    assertEquals(Optional.of(Instant.ofEpochMilli(START + 304_000)), capped.expires(), "capped at expire");
    Grant shorter = backend.renew("p", "a", OptionalLong.empty(), seconds(1)).orElseThrow();
    assertEquals(Optional.of(Instant.ofEpochMilli(START + 5_000)), shorter.expires());
    Grant again = backend.renew("p", "a", OptionalLong.empty()).orElseThrow();
    assertEquals(Optional.of(Instant.ofEpochMilli(START + 5_000)), again.expires(), "without a lease, the last period");
    time.advance(1_000);
    assertFalse(backend.isCurrent("p", grant.token()));
  }

  @Test
  void renewAndReleaseWithAnotherTokenChangeNothing() {
    LockBackend backend = backend(pool("p", 1, 300));
    Grant grant = backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    OptionalLong stale = OptionalLong.of(grant.token() - 1);
    assertEquals(Optional.empty(), backend.renew("p", "a", stale));
    assertEquals(Release.TOKEN_MISMATCH, backend.release("p", "a", stale));
    assertTrue(backend.isCurrent("p", grant.token()));
    assertEquals(Optional.empty(), backend.renew("p", "nobody", OptionalLong.empty()));
    assertEquals(Release.RELEASED, backend.release("p", "a", OptionalLong.of(grant.token())));
    assertEquals(Release.NOT_HELD, backend.release("p", "a", OptionalLong.of(grant.token())));
  }

  @Test
  void aWaitThatTimesOutLeavesTheQueue() {
    LockBackend backend = backend(pool("p", 1, 300));
    backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    CompletableFuture<Optional<Grant>> b = backend.acquire("p", "b", NO_LEASE, seconds(5));
    CompletableFuture<Optional<Grant>> c = backend.acquire("p", "c", NO_LEASE, FOREVER);
    time.advance(5_000);
    assertEquals(Optional.empty(), now(b));
    assertEquals(List.of("c"), waiterHosts(backend));
    assertEquals(Optional.empty(), now(backend.acquire("p", "d", NO_LEASE, Optional.of(Duration.ZERO))));
    backend.release("p", "a", OptionalLong.empty());
    assertEquals("c", now(c).orElseThrow().host());
  }

  @Test
  void cancellingAWaitLeavesTheQueue() {
    LockBackend backend = backend(pool("p", 1, 300));
    backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    CompletableFuture<Optional<Grant>> b = backend.acquire("p", "b", NO_LEASE, FOREVER);
    assertTrue(b.cancel(true));
    assertEquals(List.of(), waiterHosts(backend));
    backend.release("p", "a", OptionalLong.empty());
    assertTrue(backend.snapshot().get(0).holders().isEmpty());
  }

  @Test
  void releasingWhileQueuedGivesUpThePlace() {
    LockBackend backend = backend(pool("p", 1, 300));
    backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    CompletableFuture<Optional<Grant>> b = backend.acquire("p", "b", NO_LEASE, FOREVER);
    assertEquals(Release.LEFT_QUEUE, backend.release("p", "b", OptionalLong.empty()));
    assertEquals(Optional.empty(), now(b));
    assertEquals(List.of(), waiterHosts(backend));
  }

  @Test
  void aSecondWaitOfTheSameHostTakesOverItsPlace() {
    LockBackend backend = backend(pool("p", 1, 300));
    backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    CompletableFuture<Optional<Grant>> first = backend.acquire("p", "b", NO_LEASE, FOREVER);
    CompletableFuture<Optional<Grant>> c = backend.acquire("p", "c", NO_LEASE, FOREVER);
    CompletableFuture<Optional<Grant>> second = backend.acquire("p", "b", NO_LEASE, FOREVER);
    assertEquals(Optional.empty(), now(first));
    assertEquals(List.of("b", "c"), waiterHosts(backend));
    backend.release("p", "a", OptionalLong.empty());
    assertEquals("b", now(second).orElseThrow().host());
    assertFalse(c.isDone());
  }

  @Test
  void tokensStrictlyIncreaseAndSurviveARestartASecondLater() {
    LockBackend backend = backend(pool("p", 2, 300));
    long last = 0;
    for (int i = 0; i < 200; i++) {
      String host = "h" + (i % 2);
      long token = backend.tryAcquire("p", host, NO_LEASE).orElseThrow().token();
      assertTrue(token > last, "token " + token + " after " + last);
      last = token;
      backend.release("p", host, OptionalLong.empty());
    }
    backend.close();
    time.advance(1_000);
    LockBackend restarted = backend(pool("p", 2, 300));
    assertTrue(restarted.tryAcquire("p", "h0", NO_LEASE).orElseThrow().token() > last);
  }

  @Test
  void tooManyWaitersIsRefusedAndChangesNothing() {
    LockBackend backend = backend(2, pool("p", 1, 300));
    backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    backend.acquire("p", "b", NO_LEASE, FOREVER);
    backend.acquire("p", "c", NO_LEASE, FOREVER);
    assertThrows(
        TooManyWaitersException.class, () -> backend.acquire("p", "d", NO_LEASE, FOREVER));
    assertEquals(List.of("b", "c"), waiterHosts(backend));
    backend.acquire("p", "b", NO_LEASE, FOREVER);
    assertTrue(backend.acquire("p", "a", NO_LEASE, FOREVER).isDone(), "a holder is not a waiter");
    backend.release("p", "c", OptionalLong.empty());
    backend.acquire("p", "d", NO_LEASE, FOREVER);
    assertEquals(List.of("b", "d"), waiterHosts(backend));
  }

  @Test
  void closingFailsPendingWaits() {
    LockBackend backend = backend(pool("p", 1, 300));
    backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    CompletableFuture<Optional<Grant>> b = backend.acquire("p", "b", NO_LEASE, FOREVER);
    backend.close();
    ExecutionException failure = assertThrows(ExecutionException.class, b::get);
    assertTrue(failure.getCause() instanceof BackendClosedException, failure.toString());
  }

  @Test
  void unknownPoolsAreRefused() {
    LockBackend backend = backend(pool("p", 1, 300));
    assertThrows(IllegalArgumentException.class, () -> backend.tryAcquire("q", "a", NO_LEASE));
  }

  /** Many threads, each its own host, bump a plain counter under the lock: it must be exact. */
  @Test
  void mutualExclusionUnderManyThreads() throws Exception {
    LockBackend backend = backend(pool("p", 1, 0));
    int threads = 16;
    int rounds = 300;
    int[] counter = {0};
    AtomicInteger grants = new AtomicInteger();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    Concurrently.run(
        threads,
        Duration.ofSeconds(60),
        t -> {
          String host = "host" + t;
          for (int i = 0; i < rounds; i++) {
            Optional<Grant> grant =
                i % 3 == 0
                    ? backend.tryAcquire("p", host, NO_LEASE)
                    : backend.acquire("p", host, NO_LEASE, FOREVER).get(30, TimeUnit.SECONDS);
            if (grant.isEmpty()) {
              continue;
            }
            grants.incrementAndGet();
            if (inside.incrementAndGet() > 1) {
              overlaps.incrementAndGet();
            }
            counter[0]++;
            inside.decrementAndGet();
            backend.release("p", host, OptionalLong.of(grant.get().token()));
          }
        });
    assertEquals(0, overlaps.get());
    long granted = backend.snapshot().get(0).holders().size();
    assertEquals(0, granted);
    assertEquals(grants.get(), counter[0], "the plain counter lost updates: two held at once");
    assertTrue(counter[0] >= threads * rounds * 2 / 3, "every waited round must count");
  }

  /** Holders of a semaphore never exceed maxlocks, with waits, timeouts and cancellations. */
  @Test
  void semaphoreBoundHoldsUnderContentionWithCancellations() throws Exception {
    int maxlocks = 3;
    LockBackend backend = backend(pool("p", maxlocks, 0));
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    ConcurrentLinkedQueue<Long> tokens = new ConcurrentLinkedQueue<>();
    Concurrently.run(
        12,
        Duration.ofSeconds(60),
        t -> {
          String host = "host" + t;
          for (int i = 0; i < 200; i++) {
            CompletableFuture<Optional<Grant>> wait = backend.acquire("p", host, NO_LEASE, FOREVER);
            if (ThreadLocalRandom.current().nextInt(4) == 0) {
              wait.cancel(true);
            }
            Optional<Grant> grant;
            try {
              grant = wait.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.CancellationException cancelled) {
              continue;
            }
            if (grant.isEmpty()) {
              continue;
            }
            tokens.add(grant.get().token());
            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
            Thread.yield();
            inside.decrementAndGet();
            backend.release("p", host, OptionalLong.empty());
          }
        });
    assertTrue(most.get() <= maxlocks, "holders reached " + most.get());
    assertEquals(tokens.size(), Set.copyOf(tokens).size(), "a token was granted twice");
    PoolSnapshot after = backend.snapshot().get(0);
    assertEquals(List.of(), after.holders());
    assertEquals(List.of(), after.waiters());
  }

  private static Pool readWrite(String name, int maxlocks, OptionalInt maxShared) {
    return new Pool(name, Duration.ofSeconds(300), maxlocks, Set.of(), false, Duration.ZERO, maxShared);
  }

  private static Optional<Grant> shared(LockBackend backend, String host) {
    return backend.tryAcquire("p", host, Mode.SHARED, NO_LEASE);
  }

  private static CompletableFuture<Optional<Grant>> waitShared(LockBackend backend, String host) {
    return backend.acquire("p", host, Mode.SHARED, NO_LEASE, FOREVER);
  }

  @Test
  void sharedHoldersCoexistWithEachOtherAndNeverWithAnExclusiveOne() {
    LockBackend backend = backend(pool("p", 1, 300));
    Grant a = shared(backend, "a").orElseThrow();
    Grant b = shared(backend, "b").orElseThrow();
    assertEquals(Mode.SHARED, a.mode());
    assertTrue(b.token() > a.token(), "every shared grant has a token of its own");
    assertTrue(backend.isCurrent("p", a.token()) && backend.isCurrent("p", b.token()));
    assertEquals(Optional.empty(), backend.tryAcquire("p", "w", NO_LEASE));
    backend.release("p", "a", OptionalLong.of(a.token()));
    backend.release("p", "b", OptionalLong.empty());
    Grant w = backend.tryAcquire("p", "w", NO_LEASE).orElseThrow();
    assertEquals(Mode.EXCLUSIVE, w.mode());
    assertTrue(w.token() > b.token());
    assertEquals(Optional.empty(), shared(backend, "a"));
  }

  @Test
  void upToMaxlocksExclusiveHoldersStillCoexistAndKeepReadersOut() {
    LockBackend backend = backend(pool("p", 2, 300));
    backend.tryAcquire("p", "w1", NO_LEASE).orElseThrow();
    backend.tryAcquire("p", "w2", NO_LEASE).orElseThrow();
    assertEquals(Optional.empty(), shared(backend, "r"));
  }

  @Test
  void theQueueStaysFirstInFirstOutAcrossModes() {
    LockBackend backend = backend(pool("p", 1, 300));
    backend.tryAcquire("p", "w", NO_LEASE).orElseThrow();
    CompletableFuture<Optional<Grant>> r1 = waitShared(backend, "r1");
    CompletableFuture<Optional<Grant>> r2 = waitShared(backend, "r2");
    CompletableFuture<Optional<Grant>> w2 = backend.acquire("p", "w2", NO_LEASE, FOREVER);
    CompletableFuture<Optional<Grant>> r3 = waitShared(backend, "r3");
    assertEquals(
        List.of(Mode.SHARED, Mode.SHARED, Mode.EXCLUSIVE, Mode.SHARED),
        backend.snapshot().get(0).waiters().stream().map(Waiter::mode).toList());
    backend.release("p", "w", OptionalLong.empty());
    assertEquals("r1", now(r1).orElseThrow().host());
    assertEquals(Mode.SHARED, now(r2).orElseThrow().mode());
    assertFalse(w2.isDone(), "the writer waits for the readers ahead of it");
    assertFalse(r3.isDone(), "a reader behind a queued writer waits: writers never starve");
    assertEquals(Optional.empty(), shared(backend, "r4"), "a get never overtakes a queued writer");
    backend.release("p", "r1", OptionalLong.empty());
    assertFalse(w2.isDone());
    backend.release("p", "r2", OptionalLong.empty());
    assertEquals("w2", now(w2).orElseThrow().host());
    assertFalse(r3.isDone());
    backend.release("p", "w2", OptionalLong.empty());
    assertEquals("r3", now(r3).orElseThrow().host());
  }

  @Test
  void maxsharedBoundsTheSharedHolders() {
    LockBackend backend = backend(readWrite("p", 1, OptionalInt.of(2)));
    backend.tryAcquire("p", "w", NO_LEASE).orElseThrow();
    List<CompletableFuture<Optional<Grant>>> readers = new ArrayList<>();
    for (String host : List.of("r1", "r2", "r3")) {
      readers.add(waitShared(backend, host));
    }
    backend.release("p", "w", OptionalLong.empty());
    assertTrue(readers.get(0).isDone() && readers.get(1).isDone());
    assertFalse(readers.get(2).isDone(), "maxshared 2");
    backend.release("p", "r1", OptionalLong.empty());
    assertEquals("r3", now(readers.get(2)).orElseThrow().host());
  }

  @Test
  void aHolderAskingInTheOtherModeIsRefusedAndNothingChanges() {
    LockBackend backend = backend(pool("p", 2, 300));
    Grant a = shared(backend, "a").orElseThrow();
    ModeConflictException refused =
        assertThrows(ModeConflictException.class, () -> backend.tryAcquire("p", "a", NO_LEASE));
    assertEquals("host 'a' holds pool 'p' in shared mode", refused.getMessage());
    assertTrue(
        refusedToWait(() -> backend.acquire("p", "a", Mode.EXCLUSIVE, NO_LEASE, FOREVER)));
    PoolSnapshot after = backend.snapshot().get(0);
    assertEquals(List.of(a), after.holders());
    assertEquals(List.of(), after.waiters());
    assertEquals(a.token(), now(waitShared(backend, "a")).orElseThrow().token());
    backend.release("p", "a", OptionalLong.empty());
    backend.tryAcquire("p", "b", NO_LEASE).orElseThrow();
    ModeConflictException exclusive =
        assertThrows(ModeConflictException.class, () -> shared(backend, "b"));
    assertEquals("host 'b' holds pool 'p' in exclusive mode", exclusive.getMessage());
  }

  /** Whether an acquire was refused with {@link ModeConflictException}, at once or by its future. */
  private static boolean refusedToWait(Supplier<CompletableFuture<Optional<Grant>>> call) {
    CompletableFuture<Optional<Grant>> future;
    try {
      future = call.get();
    } catch (ModeConflictException refused) {
      return true;
    }
    ExecutionException failed =
        assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
    return failed.getCause() instanceof ModeConflictException;
  }

  @Test
  void aQueuedHostThatWaitsInTheOtherModeTakesOverItsPlaceInThatMode() {
    LockBackend backend = backend(pool("p", 1, 300));
    backend.tryAcquire("p", "w", NO_LEASE).orElseThrow();
    CompletableFuture<Optional<Grant>> first = backend.acquire("p", "a", NO_LEASE, FOREVER);
    CompletableFuture<Optional<Grant>> b = waitShared(backend, "b");
    CompletableFuture<Optional<Grant>> second = waitShared(backend, "a");
    assertEquals(Optional.empty(), now(first));
    assertEquals(
        List.of(new Waiter("a", Instant.ofEpochMilli(START), Mode.SHARED),
            new Waiter("b", Instant.ofEpochMilli(START), Mode.SHARED)),
        backend.snapshot().get(0).waiters());
    backend.release("p", "w", OptionalLong.empty());
    assertEquals(Mode.SHARED, now(second).orElseThrow().mode());
    assertTrue(now(b).isPresent());
  }

  @Test
  void aQueuedWriterThatWaitsSharedInsteadJoinsTheReadersAtOnce() {
    LockBackend backend = backend(pool("p", 1, 300));
    shared(backend, "r").orElseThrow();
    CompletableFuture<Optional<Grant>> exclusive = backend.acquire("p", "a", NO_LEASE, FOREVER);
    CompletableFuture<Optional<Grant>> reader = waitShared(backend, "a");
    assertEquals(Optional.empty(), now(exclusive));
    assertEquals(Mode.SHARED, now(reader).orElseThrow().mode());
    assertEquals(List.of(), waiterHosts(backend));
  }

  @Test
  void aWriterLeavingTheQueueLetsTheReadersBehindItIn() {
    LockBackend backend = backend(pool("p", 1, 300));
    shared(backend, "r").orElseThrow();
    CompletableFuture<Optional<Grant>> writer = backend.acquire("p", "w", NO_LEASE, seconds(5));
    CompletableFuture<Optional<Grant>> behind = waitShared(backend, "r2");
    CompletableFuture<Optional<Grant>> later = waitShared(backend, "r3");
    backend.release("p", "w", OptionalLong.empty());
    assertEquals(Optional.empty(), now(writer));
    assertEquals("r2", now(behind).orElseThrow().host());
    CompletableFuture<Optional<Grant>> timing = backend.acquire("p", "w", NO_LEASE, seconds(5));
    CompletableFuture<Optional<Grant>> last = waitShared(backend, "r4");
    assertTrue(now(later).isPresent());
    time.advance(5_000);
    assertEquals(Optional.empty(), now(timing), "timed out");
    assertEquals("r4", now(last).orElseThrow().host(), "the reader behind the writer that timed out");
  }

  /** Readers and writers on many threads: a writer never overlaps anyone. */
  @Test
  void aWriterNeverOverlapsAnyoneUnderManyThreads() throws Exception {
    LockBackend backend = backend(readWrite("p", 1, OptionalInt.of(3)));
    AtomicInteger readers = new AtomicInteger();
    AtomicInteger writers = new AtomicInteger();
    AtomicInteger mostReaders = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    Concurrently.run(
        8,
        Duration.ofSeconds(60),
        t -> {
          String host = "host" + t;
          Mode mode = t % 3 == 0 ? Mode.EXCLUSIVE : Mode.SHARED;
          for (int i = 0; i < 150; i++) {
            Optional<Grant> grant =
                backend.acquire("p", host, mode, NO_LEASE, FOREVER).get(30, TimeUnit.SECONDS);
            if (mode == Mode.EXCLUSIVE) {
              if (writers.incrementAndGet() > 1 || readers.get() > 0) {
                overlaps.incrementAndGet();
              }
              Thread.yield();
              writers.decrementAndGet();
            } else {
              mostReaders.accumulateAndGet(readers.incrementAndGet(), Math::max);
              if (writers.get() > 0) {
                overlaps.incrementAndGet();
              }
              Thread.yield();
              readers.decrementAndGet();
            }
            backend.release("p", host, OptionalLong.of(grant.orElseThrow().token()));
          }
        });
    assertEquals(0, overlaps.get(), "a writer held beside another holder");
    assertTrue(mostReaders.get() <= 3, "shared holders reached " + mostReaders.get());
    assertEquals(List.of(), backend.snapshot().get(0).holders());
  }

  private static List<String> waiterHosts(LockBackend backend) {
    return backend.snapshot().get(0).waiters().stream().map(Waiter::host).toList();
  }
}
