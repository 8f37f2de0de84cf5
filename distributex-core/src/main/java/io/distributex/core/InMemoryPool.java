package io.distributex.core;

import io.distributex.core.spi.PendingAcquire;
import io.distributex.core.spi.PoolState;
import io.distributex.core.spi.TokenSequence;
import io.distributex.core.spi.WaiterLimit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One pool of {@link InMemoryBackend}: its holders and its FIFO queue under one lock.
 *
 * <p>Invariant, true whenever the lock is free: the queue is empty or every slot is held. Every
 * change that frees a slot ends in {@link #handOff}, which grants the head of the queue at once.
 * Futures are completed only after the lock is released (their callbacks write HTTP answers),
 * which is why each operation collects its completions in a list run after unlocking.
 */
final class InMemoryPool implements PoolState {
  private final Pool pool;
  private final TimeSource time;
  private final TokenSequence tokens;
  private final WaiterLimit waiterLimit;
  private final LockListener listener;
  private final LinkedHashMap<String, InMemoryGrant> holders = new LinkedHashMap<>();
  private final LinkedHashMap<String, QueuedWait> queue = new LinkedHashMap<>();
  private boolean closed;

  InMemoryPool(
      Pool pool, TimeSource time, TokenSequence tokens, WaiterLimit waiterLimit, LockListener listener) {
    this.pool = pool;
    this.time = time;
    this.tokens = tokens;
    this.waiterLimit = waiterLimit;
    this.listener = listener;
  }

  @Override
  public Pool pool() {
    return pool;
  }

  @Override
  public Optional<Grant> tryAcquire(String host, Optional<Duration> lease) {
    return locked(after -> tryAcquireLocked(host, lease, after));
  }

  @Override
  public CompletableFuture<Optional<Grant>> acquire(
      String host, Optional<Duration> lease, Optional<Duration> timeout) {
    return locked(
        after -> {
          Optional<Grant> now = tryAcquireLocked(host, lease, after);
          if (now.isPresent() || timeout.filter(Duration::isZero).isPresent()) {
            return CompletableFuture.completedFuture(now);
          }
          QueuedWait previous = queue.get(host);
          long since = time.currentTimeMillis();
          if (previous == null) {
            waiterLimit.reserve();
          } else {
            // The host keeps its place (and its time in line); its earlier request answers no.
            since = previous.since();
            previous.timeout().cancel();
            after.add(() -> previous.future().complete(Optional.empty()));
          }
          PendingAcquire future = new PendingAcquire(pending -> leave(host, pending, false));
          TimeSource.Cancellable timer =
              timeout.isEmpty()
                  ? () -> {}
                  : time.schedule(() -> leave(host, future, true), timeout.get().toMillis());
          queue.put(host, new QueuedWait(future, lease, since, timer));
          return future;
        });
  }

  private Optional<Grant> tryAcquireLocked(
      String host, Optional<Duration> lease, List<Runnable> after) {
    InMemoryGrant held = holders.get(host);
    if (held != null) {
      return Optional.of(renewed(held, pool.holdPeriod(lease)).grant(pool));
    }
    if (holders.size() < pool.maxlocks() && queue.isEmpty()) {
      Grant grant = grant(host, pool.holdPeriod(lease)).grant(pool);
      after.add(() -> listener.granted(grant, Optional.empty()));
      return Optional.of(grant);
    }
    return Optional.empty();
  }

  @Override
  public Release release(String host, OptionalLong token) {
    return locked(
        after -> {
          InMemoryGrant held = holders.get(host);
          if (held != null) {
            if (token.isPresent() && token.getAsLong() != held.token()) {
              return Release.TOKEN_MISMATCH;
            }
            Grant released = held.grant(pool);
            after.add(() -> listener.released(released));
            end(held, after);
            return Release.RELEASED;
          }
          QueuedWait queued = queue.remove(host);
          if (queued != null) {
            dequeued(queued, after);
            return Release.LEFT_QUEUE;
          }
          return Release.NOT_HELD;
        });
  }

  @Override
  public Optional<Grant> renew(String host, OptionalLong token) {
    return locked(
        after -> {
          InMemoryGrant held = holders.get(host);
          if (held == null || (token.isPresent() && token.getAsLong() != held.token())) {
            return Optional.empty();
          }
          return Optional.of(renewed(held, held.period()).grant(pool));
        });
  }

  @Override
  public boolean withdraw(String host, long token) {
    return locked(
        after -> {
          InMemoryGrant held = holders.get(host);
          if (held == null || held.token() != token || held.claimed()) {
            return false;
          }
          Grant withdrawn = held.grant(pool);
          after.add(() -> listener.released(withdrawn));
          end(held, after);
          return true;
        });
  }

  @Override
  public boolean isCurrent(long token) {
    return locked(after -> holders.values().stream().anyMatch(hold -> hold.token() == token));
  }

  @Override
  public PoolSnapshot snapshot() {
    return locked(
        after -> {
          List<Grant> grants = new ArrayList<>(holders.size());
          holders.values().forEach(hold -> grants.add(hold.grant(pool)));
          List<Waiter> waiters = new ArrayList<>(queue.size());
          queue.forEach(
              (host, queued) -> waiters.add(new Waiter(host, Instant.ofEpochMilli(queued.since()))));
          return new PoolSnapshot(pool, grants, waiters);
        });
  }

  @Override
  public void close() {
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      holders.values().forEach(hold -> hold.expiry().cancel());
      for (QueuedWait queued : queue.values()) {
        queued.timeout().cancel();
        waiterLimit.free();
        after.add(() -> queued.future().completeExceptionally(new BackendClosedException()));
      }
      queue.clear();
    }
    after.forEach(Runnable::run);
  }

  /**
   * Takes {@code host} out of the queue if {@code future} still stands for its place, answering
   * it with empty when it {@code timedOut}; false when it no longer does (granted, answered,
   * taken over, or the backend closed).
   */
  private boolean leave(String host, CompletableFuture<Optional<Grant>> future, boolean timedOut) {
    List<Runnable> after = new ArrayList<>(1);
    synchronized (this) {
      QueuedWait queued = queue.get(host);
      if (closed || queued == null || queued.future() != future) {
        return false;
      }
      queue.remove(host);
      queued.timeout().cancel();
      waiterLimit.free();
      if (timedOut) {
        after.add(() -> listener.waitTimedOut(pool.name(), host));
        after.add(() -> future.complete(Optional.empty()));
      }
    }
    after.forEach(Runnable::run);
    return true;
  }

  /** Ends the hold unless it was released, regranted or renewed to a later deadline since. */
  private void expire(String host, long token, long deadline) {
    List<Runnable> after = new ArrayList<>(1);
    synchronized (this) {
      InMemoryGrant held = holders.get(host);
      if (closed || held == null || held.token() != token || held.expiresAt() != deadline) {
        return;
      }
      Grant expired = held.grant(pool);
      after.add(() -> listener.expired(expired));
      end(held, after);
    }
    after.forEach(Runnable::run);
  }

  private void dequeued(QueuedWait queued, List<Runnable> after) {
    queued.timeout().cancel();
    waiterLimit.free();
    after.add(() -> queued.future().complete(Optional.empty()));
  }

  private void end(InMemoryGrant hold, List<Runnable> after) {
    hold.expiry().cancel();
    holders.remove(hold.host());
    handOff(after);
  }

  /** Grants free slots to the head of the queue, in order, until slots or waiters run out. */
  private void handOff(List<Runnable> after) {
    Iterator<Map.Entry<String, QueuedWait>> first = queue.entrySet().iterator();
    while (holders.size() < pool.maxlocks() && first.hasNext()) {
      Map.Entry<String, QueuedWait> next = first.next();
      first.remove();
      String host = next.getKey();
      QueuedWait queued = next.getValue();
      queued.timeout().cancel();
      waiterLimit.free();
      Grant grant = grant(host, pool.holdPeriod(queued.lease())).grant(pool);
      Duration waited = Duration.ofMillis(grant.acquired().toEpochMilli() - queued.since());
      after.add(
          () -> {
            listener.granted(grant, Optional.of(waited));
            if (!queued.future().complete(Optional.of(grant))) {
              // Completed from outside, not by cancel(): this request takes no slot, pass it
              // on unless another request of the host has claimed it meanwhile.
              withdraw(host, grant.token());
            }
          });
    }
  }

  private InMemoryGrant grant(String host, Duration period) {
    return schedule(new InMemoryGrant(host, tokens.next(), time.currentTimeMillis(), period));
  }

  private InMemoryGrant renewed(InMemoryGrant held, Duration period) {
    held.expiry().cancel();
    return schedule(held.renewed(time.currentTimeMillis(), period));
  }

  private InMemoryGrant schedule(InMemoryGrant hold) {
    InMemoryGrant scheduled = hold;
    if (hold.expires()) {
      scheduled =
          hold.withExpiry(
              time.schedule(
                  () -> expire(hold.host(), hold.token(), hold.expiresAt()), hold.period().toMillis()));
    }
    holders.put(hold.host(), scheduled);
    return scheduled;
  }

  private <T> T locked(Function<List<Runnable>, T> body) {
    List<Runnable> after = new ArrayList<>(2);
    T result;
    synchronized (this) {
      if (closed) {
        throw new BackendClosedException();
      }
      result = body.apply(after);
    }
    after.forEach(Runnable::run);
    return result;
  }
}
