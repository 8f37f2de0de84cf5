package io.distributex.server;

import io.distributex.core.Grant;
import io.distributex.core.LockBackend;
import io.distributex.core.Mode;
import io.distributex.core.Pool;
import io.distributex.core.PoolSnapshot;
import io.distributex.core.Release;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A real backend whose queued acquires are told of their grants only when the test opens the
 * gate: the backend has granted the slot, but the server's answer to that wait comes later, after
 * whatever the test does meanwhile. Every give-back of a grant the server makes on its own (a
 * withdraw, or a release with a token) is recorded, so a test can wait for it instead of sleeping.
 */
final class GatedBackend implements LockBackend {
  /** A give-back the server asked for, and what it did. */
  record GiveBack(String call, String host, long token, String outcome) {}

  private final LockBackend real;
  private final CompletableFuture<Void> gate = new CompletableFuture<>();
  private volatile RuntimeException nextWaitFailure;
  final BlockingQueue<GiveBack> giveBacks = new LinkedBlockingQueue<>();

  GatedBackend(LockBackend real) {
    this.real = real;
  }

  /** Lets every held-back completion through, now and from now on. */
  void open() {
    gate.complete(null);
  }

  /** The next acquire returns a future already failed with {@code failure}, queueing nothing. */
  void failNextWait(RuntimeException failure) {
    nextWaitFailure = failure;
  }

  @Override
  public CompletableFuture<Optional<Grant>> acquire(
      String pool, String host, Mode mode, Optional<Duration> lease, Optional<Duration> timeout) {
    RuntimeException injected = nextWaitFailure;
    if (injected != null) {
      nextWaitFailure = null;
      return CompletableFuture.failedFuture(injected);
    }
    CompletableFuture<Optional<Grant>> waiting = real.acquire(pool, host, mode, lease, timeout);
    if (waiting.isDone() || gate.isDone()) {
      return waiting;
    }
    CompletableFuture<Optional<Grant>> gated =
        new CompletableFuture<>() {
          @Override
          public boolean cancel(boolean mayInterruptIfRunning) {
            return waiting.cancel(mayInterruptIfRunning) && super.cancel(mayInterruptIfRunning);
          }
        };
    waiting.whenComplete(
        (grant, failure) ->
            gate.thenRun(
                () -> {
                  if (failure != null) {
                    gated.completeExceptionally(failure);
                  } else if (!gated.complete(grant) && grant.isPresent()) {
                    real.withdraw(pool, host, grant.get().token());
                  }
                }));
    return gated;
  }

  @Override
  public boolean withdraw(String pool, String host, long token) {
    boolean withdrawn = real.withdraw(pool, host, token);
    giveBacks.add(new GiveBack("withdraw", host, token, Boolean.toString(withdrawn)));
    return withdrawn;
  }

  @Override
  public Release release(String pool, String host, OptionalLong token) {
    Release outcome = real.release(pool, host, token);
    if (token.isPresent()) {
      giveBacks.add(new GiveBack("release", host, token.getAsLong(), outcome.name()));
    }
    return outcome;
  }

  @Override
  public Map<String, Pool> pools() {
    return real.pools();
  }

  @Override
  public Optional<Grant> tryAcquire(String pool, String host, Mode mode, Optional<Duration> lease) {
    return real.tryAcquire(pool, host, mode, lease);
  }

  @Override
  public Optional<Grant> renew(
      String pool, String host, OptionalLong token, Optional<Duration> lease) {
    return real.renew(pool, host, token, lease);
  }

  @Override
  public boolean isCurrent(String pool, long token) {
    return real.isCurrent(pool, token);
  }

  @Override
  public List<PoolSnapshot> snapshot() {
    return real.snapshot();
  }

  @Override
  public void checkHealth() {
    real.checkHealth();
  }

  @Override
  public void close() {
    real.close();
  }
}
