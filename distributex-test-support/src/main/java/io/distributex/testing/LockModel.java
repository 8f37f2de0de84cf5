package io.distributex.testing;

import io.distributex.core.Mode;
import io.distributex.core.Pool;
import io.distributex.core.Release;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The reference model of one pool of a {@link LockBackend}, for model-based tests: plain lists,
 * one thread, no cleverness, so that it is obviously right. It follows docs/protocol.md and the
 * Javadoc of {@link LockBackend}:
 *
 * <ul>
 *   <li>Modes: exclusive holders number at most {@code maxlocks} and never hold beside a shared
 *       one; shared holders number at most {@code maxShared} (when set). A host holding in one
 *       mode that asks in the other is refused ({@link #conflict}) and nothing changes.
 *   <li>{@link #tryAcquire}: a holder renews (new period from its lease, same token); otherwise a
 *       hold is taken only when the pool admits the mode <em>and</em> nobody waits.
 *   <li>{@link #acquire}: as {@code tryAcquire}; else with timeout zero answers empty at once;
 *       else queues the host at the tail, or, when it is queued already, takes over its place
 *       (the earlier request answers empty; place and {@code since} stay; the new mode, lease and
 *       timeout apply, and the place is granted at once when the pool admits it in its new mode).
 *   <li>{@link #release}: a holder frees its slot; the head of the queue is granted at once, then
 *       the next, as long as the pool admits each, stopping at the first it does not (the same
 *       when a waiter leaves the queue: the places behind it may be admitted now);
 *       a queued host leaves the queue (its request answers empty); a token that differs from
 *       the holder's changes nothing.
 *   <li>{@link #renew}: restarts the hold with the period it was granted for (or that the last
 *       re-entrant acquire set).
 *   <li>Expiry and wait timeouts happen at their deadlines, inside {@link #advance}.
 * </ul>
 *
 * <p>Timing mirrors {@link ManualTimeSource}: every deadline is a task with a sequence number
 * taken when it is scheduled; {@link #advance} runs due tasks by deadline, ties in sequence order,
 * with the clock set to each task's deadline. Tasks are scheduled at the moments a backend
 * schedules its own: a grant or renewal of a hold that expires schedules its expiry (a renewal
 * first cancels the old one), an enqueue with a timeout schedules the timeout (a take-over first
 * cancels the old one), a grant from the queue cancels the waiter's timeout.
 *
 * <p>Fencing tokens are chosen by the backend, not by the model: every grant is a {@link
 * GrantRecord} numbered in grant order, whose {@link GrantRecord#token} the test fills in when it
 * first observes it (and checks that tokens increase with the numbers).
 */
final class LockModel {
  /** The deadline of a hold that never expires. */
  static final long NEVER = Long.MAX_VALUE;

  /** What an acquire's future is in. */
  enum FutureState {
    PENDING,
    GRANTED,
    EMPTY,
    CANCELLED,
    /** Pending when the backend was closed (a restart): failed with BackendClosedException. */
    CLOSED
  }

  /** One grant (not renewals): the n-th of the pool, to whom, when; its token once observed. */
  static final class GrantRecord {
    final int number;
    final String host;
    final Mode mode;
    final long acquired;
    /** The backend's token for this grant; 0 until the test has observed it. */
    long token;

    GrantRecord(int number, String host, Mode mode, long acquired) {
      this.number = number;
      this.host = host;
      this.mode = mode;
      this.acquired = acquired;
    }

    @Override
    public String toString() {
      return "grant#" + number + "(" + host + ", " + mode.label() + ", token="
          + (token == 0 ? "?" : token) + ")";
    }
  }

  /** What a backend should answer with: a grant as it stands at the moment of the answer. */
  record ExpectedGrant(GrantRecord record, OptionalLong expires) {
    @Override
    public String toString() {
      return record + " expires=" + (expires.isPresent() ? expires.getAsLong() : "never");
    }
  }

  /** A current holder. */
  static final class Holder {
    final GrantRecord grant;
    /** Whether the host has been answered with this grant again (see LockBackend#withdraw). */
    boolean claimed;
    Duration period;
    long deadline;
    Task expiry;

    Holder(GrantRecord grant) {
      this.grant = grant;
    }

    String host() {
      return grant.host;
    }

    OptionalLong expires() {
      return deadline == NEVER ? OptionalLong.empty() : OptionalLong.of(deadline);
    }

    ExpectedGrant expected() {
      return new ExpectedGrant(grant, expires());
    }

    @Override
    public String toString() {
      return grant + " period=" + period.toMillis() + " until="
          + (deadline == NEVER ? "never" : Long.toString(deadline));
    }
  }

  /** One place in the queue. */
  static final class QueuedHost {
    final String host;
    final long since;
    Mode mode;
    Optional<Duration> lease;
    Task timeout;
    FutureModel future;

    QueuedHost(String host, long since) {
      this.host = host;
      this.since = since;
    }

    @Override
    public String toString() {
      return host + "(" + mode.label() + ", since=" + since + ", lease=" + lease.map(Duration::toMillis).orElse(null)
          + ", timeout at=" + (timeout == null ? "none" : Long.toString(timeout.deadline))
          + ", future#" + future.id + ")";
    }
  }

  /** The model of one future returned by {@link LockBackend#acquire}. */
  static final class FutureModel {
    final int id;
    final String host;
    FutureState state = FutureState.PENDING;
    /** The grant it completed with, as it was then; set when {@link #state} is GRANTED. */
    ExpectedGrant result;

    FutureModel(int id, String host) {
      this.id = id;
      this.host = host;
    }

    @Override
    public String toString() {
      return "future#" + id + "(" + host + ", " + state + (result == null ? "" : " " + result) + ")";
    }
  }

  /** A scheduled deadline, as in {@link ManualTimeSource}. */
  static final class Task {
    final long deadline;
    final long sequence;
    final String what;
    final Runnable action;

    Task(long deadline, long sequence, String what, Runnable action) {
      this.deadline = deadline;
      this.sequence = sequence;
      this.what = what;
      this.action = action;
    }

    @Override
    public String toString() {
      return what + "@" + deadline + "#" + sequence;
    }
  }

  private static final Comparator<Task> TASK_ORDER =
      Comparator.<Task>comparingLong(task -> task.deadline).thenComparingLong(task -> task.sequence);

  private final Pool pool;
  private long now;
  private long sequence;
  private final List<Holder> holders = new ArrayList<>();
  private final List<QueuedHost> queue = new ArrayList<>();
  private final List<Task> tasks = new ArrayList<>();
  private final List<GrantRecord> grants = new ArrayList<>();
  private final List<FutureModel> futures = new ArrayList<>();

  LockModel(Pool pool, long startMillis) {
    this.pool = pool;
    this.now = startMillis;
  }

  Pool pool() {
    return pool;
  }

  long now() {
    return now;
  }

  /** The holders in grant order (a renewal keeps a holder's place). */
  List<Holder> holders() {
    return Collections.unmodifiableList(holders);
  }

  /** The queue, first in line first. */
  List<QueuedHost> queue() {
    return Collections.unmodifiableList(queue);
  }

  /** Every grant so far, in grant order. */
  List<GrantRecord> grants() {
    return Collections.unmodifiableList(grants);
  }

  /** Every future {@link #acquire} returned so far, in call order. */
  List<FutureModel> futures() {
    return Collections.unmodifiableList(futures);
  }

  Optional<Holder> holder(String host) {
    return holders.stream().filter(holder -> holder.host().equals(host)).findFirst();
  }

  Optional<QueuedHost> queued(String host) {
    return queue.stream().filter(queued -> queued.host.equals(host)).findFirst();
  }

  /** The most recent grant {@code host} received, current or not. */
  Optional<GrantRecord> lastGrant(String host) {
    for (int i = grants.size() - 1; i >= 0; i--) {
      if (grants.get(i).host.equals(host)) {
        return Optional.of(grants.get(i));
      }
    }
    return Optional.empty();
  }

  /** Whether {@code grant} is held right now. */
  boolean isCurrent(GrantRecord grant) {
    return holders.stream().anyMatch(holder -> holder.grant == grant);
  }

  // ---------------------------------------------------------------- operations

  /**
   * The mode {@code host} holds the pool in when it is not {@code mode}: a get or wait in
   * {@code mode} is then refused and changes nothing (call neither {@link #tryAcquire} nor
   * {@link #acquire}).
   */
  Optional<Mode> conflict(String host, Mode mode) {
    return holder(host).map(held -> held.grant.mode).filter(held -> held != mode);
  }

  Optional<ExpectedGrant> tryAcquire(String host, Mode mode, Optional<Duration> lease) {
    Duration period = pool.holdPeriod(lease);
    Optional<Holder> held = holder(host);
    if (held.isPresent()) {
      return Optional.of(restart(held.get(), period).expected());
    }
    if (admits(mode) && queue.isEmpty()) {
      return Optional.of(grant(host, mode, period).expected());
    }
    return Optional.empty();
  }

  FutureModel acquire(String host, Mode mode, Optional<Duration> lease, Optional<Duration> timeout) {
    FutureModel future = new FutureModel(futures.size(), host);
    futures.add(future);
    Optional<ExpectedGrant> granted = tryAcquire(host, mode, lease);
    if (granted.isPresent()) {
      future.state = FutureState.GRANTED;
      future.result = granted.get();
      return future;
    }
    if (timeout.isPresent() && timeout.get().isZero()) {
      future.state = FutureState.EMPTY;
      return future;
    }
    QueuedHost place = queued(host).orElse(null);
    if (place == null) {
      place = new QueuedHost(host, now);
      queue.add(place);
    } else {
      // Take-over: the host keeps its place and its time in line; the earlier request answers no.
      cancel(place.timeout);
      place.future.state = FutureState.EMPTY;
    }
    place.mode = mode;
    place.lease = lease;
    place.future = future;
    QueuedHost waiting = place;
    place.timeout =
        timeout.isEmpty()
            ? null
            : schedule(timeout.get().toMillis(), "timeout " + host, () -> timedOut(waiting));
    handOff(); // a take-over in the other mode may be admitted where the old one was not
    return future;
  }

  Release release(String host, OptionalLong token) {
    Optional<Holder> held = holder(host);
    if (held.isPresent()) {
      Holder holder = held.get();
      if (token.isPresent() && token.getAsLong() != knownToken(holder.grant)) {
        return Release.TOKEN_MISMATCH;
      }
      end(holder);
      return Release.RELEASED;
    }
    Optional<QueuedHost> queued = queued(host);
    if (queued.isPresent()) {
      leave(queued.get(), FutureState.EMPTY);
      handOff();
      return Release.LEFT_QUEUE;
    }
    return Release.NOT_HELD;
  }

  Optional<ExpectedGrant> renew(String host, OptionalLong token) {
    Optional<Holder> held = holder(host);
    if (held.isEmpty()
        || (token.isPresent() && token.getAsLong() != knownToken(held.get().grant))) {
      return Optional.empty();
    }
    return Optional.of(restart(held.get(), held.get().period).expected());
  }

  boolean withdraw(String host, long token) {
    Optional<Holder> held = holder(host);
    if (held.isEmpty() || held.get().claimed || token != knownToken(held.get().grant)) {
      return false;
    }
    end(held.get());
    return true;
  }

  /**
   * Cancels {@code future} as {@code CompletableFuture.cancel} would: a pending future is
   * cancelled and its host leaves the queue. Returns whether the cancellation took effect.
   */
  boolean cancel(FutureModel future) {
    if (future.state != FutureState.PENDING) {
      return false;
    }
    QueuedHost place =
        queue.stream()
            .filter(queued -> queued.future == future)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("pending " + future + " is not queued"));
    leave(place, FutureState.CANCELLED);
    handOff();
    return true;
  }

  /**
   * A restart of a backend that keeps its holds (a journal): every waiter's request fails and
   * leaves the queue; holds, their deadlines and tokens stay, and count as claimed (no request of
   * before the restart is left to withdraw one).
   */
  void restart() {
    for (QueuedHost place : List.copyOf(queue)) {
      leave(place, FutureState.CLOSED);
    }
    holders.forEach(holder -> holder.claimed = true);
  }

  /** Moves the clock forward, running every task that falls due, as {@link ManualTimeSource}. */
  void advance(long millis) {
    long target = now + millis;
    while (true) {
      Optional<Task> due = tasks.stream().min(TASK_ORDER).filter(task -> task.deadline <= target);
      if (due.isEmpty()) {
        now = target;
        return;
      }
      tasks.remove(due.get());
      now = due.get().deadline;
      due.get().action.run();
      checkInvariants();
    }
  }

  // ---------------------------------------------------------------- internals

  private long holding(Mode mode) {
    return holders.stream().filter(holder -> holder.grant.mode == mode).count();
  }

  /** Whether one more holder in {@code mode} fits beside the holders there are. */
  private boolean admits(Mode mode) {
    if (mode == Mode.EXCLUSIVE) {
      return holding(Mode.SHARED) == 0 && holding(Mode.EXCLUSIVE) < pool.maxlocks();
    }
    return holding(Mode.EXCLUSIVE) == 0
        && (pool.maxShared().isEmpty() || holding(Mode.SHARED) < pool.maxShared().getAsInt());
  }

  private Holder grant(String host, Mode mode, Duration period) {
    GrantRecord record = new GrantRecord(grants.size(), host, mode, now);
    grants.add(record);
    Holder holder = new Holder(record);
    holders.add(holder);
    start(holder, period);
    return holder;
  }

  private Holder restart(Holder holder, Duration period) {
    holder.claimed = true;
    cancel(holder.expiry);
    start(holder, period);
    return holder;
  }

  private void start(Holder holder, Duration period) {
    holder.period = period;
    if (period.isZero()) {
      holder.deadline = NEVER;
      holder.expiry = null;
    } else {
      holder.deadline = now + period.toMillis();
      holder.expiry = schedule(period.toMillis(), "expiry " + holder.host(), () -> expired(holder));
    }
  }

  private void expired(Holder holder) {
    if (!holders.contains(holder)) {
      throw new IllegalStateException("expiry of a hold that ended: " + holder);
    }
    end(holder);
  }

  private void timedOut(QueuedHost place) {
    if (!queue.contains(place)) {
      throw new IllegalStateException("timeout of a waiter that left: " + place);
    }
    leave(place, FutureState.EMPTY);
    handOff();
  }

  private void end(Holder holder) {
    cancel(holder.expiry);
    holder.expiry = null;
    holders.remove(holder);
    handOff();
  }

  private void leave(QueuedHost place, FutureState answer) {
    cancel(place.timeout);
    place.timeout = null;
    queue.remove(place);
    place.future.state = answer;
  }

  /** Grants the head of the queue, then the next, until the pool does not admit the head. */
  private void handOff() {
    while (!queue.isEmpty() && admits(queue.get(0).mode)) {
      QueuedHost next = queue.remove(0);
      cancel(next.timeout);
      next.timeout = null;
      Holder holder = grant(next.host, next.mode, pool.holdPeriod(next.lease));
      next.future.state = FutureState.GRANTED;
      next.future.result = holder.expected();
    }
  }

  private Task schedule(long delayMillis, String what, Runnable action) {
    Task task = new Task(now + Math.max(0, delayMillis), sequence++, what, action);
    tasks.add(task);
    return task;
  }

  private void cancel(Task task) {
    if (task != null) {
      tasks.remove(task);
    }
  }

  private static long knownToken(GrantRecord grant) {
    if (grant.token == 0) {
      throw new IllegalStateException("the token of " + grant + " was never observed");
    }
    return grant.token;
  }

  /** Throws {@link IllegalStateException} when the model itself broke a guarantee. */
  void checkInvariants() {
    check(holding(Mode.EXCLUSIVE) <= pool.maxlocks(), "more exclusive holders than maxlocks");
    check(pool.maxShared().isEmpty() || holding(Mode.SHARED) <= pool.maxShared().getAsInt(),
        "more shared holders than maxshared");
    check(holding(Mode.EXCLUSIVE) == 0 || holding(Mode.SHARED) == 0, "holders of both modes");
    check(queue.isEmpty() || !admits(queue.get(0).mode), "a waiter the pool admits");
    for (Holder holder : holders) {
      check(queued(holder.host()).isEmpty(), "a host both holds and waits: " + holder.host());
      check(holders.stream().filter(other -> other.host().equals(holder.host())).count() == 1,
          "a host holds twice: " + holder.host());
    }
    for (QueuedHost place : queue) {
      check(queue.stream().filter(other -> other.host.equals(place.host)).count() == 1,
          "a host waits twice: " + place.host);
      check(place.future.state == FutureState.PENDING, "a waiter whose future is done: " + place);
    }
    for (FutureModel future : futures) {
      check(future.state != FutureState.PENDING
              || queue.stream().anyMatch(place -> place.future == future),
          "a pending future without a place: " + future);
    }
  }

  private void check(boolean condition, String problem) {
    if (!condition) {
      throw new IllegalStateException("model broken: " + problem + "\n" + this);
    }
  }

  /** A picture for failure messages. */
  void describeTo(Consumer<String> out) {
    out.accept("model at " + now + ": maxlocks=" + pool.maxlocks() + " maxshared="
        + pool.maxShared() + " expire=" + pool.expire().toMillis());
    out.accept("  holders " + holders);
    out.accept("  queue   " + queue);
    List<Task> pending = new ArrayList<>(tasks);
    pending.sort(TASK_ORDER);
    out.accept("  tasks   " + pending);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    describeTo(line -> text.append(line).append('\n'));
    return text.toString();
  }
}
