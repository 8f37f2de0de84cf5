package io.distributex.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.core.Grant;
import io.distributex.core.LockBackend;
import io.distributex.core.LockListener;
import io.distributex.core.Pool;
import io.distributex.core.Release;
import io.distributex.core.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What every backend tells its {@link LockListener}: each grant, release, expiry and wait
 * timeout once, in the order they happened, before the waiter concerned is answered; nothing for
 * renewals, refusals or a waiter that leaves by itself. Each backend's test extends this.
 */
@Timeout(60)
public abstract class LockListenerContract {
  private static final long START = 1_764_417_600_000L;
  private static final Optional<Duration> NO_LEASE = Optional.empty();
  private static final Optional<Duration> FOREVER = Optional.empty();

  private final ManualTimeSource time = new ManualTimeSource(START);
  private final Recorder events = new Recorder();
  @RegisterExtension final OpenedBackends opened = new OpenedBackends();

  /** A fresh backend serving {@code pools}, reading time from {@code time}, telling {@code listener}. */
  protected abstract LockBackend newBackend(List<Pool> pools, TimeSource time, LockListener listener);

  private LockBackend backend(long expireSeconds, LockListener listener) {
    Pool pool = new Pool("p", Duration.ofSeconds(expireSeconds), 1, Set.of(), false);
    return opened.add(newBackend(List.of(pool), time, listener));
  }

  @Test
  void aGrantAtOnceIsToldWithoutAWaitAndARenewalIsNotAGrant() {
    LockBackend backend = backend(300, events);
    Grant grant = backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    backend.acquire("p", "a", NO_LEASE, FOREVER).join().orElseThrow();
    backend.renew("p", "a", OptionalLong.empty()).orElseThrow();
    backend.tryAcquire("p", "b", NO_LEASE);
    assertEquals(List.of("granted p a at once"), events.all());
    assertEquals(List.of(grant.token()), events.tokens());
  }

  @Test
  void aReleaseThatHandsOverIsToldBeforeTheWaiterIsAnswered() {
    LockBackend backend = backend(300, events);
    Grant first = backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    CompletableFuture<Optional<Grant>> b = backend.acquire("p", "b", NO_LEASE, FOREVER);
    CompletableFuture<List<String>> seenByB = b.thenApply(granted -> events.all());
    time.advance(2_500);
    backend.release("p", "a", OptionalLong.empty());
    Grant second = b.join().orElseThrow();
    List<String> expected =
        List.of("granted p a at once", "released p a", "granted p b after 2500 ms");
    assertEquals(expected, events.all());
    assertEquals(expected, seenByB.join(), "the events come before the answer");
    assertEquals(List.of(first.token(), first.token(), second.token()), events.tokens());
  }

  @Test
  void anExpiryIsToldAndHandsOverWithTheTimeWaited() {
    LockBackend backend = backend(10, events);
    backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    time.advance(4_000);
    CompletableFuture<Optional<Grant>> b = backend.acquire("p", "b", NO_LEASE, FOREVER);
    time.advance(6_000);
    assertTrue(b.join().isPresent());
    assertEquals(
        List.of("granted p a at once", "expired p a", "granted p b after 6000 ms"), events.all());
  }

  @Test
  void aWaitThatTimesOutIsToldOnce() {
    LockBackend backend = backend(300, events);
    backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    CompletableFuture<Optional<Grant>> b =
        backend.acquire("p", "b", NO_LEASE, Optional.of(Duration.ofSeconds(5)));
    time.advance(5_000);
    assertEquals(Optional.empty(), b.join());
    time.advance(5_000);
    assertEquals(List.of("granted p a at once", "timed out p b"), events.all());
  }

  @Test
  void leavingTheQueueRefusalsAndMismatchedTokensAreNoEvents() {
    LockBackend backend = backend(300, events);
    Grant grant = backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    assertEquals(Release.TOKEN_MISMATCH, backend.release("p", "a", OptionalLong.of(grant.token() + 1)));
    assertEquals(Release.NOT_HELD, backend.release("p", "x", OptionalLong.empty()));
    backend.acquire("p", "b", NO_LEASE, FOREVER);
    assertEquals(Release.LEFT_QUEUE, backend.release("p", "b", OptionalLong.empty()));
    assertTrue(backend.acquire("p", "c", NO_LEASE, FOREVER).cancel(true));
    backend.acquire("p", "d", NO_LEASE, FOREVER);
    backend.acquire("p", "d", NO_LEASE, FOREVER); // takes over its own place
    assertEquals(List.of("granted p a at once"), events.all());
  }

  @Test
  void aListenerThatThrowsNeitherStopsAnswersNorChangesTheLocks() {
    LockListener failing =
        new LockListener() {
          @Override
          public void granted(Grant grant, Optional<Duration> waited) {
            throw new IllegalStateException("a broken listener");
          }
        };
    LockBackend backend = backend(300, failing.andThen(events));
    backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    CompletableFuture<Optional<Grant>> b = backend.acquire("p", "b", NO_LEASE, FOREVER);
    backend.release("p", "a", OptionalLong.empty());
    assertEquals("b", b.join().orElseThrow().host());
    assertEquals(List.of("released p a"), events.all(), "the listener after the broken one");
  }

  /** Writes each event as a line; keeps the tokens apart, since they come from the clock. */
  private static final class Recorder implements LockListener {
    private final List<String> lines = new ArrayList<>();
    private final List<Long> tokens = new ArrayList<>();

    @Override
    public synchronized void granted(Grant grant, Optional<Duration> waited) {
      String how = waited.map(w -> "after " + w.toMillis() + " ms").orElse("at once");
      add("granted " + grant.pool() + " " + grant.host() + " " + how, grant.token());
    }

    @Override
    public synchronized void released(Grant grant) {
      add("released " + grant.pool() + " " + grant.host(), grant.token());
    }

    @Override
    public synchronized void expired(Grant grant) {
      add("expired " + grant.pool() + " " + grant.host(), grant.token());
    }

    @Override
    public synchronized void waitTimedOut(String pool, String host) {
      lines.add("timed out " + pool + " " + host);
    }

    private void add(String line, long token) {
      lines.add(line);
      tokens.add(token);
    }

    synchronized List<String> all() {
      return List.copyOf(lines);
    }

    synchronized List<Long> tokens() {
      return List.copyOf(tokens);
    }
  }
}
