package io.distributex.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.testing.ManualTimeSource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The in-memory backend across restarts of its JVM, and with a journal that cannot write. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InMemoryJournalTest {
  private static final long START = 1_764_417_600_000L;
  private static final Optional<Duration> NO_LEASE = Optional.empty();

  @TempDir Path dir;
  private final ManualTimeSource time = new ManualTimeSource(START);

  private static Pool pool(String name, long lockDelaySeconds) {
    return new Pool(name, Duration.ofSeconds(300), 2, Set.of(), false, Duration.ofSeconds(lockDelaySeconds));
  }

  private InMemoryBackend open(Pool... pools) {
    return InMemoryBackend.builder().pools(List.of(pools)).timeSource(time).journal(dir.resolve("journal")).build();
  }

  @Test
  void holdsComeBackWithTheirTokensAndDeadlinesAndTokensGoOnGrowing() {
    Grant a;
    Grant b;
    try (InMemoryBackend backend = open(pool("p", 0))) {
      a = backend.tryAcquire("p", "a", Optional.of(Duration.ofSeconds(60))).orElseThrow();
      b = backend.tryAcquire("p", "b", Optional.of(Duration.ofSeconds(30))).orElseThrow();
      time.advance(1_000);
      b = backend.renew("p", "b", OptionalLong.empty()).orElseThrow();
      backend.acquire("p", "w", NO_LEASE, Optional.empty()); // a waiter: not restored
    }
    try (InMemoryBackend backend = open(pool("p", 0))) {
      PoolSnapshot restored = backend.snapshot().get(0);
      assertEquals(List.of(a, b), restored.holders());
      assertEquals(List.of(), restored.waiters());
      backend.release("p", "a", OptionalLong.of(a.token()));
      Grant next = backend.tryAcquire("p", "c", NO_LEASE).orElseThrow();
      assertTrue(next.token() > b.token(), "token " + next.token() + " after " + b.token());
      time.advance(60_000);
      assertEquals(List.of("c"), hosts(backend), "b's restored deadline still ends it");
    }
  }

  @Test
  void aHoldWhoseDeadlinePassedWhileDownHasEndedAndItsLockDelayCountsFromTheDeadline() {
    try (InMemoryBackend backend = open(pool("p", 30))) {
      backend.tryAcquire("p", "a", Optional.of(Duration.ofSeconds(10))).orElseThrow();
    }
    time.jumpWallClock(20_000); // down for 20 s: a's deadline passed 10 s ago
    try (InMemoryBackend backend = open(pool("p", 30))) {
      PoolSnapshot restored = backend.snapshot().get(0);
      assertEquals(List.of(), restored.holders());
      assertEquals(Optional.of(Instant.ofEpochMilli(START + 10_000 + 30_000)), restored.closedUntil());
      backend.tryAcquire("p", "b", NO_LEASE).orElseThrow(); // the other slot of two
      assertEquals(Optional.empty(), backend.tryAcquire("p", "c", NO_LEASE), "a's slot is closed");
    }
  }

  @Test
  void aSlotClosedByLockDelayStaysClosedAcrossARestart() {
    try (InMemoryBackend backend = open(pool("p", 30))) {
      backend.tryAcquire("p", "a", Optional.of(Duration.ofSeconds(10))).orElseThrow();
      time.advance(10_000);
      assertEquals(Optional.of(Instant.ofEpochMilli(START + 40_000)), backend.snapshot().get(0).closedUntil());
    }
    try (InMemoryBackend backend = open(pool("p", 30))) {
      assertEquals(Optional.of(Instant.ofEpochMilli(START + 40_000)), backend.snapshot().get(0).closedUntil());
    }
  }

  @Test
  void holdsOfAPoolNoLongerConfiguredAreDropped() {
    try (InMemoryBackend backend = open(pool("p", 0), pool("gone", 0))) {
      backend.tryAcquire("gone", "a", NO_LEASE).orElseThrow();
    }
    try (InMemoryBackend backend = open(pool("p", 0))) {
      assertEquals(List.of("p"), List.copyOf(backend.pools().keySet()));
    }
    try (InMemoryBackend backend = open(pool("p", 0), pool("gone", 0))) {
      assertEquals(List.of(), backend.snapshot().get(1).holders(), "dropped for good, not kept aside");
    }
  }

  @Test
  void aJournalThatCannotWriteRefusesEveryChangeTellsNoWaiterYesAndRecovers() throws Exception {
    AtomicBoolean full = new AtomicBoolean();
    Journal journal =
        Journal.open(dir.resolve("journal"), time, path -> new FailingChannel(Journal.Channels.FILES.open(path), full));
    InMemoryPool pool =
        new InMemoryPool(pool("p", 0), time, new io.distributex.core.spi.TokenSequence(time),
            new io.distributex.core.spi.WaiterLimit(100), LockListener.NONE, new PoolJournal(journal, "p"));
    pool.tryAcquire("a", Mode.EXCLUSIVE, NO_LEASE).orElseThrow();
    pool.tryAcquire("b", Mode.EXCLUSIVE, NO_LEASE).orElseThrow();
    CompletableFuture<Optional<Grant>> waiting = pool.acquire("w", Mode.EXCLUSIVE, NO_LEASE, Optional.empty());

    full.set(true);
    JournalUnavailableException refused =
        assertThrows(JournalUnavailableException.class, () -> pool.release("a", OptionalLong.empty()));
    assertTrue(refused.getMessage().contains("No space left on device"), refused.getMessage());
    ExecutionException told = assertThrows(ExecutionException.class, () -> waiting.get(5, TimeUnit.SECONDS));
    assertTrue(told.getCause() instanceof JournalUnavailableException, "w is told the failure, never YES");
    time.advance(0); // the grant nobody was told of is taken back on the timer's thread
    assertEquals(List.of("b"), pool.snapshot().holders().stream().map(Grant::host).toList(),
        "the grant that could not be written was taken back");
    assertThrows(JournalUnavailableException.class, () -> pool.tryAcquire("c", Mode.EXCLUSIVE, NO_LEASE));
    assertThrows(JournalUnavailableException.class, journal::checkAvailable);

    full.set(false);
    JournalTest.awaitAvailable(journal);
    assertEquals("c", pool.tryAcquire("c", Mode.EXCLUSIVE, NO_LEASE).orElseThrow().host());
    pool.close();
    journal.close();
    assertFalse(waiting.isCancelled());
    // What failed to be written while the disk was full was written once it could be, in order:
    // a's release (answered with the error, done in memory) is not undone by a restart.
    try (Journal reopened = Journal.open(dir.resolve("journal"), time)) {
      assertEquals(List.of("b", "c"), reopened.state().holds("p").stream().map(JournalRecord.Held::host).toList());
    }
  }

  @Test
  void aCompactionWhoseNewFileCannotBeOpenedMakesTheJournalUnavailableAndLosesNothing() throws Exception {
    AtomicBoolean failReopen = new AtomicBoolean();
    Path file = dir.resolve("journal");
    Journal.Channels channels =
        path -> {
          if (failReopen.get() && path.equals(file)) {
            throw new java.io.IOException("Too many open files");
          }
          return Journal.Channels.FILES.open(path);
        };
    try (Journal journal = Journal.open(file, time, channels)) {
      failReopen.set(true);
      for (int token = 1; token <= 3_000; token++) { // enough for a compaction, one record a batch
        journal.append(new JournalRecord.Held("p", "h" + (token % 3), Mode.EXCLUSIVE, token, 0, 60_000, Long.MAX_VALUE - 1))
            .await();
        try {
          journal.checkAvailable();
        } catch (JournalUnavailableException afterTheRename) {
          break;
        }
      }
      assertThrows(JournalUnavailableException.class, journal::checkAvailable);
      assertThrows(JournalUnavailableException.class,
          () -> journal.append(new JournalRecord.Held("p", "lost?", Mode.EXCLUSIVE, 9_999, 0, 60_000, Long.MAX_VALUE - 1)).await());
      failReopen.set(false);
      JournalTest.awaitAvailable(journal);
      journal.append(new JournalRecord.Held("p", "after", Mode.EXCLUSIVE, 10_000, 0, 60_000, Long.MAX_VALUE - 1)).await();
    }
    try (Journal reopened = Journal.open(file, time)) {
      List<String> hosts = reopened.state().holds("p").stream().map(JournalRecord.Held::host).toList();
      assertTrue(hosts.containsAll(List.of("lost?", "after")), "kept: " + hosts);
      assertEquals(10_000, reopened.state().maxToken());
    }
  }

  private static List<String> hosts(LockBackend backend) {
    return backend.snapshot().get(0).holders().stream().map(Grant::host).toList();
  }
}
