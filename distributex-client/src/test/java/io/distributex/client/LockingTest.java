package io.distributex.client;

import static io.distributex.client.TestServer.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Locking, exclusive and shared, against an embedded server over real HTTP. */
@Timeout(60)
class LockingTest {
  /** The client builder every test starts from: {@link PlainSocketsTest} runs them over plain sockets. */
  DistributexClient.Builder builder() {
    return DistributexClient.builder();
  }

  private static final long PATIENCE = TestServer.PATIENCE.toSeconds();

  private TestServer server;
  private final List<DistributexClient> clients = new ArrayList<>();
  private ExecutorService threads;

  @BeforeEach
  void start() {
    server = TestServer.start();
    threads = Executors.newCachedThreadPool();
  }

  @AfterEach
  void stop() {
    threads.shutdownNow();
    clients.forEach(DistributexClient::close);
    server.close();
  }

  private DistributexClient client() {
    DistributexClient client = builder().server(server.uri()).build();
    clients.add(client);
    return client;
  }

  @Test
  void manyThreadsWithSeparateClientsExcludeEachOther() throws Exception {
    int workers = 6;
    int rounds = 20;
    List<DistributexClient> own = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      own.add(client());
    }
    assertExclusion(workers, rounds, own::get);
  }

  @Test
  void manyThreadsSharingOneClientExcludeEachOther() throws Exception {
    DistributexClient shared = client();
    assertExclusion(6, 20, worker -> shared);
  }

  private void assertExclusion(int workers, int rounds, java.util.function.IntFunction<DistributexClient> clientOf)
      throws Exception {
    int[] counter = {0};
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger mostInside = new AtomicInteger();
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      DistributexClient client = clientOf.apply(w);
      done.add(
          threads.submit(
              () -> {
                for (int r = 0; r < rounds; r++) {
                  try (DistributedLock lock = client.lock("mutex")) {
                    mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    assertTrue(lock.isHeld());
                    int seen = counter[0]; // a plain read-modify-write: only exclusion keeps it exact
                    Thread.yield();
                    counter[0] = seen + 1;
                    inside.decrementAndGet();
                  }
                }
                return null;
              }));
    }
    for (Future<?> worker : done) {
      worker.get(PATIENCE * 2, TimeUnit.SECONDS);
    }
    assertEquals(workers * rounds, counter[0]);
    assertEquals(1, mostInside.get());
    assertEquals(List.of(), server.holders("mutex"));
  }

  @Test
  void semaphoreAdmitsAtMostMaxlocksHolders() throws Exception {
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger mostInside = new AtomicInteger();
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      DistributexClient client = client();
      done.add(
          threads.submit(
              () -> {
                for (int r = 0; r < 10; r++) {
                  try (DistributedLock lock = client.lock("sem")) {
                    mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    assertTrue(lock.isHeld());
                    Thread.sleep(2);
                    inside.decrementAndGet();
                  }
                }
                return null;
              }));
    }
    for (Future<?> worker : done) {
      worker.get(PATIENCE * 2, TimeUnit.SECONDS);
    }
    assertTrue(mostInside.get() <= 3, "at most 3 holders at once, saw " + mostInside.get());

    List<DistributedLock> three = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      three.add(client().tryLock("sem").orElseThrow());
    }
    assertEquals(Optional.empty(), client().tryLock("sem"));
    three.forEach(DistributedLock::close);
  }

  @Test
  void waitersAreServedFirstComeFirstServed() throws Exception {
    assertFifo(client(), List.of(client(), client(), client()), Duration.ZERO);
  }

  @Test
  void reissuedWaitsKeepTheirPlaceInTheQueue() throws Exception {
    List<DistributexClient> waiters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      DistributexClient client = builder().server(server.uri()).waitRefresh(Duration.ofMillis(50)).build();
      clients.add(client);
      waiters.add(client);
    }
    // While the holder keeps the lock, each waiter replaces its request about 10 times.
    assertFifo(client(), waiters, Duration.ofMillis(500));
  }

  private void assertFifo(DistributexClient holder, List<DistributexClient> waiters, Duration hold)
      throws Exception {
    DistributedLock first = holder.lock("mutex");
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<Void>> served = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (DistributexClient waiter : waiters) {
      served.add(
          waiter
              .lockAsync("mutex")
              .thenAccept(
                  lock -> {
                    order.add(waiter.identity());
                    lock.close();
                  }));
      expected.add(waiter.identity());
      eventually(waiter.identity() + " queued", () -> server.waiters("mutex").contains(waiter.identity()));
    }
    assertEquals(expected, server.waiters("mutex"));
    Thread.sleep(hold.toMillis());
    first.close();
    CompletableFuture.allOf(served.toArray(CompletableFuture[]::new)).get(PATIENCE, TimeUnit.SECONDS);
    assertEquals(expected, order);
  }

  @Test
  void tryLockAnswersAtOnceAndEmptyWhenBusy() throws Exception {
    DistributexClient a = client();
    DistributedLock held = a.tryLock("mutex").orElseThrow();
    assertEquals(Optional.empty(), client().tryLock("mutex"));
    assertEquals(Optional.empty(), a.tryLock("mutex"), "another caller of the same client holds it");
    assertEquals(Optional.empty(), client().tryLock("mutex", Duration.ZERO));
    held.close();
    assertTrue(client().tryLock("mutex").isPresent());
  }

  @Test
  void tryLockWithTimeoutGivesUpAndLeavesTheQueue() throws Exception {
    DistributexClient a = client();
    DistributexClient b = client();
    DistributedLock held = a.lock("mutex");
    assertEquals(Optional.empty(), b.tryLock("mutex", Duration.ofMillis(300)));
    assertEquals(List.of(), server.waiters("mutex"));
    held.close();
    assertEquals(List.of(), server.holders("mutex"), "the slot went to nobody");
    assertTrue(b.tryLock("mutex", Duration.ofMillis(300)).isPresent());
  }

  @Test
  void tryLockWithTimeoutGetsASlotFreedInTime() throws Exception {
    DistributexClient a = client();
    DistributexClient b = client();
    DistributedLock held = a.lock("mutex");
    Future<Optional<DistributedLock>> waiting = threads.submit(() -> b.tryLock("mutex", Duration.ofSeconds(PATIENCE)));
    eventually("b queued", () -> server.waiters("mutex").contains(b.identity()));
    held.close();
    DistributedLock got = waiting.get(PATIENCE, TimeUnit.SECONDS).orElseThrow();
    assertTrue(got.isHeld());
    assertEquals(List.of(b.identity()), server.holders("mutex"));
    got.close();
  }

  @Test
  void tryLockWithTimeoutAlsoWaitsForTheClientsOwnTurn() throws Exception {
    DistributexClient a = client();
    DistributedLock held = a.lock("mutex");
    assertEquals(Optional.empty(), a.tryLock("mutex", Duration.ofMillis(200)));
    Future<Optional<DistributedLock>> waiting = threads.submit(() -> a.tryLock("mutex", Duration.ofSeconds(PATIENCE)));
    Thread.sleep(50);
    held.close();
    DistributedLock got = waiting.get(PATIENCE, TimeUnit.SECONDS).orElseThrow();
    assertNotEquals(held.token(), got.token());
    got.close();
  }

  @Test
  void cancellingLockAsyncLeavesTheQueue() throws Exception {
    DistributexClient a = client();
    DistributexClient b = client();
    DistributedLock held = a.lock("mutex");
    CompletableFuture<DistributedLock> waiting = b.lockAsync("mutex");
    eventually("b queued", () -> server.waiters("mutex").contains(b.identity()));
    assertTrue(waiting.cancel(true));
    eventually("b left the queue", () -> server.waiters("mutex").isEmpty());
    held.close();
    assertEquals(List.of(), server.holders("mutex"));
    // b can queue again: its local turn was given back
    DistributedLock again = b.lockAsync("mutex").get(PATIENCE, TimeUnit.SECONDS);
    assertEquals(List.of(b.identity()), server.holders("mutex"));
    again.close();
  }

  @Test
  void cancellingWhileWaitingForTheLocalTurnLetsTheNextCallerGo() throws Exception {
    DistributexClient a = client();
    DistributedLock held = a.lock("mutex");
    CompletableFuture<DistributedLock> second = a.lockAsync("mutex");
    CompletableFuture<DistributedLock> third = a.lockAsync("mutex");
    second.cancel(false);
    held.close();
    DistributedLock got = third.get(PATIENCE, TimeUnit.SECONDS);
    assertTrue(got.isHeld());
    got.close();
  }

  @Test
  void interruptingLockLeavesTheQueueAndThrows() throws Exception {
    DistributexClient a = client();
    DistributexClient b = client();
    DistributedLock held = a.lock("mutex");
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread waiter =
        new Thread(
            () -> {
              try {
                b.lock("mutex").close();
              } catch (Throwable t) {
                thrown.set(t);
              }
            });
    waiter.start();
    eventually("b queued", () -> server.waiters("mutex").contains(b.identity()));
    waiter.interrupt();
    waiter.join(TimeUnit.SECONDS.toMillis(PATIENCE));
    assertFalse(waiter.isAlive());
    assertInstanceOf(InterruptedException.class, thrown.get());
    assertEquals(List.of(), server.waiters("mutex"), "left the queue before throwing");
    held.close();
    assertEquals(List.of(), server.holders("mutex"));
    assertTrue(b.tryLock("mutex").isPresent(), "b's local turn was given back");
  }

  @Test
  void closingTheClientReleasesItsLocksAndEndsItsWaits() throws Exception {
    DistributexClient a = builder().server(server.uri()).build();
    DistributexClient b = builder().server(server.uri()).build();
    DistributedLock held = a.lock("mutex");
    CompletableFuture<DistributedLock> waiting = b.lockAsync("mutex");
    eventually("b queued", () -> server.waiters("mutex").contains(b.identity()));
    b.close();
    ExecutionException failed = assertThrows(ExecutionException.class, () -> waiting.get(PATIENCE, TimeUnit.SECONDS));
    assertInstanceOf(IllegalStateException.class, failed.getCause());
    assertEquals(List.of(), server.waiters("mutex"));
    a.close();
    assertFalse(held.isHeld());
    assertEquals(List.of(), server.holders("mutex"));
    assertThrows(IllegalStateException.class, () -> a.lock("mutex"));
    a.close();
  }

  @Test
  void closeReleasesOnceFromAnyThread() throws Exception {
    DistributexClient a = client();
    DistributedLock held = a.lock("mutex");
    assertTrue(held.isHeld());
    threads.submit(held::close).get(PATIENCE, TimeUnit.SECONDS);
    assertFalse(held.isHeld());
    held.close();
    assertEquals(List.of(), server.holders("mutex"));
    DistributedLock next = client().lock("mutex");
    held.close(); // a late second close must not release the next holder's slot
    assertEquals(1, server.holders("mutex").size());
    next.close();
  }

  @Test
  void aLockKnowsItsPoolTokenAndExpiry() throws Exception {
    DistributexClient a = client();
    DistributedLock first = a.lock("mutex");
    assertEquals("mutex", first.pool());
    assertTrue(first.token() > 0);
    assertEquals(List.of(first.token()), server.tokens("mutex"));
    assertTrue(first.expiresAt().isPresent());
    first.close();
    DistributedLock second = a.lock("mutex");
    assertTrue(second.token() > first.token(), "tokens increase");
    second.close();
    assertTrue(second.toString().contains("token=" + second.token()), second.toString());
  }

  @Test
  void oneClientHoldsDifferentPoolsAtOnce() throws Exception {
    DistributexClient a = client();
    try (DistributedLock one = a.lock("mutex");
        DistributedLock two = a.lock("other")) {
      assertEquals(List.of(one.token()), server.tokens("mutex"));
      assertEquals(List.of(two.token()), server.tokens("other"));
      assertEquals(List.of(a.identity()), server.holders("other"));
    }
  }

  @Test
  void lockAsyncCompletesWithTheLock() throws Exception {
    DistributedLock lock = client().lockAsync("mutex").get(PATIENCE, TimeUnit.SECONDS);
    assertTrue(lock.isHeld());
    lock.close();
  }

  @Test
  void everyClientHasItsOwnIdentityUnlessToldOtherwise() throws Exception {
    DistributexClient a = client();
    DistributexClient b = client();
    assertNotEquals(a.identity(), b.identity());
    String host = Identity.hostName();
    assertTrue(a.identity().startsWith(host + "#"), a.identity());
    DistributexClient plain = builder().server(server.uri()).hostIdentity().build();
    clients.add(plain);
    assertEquals(host, plain.identity());
  }

  @Test
  void namesAreUrlEncoded() throws Exception {
    String odd = "web 1&pool=x#?/%+é";
    DistributexClient client = builder().server(server.uri()).identity(odd).build();
    clients.add(client);
    try (DistributedLock lock = client.lock("mutex")) {
      assertEquals(List.of(odd), server.holders("mutex"));
      assertTrue(lock.isHeld());
    }
    assertEquals(List.of(), server.holders("mutex"));
  }

  @Test
  void aCancelledFutureNeverHoldsASlot() throws Exception {
    // Cancelling races with the grant: whichever wins, no slot may stay held.
    DistributexClient a = client();
    for (int i = 0; i < 20; i++) {
      CompletableFuture<DistributedLock> attempt = a.lockAsync("mutex");
      if (attempt.cancel(false)) {
        assertThrows(CancellationException.class, attempt::join);
      } else {
        attempt.join().close(); // the grant came first: an ordinary lock, released here
      }
      eventually("nothing held", () -> server.holders("mutex").isEmpty() && server.waiters("mutex").isEmpty());
    }
    DistributedLock last = a.lockAsync("mutex").get(PATIENCE, TimeUnit.SECONDS);
    assertEquals(List.of(a.identity()), server.holders("mutex"));
    last.close();
  }

  // ---- shared (read) locks ----

  @Test
  void readersHoldTogetherAndAWriterWaitsForThemAll() throws Exception {
    DistributedLock first = client().lockShared("mutex");
    DistributedLock second = client().tryLockShared("mutex").orElseThrow();
    assertTrue(first.isShared() && second.isShared());
    assertTrue(second.token() > first.token(), "each reader has a token of its own");
    DistributexClient writer = client();
    assertEquals(Optional.empty(), writer.tryLock("mutex"));
    CompletableFuture<DistributedLock> writing = writer.lockAsync("mutex");
    eventually("the writer queued", () -> server.waiters("mutex").equals(List.of(writer.identity())));
    assertEquals(
        Optional.empty(), client().tryLockShared("mutex", Duration.ofMillis(200)), "a reader waits behind the writer");
    first.close();
    assertFalse(writing.isDone());
    second.close();
    DistributedLock written = writing.get(TestServer.PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertFalse(written.isShared());
    assertTrue(written.toString().contains("held"), written.toString());
  }

  @Test
  void aClientHoldingExclusivelyIsRefusedASharedLock() throws Exception {
    DistributexClient client = client();
    try (DistributedLock held = client.lock("other")) {
      assertTrue(held.isHeld());
    }
    DistributexClient elsewhere = server.client().identity(client.identity()).build();
    clients.add(elsewhere);
    try (DistributedLock held = elsewhere.lock("other")) {
      InvalidRequestException refused =
          assertThrows(InvalidRequestException.class, () -> client.tryLockShared("other"));
      assertEquals(
          "host '" + client.identity() + "' holds pool 'other' in exclusive mode", refused.getMessage());
      assertTrue(held.isHeld(), "the refusal changed nothing");
    }
  }
}
