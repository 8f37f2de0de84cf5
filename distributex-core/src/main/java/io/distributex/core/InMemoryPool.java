package io.distributex.core;

import io.distributex.core.spi.Occupancy;
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
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One pool of {@link InMemoryBackend}: its holders and its FIFO queue under one lock.
 *
 * <p>Invariant, true whenever the lock is free: the queue is empty or its head cannot be granted
 * (see {@link Occupancy}; a slot is closed while lock-delay keeps it). Every change that frees or
 * opens a slot, or takes a waiter out of the queue or changes its mode, ends in {@link #handOff},
 * which grants the head of the queue at once, then the next, while the pool admits them. Futures are completed only after
 * the lock is released (their callbacks write HTTP answers), and only once the operation's
 * journal records are on disk, which is why each operation collects its completions in a list
 * run after unlocking and waiting.
 */
final class InMemoryPool implements PoolState {
  private final Pool pool;
  private final TimeSource time;
  private final TokenSequence tokens;
  private final WaiterLimit waiterLimit;
  private final LockListener listener;
  private final PoolJournal journal;
  private final LinkedHashMap<String, InMemoryGrant> holders = new LinkedHashMap<>();
  private final LinkedHashMap<String, QueuedWait> queue = new LinkedHashMap<>();
  private final ClosedSlots closedSlots;
  /** The operation running under the lock: what its answers wait for. */
  private Operation current;
  private boolean closed;

  InMemoryPool(
      Pool pool,
      TimeSource time,
      TokenSequence tokens,
      WaiterLimit waiterLimit,
      LockListener listener,
      PoolJournal journal) {
    this.pool = pool;
    this.time = time;
    this.tokens = tokens;
    this.waiterLimit = waiterLimit;
    this.listener = listener;
    this.journal = journal;
    this.closedSlots = new ClosedSlots(time);
  }

  /**
   * Brings back what the journal held at start: holds still running, and slots closed by
   * lock-delay. A hold whose deadline passed while the server was down has ended, and its
   * lock-delay counts from that deadline.
   */
  synchronized void restore(List<JournalRecord.Held> holds, List<Long> closedUntil) {
    long now = time.currentTimeMillis();
    closedUntil.stream().filter(until -> until > now).forEach(this::closeSlot);
    for (JournalRecord.Held held : holds) {
      InMemoryGrant grant =
          new InMemoryGrant(held.host(), held.mode(), held.token(), held.acquired(),
              Duration.ofMillis(held.periodMs()), held.expiresAt(), true, () -> {});
      if (grant.expires() && grant.expiresAt() <= now) {
        journal.ended(grant);
        long until = grant.expiresAt() + pool.lockDelay().toMillis();
        if (until > now) {
          journal.closed(until);
          closeSlot(until);
        }
      } else {
        schedule(grant);
      }
    }
    journal.takePending();
  }

  @Override
  public Pool pool() {
    return pool;
  }

  @Override
  public Optional<Grant> tryAcquire(String host, Mode mode, Optional<Duration> lease) {
    return changing(after -> tryAcquireLocked(host, mode, lease, after));
  }

  @Override
  public CompletableFuture<Optional<Grant>> acquire(
      String host, Mode mode, Optional<Duration> lease, Optional<Duration> timeout) {
    return changing(
        after -> {
          Optional<Grant> now = tryAcquireLocked(host, mode, lease, after);
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
          queue.put(host, new QueuedWait(future, mode, lease, since, timer));
          if (previous != null) {
            handOff(after); // taken over in the other mode, the place may be admitted now
          }
          return future;
        });
  }

  private Optional<Grant> tryAcquireLocked(
      String host, Mode mode, Optional<Duration> lease, List<Runnable> after) {
    InMemoryGrant held = holders.get(host);
    if (held != null) {
      if (held.mode() != mode) {
        throw new ModeConflictException(pool.name(), host, held.mode());
      }
      return Optional.of(renewed(held, pool.holdPeriod(lease)).grant(pool));
    }
    if (queue.isEmpty() && admits(mode)) {
      Grant grant = grant(host, mode, pool.holdPeriod(lease)).grant(pool);
      current.direct = grant;
      after.add(() -> listener.granted(grant, Optional.empty()));
      return Optional.of(grant);
    }
    return Optional.empty();
  }

  @Override
  public Release release(String host, OptionalLong token) {
    return changing(
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
            handOff(after); // the places behind it may be admitted now
            return Release.LEFT_QUEUE;
          }
          return Release.NOT_HELD;
        });
  }

  @Override
  public Optional<Grant> renew(String host, OptionalLong token, Optional<Duration> lease) {
    return changing(
        after -> {
          InMemoryGrant held = holders.get(host);
          if (held == null || (token.isPresent() && token.getAsLong() != held.token())) {
            return Optional.empty();
          }
          Duration period = lease.isPresent() ? pool.holdPeriod(lease) : held.period();
          return Optional.of(renewed(held, period).grant(pool));
        });
  }

  @Override
  public boolean withdraw(String host, long token) {
    return run(after -> withdrawLocked(host, token, after), true);
  }

  private boolean withdrawLocked(String host, long token, List<Runnable> after) {
    InMemoryGrant held = holders.get(host);
    if (held == null || held.token() != token || held.claimed()) {
      return false;
    }
    Grant withdrawn = held.grant(pool);
    after.add(() -> listener.released(withdrawn));
    end(held, after);
    return true;
  }

  @Override
  public boolean isCurrent(long token) {
    return run(after -> holders.values().stream().anyMatch(hold -> hold.token() == token), false);
  }

  @Override
  public PoolSnapshot snapshot() {
    return run(
        after -> {
          List<Grant> grants = new ArrayList<>(holders.size());
          holders.values().forEach(hold -> grants.add(hold.grant(pool)));
          List<Waiter> waiters = new ArrayList<>(queue.size());
          queue.forEach(
              (host, queued) ->
                  waiters.add(new Waiter(host, Instant.ofEpochMilli(queued.since()), queued.mode())));
          Optional<Instant> closedUntil = closedSlots.lastUntil().map(Instant::ofEpochMilli);
          return new PoolSnapshot(pool, grants, waiters, closedUntil);
        },
        false);
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
    boolean[] left = {false};
    try {
      run(
          after -> {
            QueuedWait queued = queue.get(host);
            if (queued == null || queued.future() != future) {
              return null;
            }
            queue.remove(host);
            queued.timeout().cancel();
            waiterLimit.free();
            if (timedOut) {
              after.add(() -> listener.waitTimedOut(pool.name(), host));
              after.add(() -> future.complete(Optional.empty()));
            }
            left[0] = true;
            handOff(after); // the places behind it may be admitted now
            return null;
          },
          false);
    } catch (BackendClosedException | JournalUnavailableException ignored) {
      // Closed: it did not leave. Not on disk: it left; what handOff granted was answered with
      // the failure and is taken back.
    }
    return left[0];
  }

  /**
   * Ends the hold unless it was released, regranted or renewed to a later deadline since; with
   * lock-delay, its slot stays closed for that long.
   */
  private void expire(String host, long token, long deadline) {
    timed(
        after -> {
          InMemoryGrant held = holders.get(host);
          if (held == null || held.token() != token || held.expiresAt() != deadline) {
            return;
          }
          if (!pool.lockDelay().isZero()) {
            // From now, by this server's clocks: the hold just ended, whatever the wall says.
            long until = time.currentTimeMillis() + pool.lockDelay().toMillis();
            journal.closed(until);
            closeSlot(until);
          }
          Grant expired = held.grant(pool);
          after.add(() -> listener.expired(expired));
          end(held, after);
        });
  }

  /** Lock-delay is over for a slot: it goes to the next waiter. */
  private void reopen() {
    timed(this::handOff);
  }

  private void closeSlot(long until) {
    time.schedule(this::reopen, closedSlots.close(until));
  }

  private boolean admits(Mode mode) {
    return occupancy().admits(pool, mode);
  }

  private Occupancy occupancy() {
    return Occupancy.of(holders.values(), InMemoryGrant::mode, closedSlots.closedNow());
  }

  private void dequeued(QueuedWait queued, List<Runnable> after) {
    queued.timeout().cancel();
    waiterLimit.free();
    after.add(() -> queued.future().complete(Optional.empty()));
  }

  private void end(InMemoryGrant hold, List<Runnable> after) {
    hold.expiry().cancel();
    holders.remove(hold.host());
    journal.ended(hold);
    handOff(after);
  }

  /** Grants the head of the queue, in order, until the pool cannot admit the next one. */
  private void handOff(List<Runnable> after) {
    Operation operation = current;
    Iterator<Map.Entry<String, QueuedWait>> first = queue.entrySet().iterator();
    Occupancy occupancy = occupancy(); // counted once: readers granted together cost one pass
    while (first.hasNext()) {
      Map.Entry<String, QueuedWait> next = first.next();
      QueuedWait queued = next.getValue();
      if (!occupancy.admits(pool, queued.mode())) {
        return;
      }
      occupancy = occupancy.with(queued.mode());
      first.remove();
      String host = next.getKey();
      queued.timeout().cancel();
      waiterLimit.free();
      Grant grant = grant(host, queued.mode(), pool.holdPeriod(queued.lease())).grant(pool);
      Duration waited = Duration.ofMillis(grant.acquired().toEpochMilli() - queued.since());
      after.add(
          () -> {
            if (operation.failure != null) {
              // Not on disk: the waiter must not be told YES, and nobody else knows of the grant.
              // Taken back on the timer's thread: taking it back hands the slot on, and with the
              // journal still failing that fails again, once per waiter; not in this stack.
              queued.future().completeExceptionally(operation.failure);
              time.schedule(() -> withdrawQuietly(host, grant.token()), 0);
              return;
            }
            listener.granted(grant, Optional.of(waited));
            if (!queued.future().complete(Optional.of(grant))) {
              // Completed from outside, not by cancel(): this request takes no slot, pass it
              // on unless another request of the host has claimed it meanwhile.
              withdraw(host, grant.token());
            }
          });
    }
  }

  private InMemoryGrant grant(String host, Mode mode, Duration period) {
    InMemoryGrant granted =
        schedule(new InMemoryGrant(host, mode, tokens.next(), time.currentTimeMillis(), period));
    journal.held(granted);
    return granted;
  }

  private InMemoryGrant renewed(InMemoryGrant held, Duration period) {
    held.expiry().cancel();
    InMemoryGrant renewed = schedule(held.renewed(time.currentTimeMillis(), period));
    journal.held(renewed);
    return renewed;
  }

  private InMemoryGrant schedule(InMemoryGrant hold) {
    InMemoryGrant scheduled = hold;
    if (hold.expires()) {
      scheduled =
          hold.withExpiry(
              time.schedule(
                  () -> expire(hold.host(), hold.token(), hold.expiresAt()),
                  hold.expiresAt() - time.currentTimeMillis()));
    }
    holders.put(hold.host(), scheduled);
    return scheduled;
  }

  private void withdrawQuietly(String host, long token) {
    try {
      run(after -> withdrawLocked(host, token, after), false);
    } catch (RuntimeException failed) {
      // Closing, or the journal still failing: the hold then ends with its lease or expire.
    }
  }

  /**
   * A call that changes the pool: refused at once while the journal cannot write; answered only
   * once its records are on disk. A grant whose record could not be written is taken back and the
   * call fails with {@link JournalUnavailableException}.
   */
  private <T> T changing(Function<List<Runnable>, T> body) {
    return run(body, true);
  }

  /** A deadline's change (expiry, reopening): it happens whatever the journal does. */
  private void timed(Consumer<List<Runnable>> body) {
    try {
      run(
          after -> {
            body.accept(after);
            return null;
          },
          false);
    } catch (BackendClosedException | JournalUnavailableException ignored) {
      // Closed: nothing more to do. Not on disk: a hold past its deadline has ended at a restart
      // anyway; the grants it made were answered with the failure.
    }
  }

  private <T> T run(Function<List<Runnable>, T> body, boolean refuseWhileUnavailable) {
    List<Runnable> after = new ArrayList<>(2);
    Operation operation = new Operation();
    T result;
    synchronized (this) {
      if (closed) {
        throw new BackendClosedException();
      }
      if (refuseWhileUnavailable) {
        journal.checkAvailable();
      }
      current = operation;
      try {
        result = body.apply(after);
      } finally {
        current = null;
        operation.batches = journal.takePending();
      }
    }
    operation.awaitDisk();
    after.forEach(Runnable::run);
    if (operation.failure != null) {
      if (operation.direct != null) {
        withdrawQuietly(operation.direct.host(), operation.direct.token());
      }
      throw operation.failure;
    }
    return result;
  }

  /** One call's journal batches, whether they reached the disk, and the grant it made directly. */
  private static final class Operation {
    List<Journal.Batch> batches = List.of();
    JournalUnavailableException failure;
    Grant direct;

    void awaitDisk() {
      for (Journal.Batch batch : batches) {
        try {
          batch.await();
        } catch (JournalUnavailableException failed) {
          failure = failed;
        }
      }
    }
  }
}
