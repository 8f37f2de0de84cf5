package io.distributex.core.shared;

import io.distributex.core.BackendClosedException;
import io.distributex.core.BackendUnavailableException;
import io.distributex.core.Grant;
import io.distributex.core.LockListener;
import io.distributex.core.Mode;
import io.distributex.core.Pool;
import io.distributex.core.PoolSnapshot;
import io.distributex.core.Release;
import io.distributex.core.TimeSource;
import io.distributex.core.TooManyWaitersException;
import io.distributex.core.Waiter;
import io.distributex.core.shared.PoolValues.Proposal;
import io.distributex.core.shared.PoolValues.Written;
import io.distributex.core.shared.StoredPool.StoredGrant;
import io.distributex.core.shared.StoredPool.StoredWait;
import io.distributex.core.spi.PendingAcquire;
import io.distributex.core.spi.PoolState;
import io.distributex.core.spi.WaiterLimit;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One pool of a {@link SharedStateBackend} as this server sees it: the shared state lives in the
 * store; this object holds only this server's waiting requests and its timers.
 *
 * <p>How a wait ends: every committed change and every poll is followed by {@link #settle},
 * which compares the stored state with the local waits. A wait whose id appears among the
 * holders, delivered, is answered yes; one that appears nowhere, in the same epoch, was taken
 * over, released or timed out, and is answered no. A grant made by another server to one of our
 * waits is confirmed by our next write (every write confirms our grants and renews our places),
 * and the poll makes sure that write comes within one poll interval.
 */
final class SharedStatePool implements PoolState {
  private static final System.Logger LOG = System.getLogger(SharedStatePool.class.getName());
  /** The most one queue place takes in the pool's value: two names, six numbers and a mode. */
  private static final int MAX_PLACE_BYTES = 2 * (2 + 255) + 6 * 8 + 1;

  private final Pool pool;
  private final PoolValues store;
  private final int maxValueBytes;
  private final TimeSource time;
  private final String server;
  private final WaiterLimit waiterLimit;
  private final SharedTiming timing;
  private final LockListener listener;
  private final Executor io;
  private final Map<Long, LocalWait> waits = new LinkedHashMap<>();
  private final BatchedChanges batches =
      new BatchedChanges(
          new BatchedChanges.Writer() {
            @Override
            public StoredPool write(List<BatchedChanges.Change<?>> batch) {
              return SharedStatePool.this.write(batch);
            }

            @Override
            public void written(StoredPool state) {
              SharedStatePool.this.written(state);
            }
          });
  private TimeSource.Cancellable poll;
  private TimeSource.Cancellable deadlineTimer;
  private long deadlineAt = Long.MAX_VALUE;
  private long unreachableSince;
  private boolean closed;
  /** The epoch of the newest state seen, and those it replaced (the store lost the pool). */
  private long currentEpoch;
  private final Set<Long> retiredEpochs = new HashSet<>();
  /** The waits {@link #close} failed: their places and grants are still in the store. */
  private final Set<Long> abandoned = new HashSet<>();
  private final HoldSightings sightings;
  private final RememberedPool remembered;
  private TimeSource.Cancellable reread;
  /** The newest value the store's watch passed on that no look has taken yet. */
  private final AtomicReference<StoredValue> changedTo = new AtomicReference<>();

  SharedStatePool(
      Pool pool,
      PoolValues store,
      int maxValueBytes,
      TimeSource time,
      String server,
      WaiterLimit waiterLimit,
      SharedTiming timing,
      LockListener listener,
      Executor io) {
    this.pool = pool;
    this.store = store;
    this.maxValueBytes = maxValueBytes;
    this.time = time;
    this.server = server;
    this.waiterLimit = waiterLimit;
    this.timing = timing;
    this.listener = listener;
    this.io = io;
    this.sightings = new HoldSightings(time, pool.lockDelay().toMillis());
    this.remembered = new RememberedPool(time, pool.lockDelay().toMillis());
  }

  /**
   * Starts looking at the pool's value now and every {@link SharedTiming#rereadMs}, unless that is
   * 0.
   */
  synchronized void startRereading() {
    if (timing.rereadMs() > 0 && !closed) {
      reread = time.schedule(() -> io.execute(this::reread), 0);
    }
  }

  @Override
  public Pool pool() {
    return pool;
  }

  @Override
  public Optional<Grant> tryAcquire(String host, Mode mode, Optional<Duration> lease) {
    return change(edit -> edit.tryAcquire(host, mode, lease)).map(this::grant);
  }

  @Override
  public CompletableFuture<Optional<Grant>> acquire(
      String host, Mode mode, Optional<Duration> lease, Optional<Duration> timeout) {
    long waitId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    PendingAcquire future = new PendingAcquire(pending -> cancel(waitId));
    long giveUpAt =
        timeout.map(limit -> time.currentTimeMillis() + limit.toMillis()).orElse(Long.MAX_VALUE);
    LocalWait wait = new LocalWait(waitId, host, mode, lease, giveUpAt, future);
    register(wait);
    // Armed before the wait can be answered, so that answering it always disarms it.
    timeout.ifPresent(
        limit -> wait.timeout = time.schedule(() -> io.execute(this::timeOut), limit.toMillis()));
    Optional<StoredGrant> now;
    try {
      now =
          change(
              edit -> {
                Optional<StoredGrant> granted = edit.tryAcquire(host, mode, lease);
                if (granted.isEmpty() && timeout.filter(Duration::isZero).isEmpty()) {
                  checkSize(edit);
                  reserve(wait);
                  edit.enqueue(
                      host, mode, waitId, lease, time.currentTimeMillis() + timing.staleAfterMs(),
                      giveUpAt);
                }
                return granted;
              },
              written -> wait.enqueuedIn(written));
    } catch (RuntimeException failed) {
      unregister(waitId);
      throw failed;
    }
    if (now.isPresent() || timeout.filter(Duration::isZero).isPresent()) {
      unregister(waitId);
      return CompletableFuture.completedFuture(now.map(this::grant));
    }
    return future;
  }

  @Override
  public Release release(String host, OptionalLong token) {
    return change(edit -> edit.release(host, token));
  }

  @Override
  public Optional<Grant> renew(String host, OptionalLong token, Optional<Duration> lease) {
    return change(edit -> edit.renew(host, token, lease)).map(this::grant);
  }

  @Override
  public boolean withdraw(String host, long token) {
    return change(edit -> edit.withdraw(host, token));
  }

  @Override
  public boolean isCurrent(long token) {
    return current(readRestored()).holders().stream().anyMatch(holder -> holder.token() == token);
  }

  @Override
  public PoolSnapshot snapshot() {
    StoredPool state = current(readRestored());
    List<Long> closedUntil = new ArrayList<>(state.closedUntil());
    if (state.restoringUntil() != 0) {
      closedUntil.add(state.restoringUntil());
    }
    return new PoolSnapshot(
        pool,
        state.holders().stream().map(this::grant).toList(),
        state.queue().stream()
            .map(queued ->
                new Waiter(queued.host(), Instant.ofEpochMilli(queued.since()), queued.mode()))
            .toList(),
        closedUntil.stream().max(Long::compare).map(Instant::ofEpochMilli));
  }

  /** The stored state; when the store lost it, after putting back what this server remembers. */
  private StoredPool readRestored() {
    StoredPool state = store.read(pool.name());
    return remembered.lostIn(state, Optional.empty()) ? change(StoredPoolChange::result) : state;
  }

  /** Fails the waits at once, without the store; {@link #leaveAbandoned} then cleans up. */
  @Override
  public void close() {
    List<LocalWait> failed;
    synchronized (this) {
      closed = true;
      cancelTimers();
      failed = new ArrayList<>(waits.values());
      failed.forEach(wait -> unregister(wait.id));
      failed.forEach(wait -> abandoned.add(wait.id));
    }
    failed.forEach(wait -> wait.future.completeExceptionally(new BackendClosedException()));
  }

  synchronized boolean hasAbandonedWaits() {
    return !abandoned.isEmpty();
  }

  /**
   * Takes the waits failed by {@link #close} out of the shared queue, and gives back the grants
   * made to them that nobody was told of, in one write; failures only log (the places then go
   * stale, the grants are taken back unconfirmed or end with their lease).
   */
  void leaveAbandoned() {
    Set<Long> ids;
    synchronized (this) {
      ids = Set.copyOf(abandoned);
    }
    try {
      change(edit -> edit.abandon(ids));
    } catch (RuntimeException failed) {
      log(failed);
    }
  }

  /** The stored state without what is already past its deadline (for reading, not writing). */
  private StoredPool current(StoredPool state) {
    sightings.see(state);
    remembered.see(state);
    long now = time.currentTimeMillis();
    long windowEnd = sightings.windowEndOf(state);
    return new StoredPool(
        state.epoch(),
        state.version(),
        state.lastToken(),
        state.lastDeadline(),
        state.holders().stream()
            .filter(h -> sightings.endOf(h) > now && (h.confirmBy() == 0 || h.confirmBy() > now))
            .toList(),
        state.queue().stream().filter(q -> q.staleAt() > now && q.giveUpAt() > now).toList(),
        state.lost(),
        state.closedUntil().stream().filter(until -> sightings.openingOf(until) > now).toList(),
        windowEnd > now ? state.restoringUntil() : 0,
        windowEnd > now ? state.restoreMs() : 0,
        state.restoredEpoch(),
        state.restoredVersion());
  }

  /**
   * Applies {@code operation} after the routine upkeep, writes it with compare-and-set, and
   * settles the local waits against what was written.
   */
  private <T> T change(Function<StoredPoolChange, T> operation) {
    return change(operation, written -> {});
  }

  private <T> T change(
      Function<StoredPoolChange, T> operation, Consumer<StoredPool> onWritten) {
    return batches.apply(operation, onWritten);
  }

  /** Writes a batch of changes in one compare-and-set (see {@link BatchedChanges}). */
  private StoredPool write(List<BatchedChanges.Change<?>> batch) {
    Written<List<Object>> written;
    // The store applies the batch to one edit per attempt, and returns after the last: that one
    // is what was written, and what the listener is told.
    AtomicReference<StoredPoolChange> applied = new AtomicReference<>();
    try {
      written =
          store.update(
              pool.name(),
              state ->
                  propose(
                      state,
                      edit -> {
                        applied.set(edit);
                        return applyAll(batch, edit);
                      }));
    } catch (RuntimeException failed) {
      if (failed instanceof BackendUnavailableException unavailable) {
        unreachable(unavailable);
      }
      if (applied.get() != null) {
        // The last attempt may have been stored although its reply never came: its callers are
        // told it failed, so grants only they would have learnt of must not stand.
        withdrawLater(applied.get().directGrants());
      }
      batch.forEach(change -> change.result.completeExceptionally(failed));
      return null;
    }
    sightings.see(written.state());
    StoredPoolChange edit = applied.get();
    if (edit.restoration().restores()) {
      remembered.restored(written.state(), edit.restoration());
      edit.superseded().forEach(this::noteSuperseded);
      edit.unrestored().forEach(this::warnUnrestored);
    } else {
      remembered.see(written.state());
    }
    // Before the callers learn their results, so an answered client finds the event counted.
    edit.events().forEach(event -> event.accept(listener));
    for (int i = 0; i < batch.size(); i++) {
      complete(batch.get(i), written.result().get(i), written.state());
    }
    return written.state();
  }

  /** Each change's result, or the exception it threw (before changing anything). */
  private static List<Object> applyAll(List<BatchedChanges.Change<?>> batch, StoredPoolChange edit) {
    List<Object> results = new ArrayList<>(batch.size());
    for (BatchedChanges.Change<?> change : batch) {
      try {
        results.add(change.operation.apply(edit));
      } catch (RuntimeException refused) {
        results.add(new Refused(refused));
      }
    }
    return results;
  }

  @SuppressWarnings("unchecked")
  private static <T> void complete(BatchedChanges.Change<T> change, Object outcome, StoredPool state) {
    if (outcome instanceof Refused refused) {
      change.result.completeExceptionally(refused.exception());
    } else {
      change.onWritten.accept(state);
      change.result.complete((T) outcome);
    }
  }

  /** A change that threw instead of changing the pool; the others in its batch stand. */
  private record Refused(RuntimeException exception) {}

  private void written(StoredPool state) {
    reachable();
    settle(state);
  }

  /** The routine upkeep (our places, our deliveries, deadlines), then {@code operation}. */
  private <T> Proposal<T> propose(StoredPool state, Function<StoredPoolChange, T> operation) {
    sightings.see(state);
    long now = time.currentTimeMillis();
    List<LocalWait> mine;
    synchronized (this) {
      mine = new ArrayList<>(waits.values());
    }
    Set<Long> ids = new HashSet<>();
    mine.forEach(wait -> ids.add(wait.id));
    StoredPoolChange edit =
        new StoredPoolChange(
            state,
            pool,
            now,
            server,
            ids,
            timing.confirmWithinMs(),
            sightings::endOf,
            sightings::openingOf,
            sightings.windowEndOf(state));
    edit.restore(
        remembered.restorationFor(state, () -> store.incarnation(pool.name())), timing.restoreWindowMs());
    for (LocalWait wait : mine) {
      if (wait.lostWithEpoch(state) && !contains(state, wait.id) && !edit.queues(wait.host)
          && !edit.holds(wait.host) && wait.giveUpAt > now) {
        // The store lost the pool (a restart, an eviction): put our waiter back in line. One whose
        // host holds or waits meanwhile, or whose time is up, is answered by settle().
        edit.enqueue(
            wait.host, wait.mode, wait.id, wait.lease, now + timing.staleAfterMs(), wait.giveUpAt);
      }
    }
    edit.confirm(ids);
    // Renewed every quarter of the stale period: a server must miss three in a row to lose them.
    edit.refresh(ids, now + timing.staleAfterMs(), now + timing.staleAfterMs() * 3 / 4);
    edit.maintain();
    T result = operation.apply(edit);
    return new Proposal<>(edit.result(), edit.changed(), result);
  }

  /** Answers the local waits that the stored state has decided, and arms the timers. */
  private void settle(StoredPool state) {
    long now = time.currentTimeMillis();
    WaitVerdicts verdicts =
        new WaitVerdicts(state, now, sightings.windowEndOf(state) > now); // 0 when not restoring
    Map<LocalWait, WaitVerdicts.Verdict> decided = new LinkedHashMap<>();
    boolean undelivered = false;
    synchronized (this) {
      if (retiredEpochs.contains(state.epoch())) {
        return; // read before the store lost the pool; a newer state has been seen
      }
      if (state.epoch() != currentEpoch) {
        if (currentEpoch != 0) {
          retiredEpochs.add(currentEpoch);
        }
        currentEpoch = state.epoch();
      }
      for (LocalWait wait : waits.values()) {
        if (wait.lostWithEpoch(state) && verdicts.contains(wait)) {
          wait.enqueuedIn(state); // queued again after the store lost the pool
        }
        WaitVerdicts.Verdict verdict = verdicts.of(wait);
        undelivered |= verdict instanceof WaitVerdicts.Undelivered;
        if (!(verdict instanceof WaitVerdicts.Waiting || verdict instanceof WaitVerdicts.Undelivered)) {
          decided.put(wait, verdict);
        }
      }
      armTimers(state, undelivered);
    }
    decided.forEach(
        (wait, verdict) -> {
          if (verdict instanceof WaitVerdicts.Granted granted) {
            finish(wait, Optional.of(grant(granted.holder())));
          } else if (verdict instanceof WaitVerdicts.Lost) {
            finish(
                wait,
                new BackendUnavailableException(
                    "this server could not reach its store for too long and lost its place in"
                        + " the queue of pool '" + pool.name() + "'",
                    null));
          } else {
            finish(wait, Optional.empty());
          }
        });
  }

  private void armTimers(StoredPool state, boolean confirmNow) {
    if (closed) {
      return;
    }
    long next = Long.MAX_VALUE;
    for (StoredGrant holder : state.holders()) {
      next = Math.min(next, sightings.endOf(holder));
      if (holder.confirmBy() != 0) {
        next = Math.min(next, holder.confirmBy());
      }
    }
    for (StoredWait queued : state.queue()) {
      next = Math.min(next, Math.min(queued.staleAt(), queued.giveUpAt()));
    }
    for (long until : state.closedUntil()) {
      next = Math.min(next, sightings.openingOf(until));
    }
    if (state.restoringUntil() != 0) {
      next = Math.min(next, sightings.windowEndOf(state));
    }
    if (next < deadlineAt) {
      if (deadlineTimer != null) {
        deadlineTimer.cancel();
      }
      deadlineAt = next;
      deadlineTimer =
          time.schedule(() -> io.execute(this::onDeadline), next - time.currentTimeMillis());
    }
    if (!waits.isEmpty() && poll == null) {
      poll = time.schedule(() -> io.execute(this::onPoll), confirmNow ? 0 : timing.pollMs());
    }
  }

  private void onDeadline() {
    synchronized (this) {
      deadlineTimer = null;
      deadlineAt = Long.MAX_VALUE;
      if (closed) {
        return;
      }
    }
    try {
      change(edit -> null);
    } catch (RuntimeException failed) {
      log(failed);
      synchronized (this) {
        if (!closed && deadlineTimer == null) {
          deadlineAt = time.currentTimeMillis() + timing.pollMs() * 10;
          deadlineTimer =
              time.schedule(() -> io.execute(this::onDeadline), timing.pollMs() * 10);
        }
      }
    }
  }

  /**
   * The store's watch saw the pool change to {@code value}: while this server has waiters, act on
   * it now rather than at the next poll. Values that come while one is pending replace it.
   */
  void changedElsewhere(StoredValue value) {
    synchronized (this) {
      if (closed || waits.isEmpty()) {
        return;
      }
    }
    if (changedTo.getAndSet(value) == null) {
      io.execute(() -> look(() -> store.seen(pool.name(), changedTo.getAndSet(null))));
    }
  }

  /** While this server has waiters: look for grants and releases made by other servers. */
  private void onPoll() {
    synchronized (this) {
      poll = null;
      if (closed || waits.isEmpty()) {
        return;
      }
    }
    look(() -> store.read(pool.name()));
    synchronized (this) {
      if (!closed && !waits.isEmpty() && poll == null) {
        poll = time.schedule(() -> io.execute(this::onPoll), timing.pollMs());
      }
    }
  }

  /** Takes delivery of grants to our waits, renews our places, and settles them. */
  private void look(Supplier<StoredPool> current) {
    try {
      StoredPool state = current.get();
      reachable();
      remembered.see(state);
      if (propose(state, edit -> null).changed()) {
        change(edit -> null);
      } else {
        settle(state);
      }
    } catch (BackendUnavailableException unavailable) {
      unreachable(unavailable);
    } catch (RuntimeException failed) {
      log(failed);
    }
  }

  /**
   * Reads the pool's value: keeps what this server remembers of it fresh, and when the store lost
   * it (memcached restarted, or evicted or flushed it), puts back at once what this server
   * remembers, whether or not anyone uses the pool now.
   */
  private void reread() {
    synchronized (this) {
      reread = null;
      if (closed) {
        return;
      }
    }
    try {
      Optional<String> incarnation = store.incarnation(pool.name());
      StoredPool state = store.read(pool.name());
      if (remembered.lostIn(state, incarnation)) {
        LOG.log(
            Level.WARNING,
            "pool " + pool.name() + ": the store lost its value (a restart, an eviction or a flush);"
                + " putting back the holds this server knows");
        change(edit -> null);
      } else {
        remembered.see(state);
      }
      remembered.seeIncarnation(incarnation);
    } catch (RuntimeException failed) {
      log(failed);
    }
    synchronized (this) {
      if (!closed && reread == null) {
        reread = time.schedule(() -> io.execute(this::reread), timing.rereadMs());
      }
    }
  }

  private void noteSuperseded(StoredGrant hold) {
    LOG.log(
        Level.WARNING,
        "pool " + pool.name() + ": took out the hold of " + hold.host() + " (token " + hold.token()
            + ") that another server had put back: this server saw the lost value later, and the"
            + " hold had ended by then");
  }

  private void warnUnrestored(StoredGrant hold) {
    LOG.log(
        Level.WARNING,
        "pool " + pool.name() + ": could not restore the hold of " + hold.host() + " (token "
            + hold.token() + ") after the store lost the pool's value: its slots were granted anew"
            + " meanwhile (a server that did not know of the loss)");
  }

  /** The wait's deadline is in the shared state; this only makes sure someone applies it now. */
  private void timeOut() {
    try {
      change(edit -> null);
    } catch (RuntimeException failed) {
      // The poll keeps trying; a wait cut off from the store fails after the stale period.
      log(failed);
    }
  }

  private void log(RuntimeException failed) {
    LOG.log(
        failed instanceof BackendUnavailableException ? Level.DEBUG : Level.WARNING,
        "pool " + pool.name() + ": " + failed.getMessage(),
        failed);
  }

  /**
   * Withdraws {@code grants} (see {@link StoredPoolChange#withdraw}: not once their host has
   * claimed them) as soon as the store answers, trying again every tenth of a second until it
   * does, the grants end, or the backend closes. A grant that was never stored withdraws nothing.
   */
  private void withdrawLater(List<StoredGrant> grants) {
    if (grants.isEmpty()) {
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    io.execute(
        () -> {
          long now = time.currentTimeMillis();
          List<StoredGrant> live = grants.stream().filter(holder -> holder.expiresAt() > now).toList();
          if (live.isEmpty()) {
            return;
          }
          try {
            change(
                edit -> {
                  live.forEach(edit::withdrawExactly);
                  return null;
                });
          } catch (RuntimeException failed) {
            log(failed);
            time.schedule(() -> withdrawLater(live), timing.pollMs() * 10);
          }
        });
  }

  /** PendingAcquire's cancel: true when the wait left the queue before any grant. */
  private boolean cancel(long waitId) {
    LocalWait wait = unregister(waitId);
    if (wait == null) {
      return false;
    }
    Optional<StoredGrant> granted;
    try {
      granted = leave(wait);
    } catch (BackendUnavailableException unavailable) {
      return true; // Its place is no longer renewed and goes stale by itself.
    }
    if (granted.isEmpty()) {
      return true;
    }
    complete(wait, granted.map(this::grant));
    return false;
  }

  /** Takes the wait out of line, or, when it was granted meanwhile, confirms and returns that. */
  private Optional<StoredGrant> leave(LocalWait wait) {
    return change(
        edit -> {
          if (edit.leave(wait.id)) {
            return Optional.empty();
          }
          edit.confirm(Set.of(wait.id));
          return edit.result().holders().stream().filter(h -> h.waitId() == wait.id).findFirst();
        });
  }

  private synchronized void register(LocalWait wait) {
    if (closed) {
      throw new BackendClosedException();
    }
    waits.put(wait.id, wait);
  }

  /** Counts the wait against the limit once it is known to queue; a no-op the second time. */
  private synchronized void reserve(LocalWait wait) {
    if (!waits.containsKey(wait.id)) {
      // Failed (the store unreachable too long) or closed while its change waited its turn.
      throw new BackendUnavailableException("the wait ended before it could be queued", null);
    }
    if (!wait.reserved) {
      // A host that waits here already takes over its own place: that costs no new waiter.
      boolean takeover =
          waits.values().stream().anyMatch(other -> other != wait && other.host.equals(wait.host));
      waiterLimit.reserve(takeover);
      wait.reserved = true;
    }
  }

  private synchronized LocalWait unregister(long waitId) {
    LocalWait wait = waits.remove(waitId);
    if (wait != null) {
      if (wait.reserved) {
        waiterLimit.free();
      }
      if (wait.timeout != null) {
        wait.timeout.cancel();
      }
    }
    return wait;
  }

  /** Answers the wait unless another path took it out of the local waits first. */
  private void finish(LocalWait wait, Optional<Grant> answer) {
    if (unregister(wait.id) != null) {
      complete(wait, answer);
    }
  }

  private void complete(LocalWait wait, Optional<Grant> answer) {
    if (!wait.future.complete(answer) && answer.isPresent()) {
      // Completed from outside, not by cancel(): this request takes no slot, pass it on unless
      // another request of the host has claimed it meanwhile.
      try {
        withdraw(wait.host, answer.get().token());
      } catch (RuntimeException failed) {
        log(failed); // the hold then ends with its lease
      }
    }
  }

  private void finish(LocalWait wait, RuntimeException failure) {
    if (unregister(wait.id) != null) {
      wait.future.completeExceptionally(failure);
    }
  }

  private synchronized void reachable() {
    unreachableSince = 0;
  }

  /** After a whole stale period without the store, our waits have lost their places: fail them. */
  private void unreachable(BackendUnavailableException failure) {
    List<LocalWait> failed = List.of();
    synchronized (this) {
      long now = time.currentTimeMillis();
      if (unreachableSince == 0) {
        unreachableSince = now;
      } else if (now - unreachableSince >= timing.staleAfterMs()) {
        failed = new ArrayList<>(waits.values());
      }
    }
    failed.forEach(wait -> finish(wait, failure));
  }

  /** Refuses one more place when the pool's value would no longer fit the store. */
  private void checkSize(StoredPoolChange edit) {
    if (edit.queueLength() > 1000
        && edit.result().encode().length + MAX_PLACE_BYTES > maxValueBytes) {
      throw new TooManyWaitersException(edit.queueLength());
    }
  }

  private static boolean contains(StoredPool state, long waitId) {
    return state.queue().stream().anyMatch(q -> q.waitId() == waitId)
        || state.holders().stream().anyMatch(h -> h.waitId() == waitId);
  }

  private Grant grant(StoredGrant holder) {
    return holder.grant(pool.name());
  }

  private void cancelTimers() {
    if (reread != null) {
      reread.cancel();
      reread = null;
    }
    if (poll != null) {
      poll.cancel();
      poll = null;
    }
    if (deadlineTimer != null) {
      deadlineTimer.cancel();
      deadlineTimer = null;
    }
  }
}
