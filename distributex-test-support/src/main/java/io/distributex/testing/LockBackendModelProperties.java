package io.distributex.testing;

import io.distributex.core.BackendClosedException;
import io.distributex.core.Grant;
import io.distributex.core.LockBackend;
import io.distributex.core.Mode;
import io.distributex.core.ModeConflictException;
import io.distributex.core.Pool;
import io.distributex.core.PoolSnapshot;
import io.distributex.core.Release;
import io.distributex.core.TimeSource;
import io.distributex.core.Waiter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

/**
 * A model-based test of any {@link LockBackend}: random sequences of calls on one pool by four
 * hosts, shared and exclusive, with the clock moved by hand, each checked against {@link LockModel} after every step.
 * A backend's test extends this class and says how to build the backend.
 *
 * <p>After every step it compares the answer of the call (grant or not, host, token, acquired,
 * expiry), the state of every future {@link LockBackend#acquire} ever returned, {@link
 * LockBackend#snapshot()} (holders in grant order, waiters in queue order) and {@link
 * LockBackend#isCurrent} for every token seen; it asserts that every new grant's token is larger
 * than every earlier one, that the pool never has more exclusive holders than {@code maxlocks}, more
 * shared ones than {@code maxshared}, or holders of both modes, and that no host both holds and
 * waits; a get or wait in the other mode than the host holds must be refused with {@link
 * ModeConflictException} and change nothing. At the end of each try the backend is closed and every pending
 * acquire must fail with {@link BackendClosedException}.
 *
 * <p>Deadlines are compared to the millisecond: the backend must schedule its expiries and wait
 * timeouts on the given {@link TimeSource}, at the moments {@link LockModel} describes, so that
 * ties between events of the same millisecond resolve in scheduling order.
 */
public abstract class LockBackendModelProperties {
  static final long START_MILLIS = 1_764_417_600_000L;
  static final List<String> HOSTS = List.of("a", "b", "c", "d");
  private static final AtomicInteger POOL_NUMBERS = new AtomicInteger();
  /** Sets apart the pool names of this JVM from those of earlier runs on a shared store. */
  private static final String RUN =
      Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);

  /** A fresh backend serving {@code pools}, reading the clock and scheduling on {@code time}. */
  protected abstract LockBackend newBackend(List<Pool> pools, TimeSource time);

  /**
   * Runs at the end of every try, passed or failed, just before the backend is closed (e.g. to
   * clean a shared store). Every try uses a pool name of its own, unique within the JVM and
   * prefixed with a random tag per JVM.
   */
  protected void afterEach(LockBackend backend) {}

  /**
   * Closes {@code old} and opens the same store again, as a restart of the server would; null
   * when the backend keeps nothing across a restart (then the model's restart step is skipped).
   */
  protected LockBackend restart(LockBackend old, List<Pool> pools, TimeSource time) {
    return null;
  }

  @Property(tries = 300)
  public void behavesLikeTheModel(@ForAll("scenarios") Scenario scenario) {
    Pool pool =
        new Pool(
            "model-" + RUN + "-" + POOL_NUMBERS.incrementAndGet(),
            Duration.ofMillis(scenario.expireMillis()),
            scenario.maxlocks(),
            Set.of(),
            false,
            Duration.ZERO,
            scenario.maxShared() == 0 ? OptionalInt.empty() : OptionalInt.of(scenario.maxShared()));
    ManualTimeSource time = new ManualTimeSource(START_MILLIS);
    LockBackend first = newBackend(List.of(pool), time);
    Run run = new Run(scenario, pool, time, first, old -> restart(old, List.of(pool), time));
    Throwable failure = null;
    try {
      run.verify();
      for (Action action : scenario.actions()) {
        run.step(action);
      }
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      RuntimeException cleanup = null;
      try {
        afterEach(run.backend);
      } catch (RuntimeException e) {
        cleanup = e;
      }
      try {
        run.backend.close();
      } catch (RuntimeException e) {
        if (cleanup == null) {
          cleanup = e;
        } else {
          cleanup.addSuppressed(e);
        }
      }
      if (cleanup != null) {
        if (failure == null) {
          throw cleanup;
        }
        failure.addSuppressed(cleanup);
      }
    }
    run.verifyClosed();
  }

  // ------------------------------------------------------------------ generators

  @Provide
  public Arbitrary<Scenario> scenarios() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 3),
            Arbitraries.of(0, 0, 1, 2),
            Arbitraries.of(0L, 3000L),
            actions().list().ofMaxSize(60).withSizeDistribution(RandomDistribution.uniform()))
        .as(Scenario::new);
  }

  /** One random step; a subclass may build further properties from it. */
  public static Arbitrary<Action> actions() {
    Arbitrary<String> hosts = Arbitraries.of(HOSTS);
    Arbitrary<Mode> modes = Arbitraries.of(Mode.class);
    Arbitrary<Long> leases = Arbitraries.of(0L, 1000L, 5000L);
    Arbitrary<Long> timeouts = Arbitraries.of(-1L, 0L, 2000L, 4000L);
    Arbitrary<TokenUse> tokens = Arbitraries.of(TokenUse.class);
    Arbitrary<Long> advances =
        Arbitraries.frequencyOf(
            List.of(
                Tuple.of(3, Arbitraries.longs().between(1, 4).map(seconds -> seconds * 1000)),
                Tuple.of(1, Arbitraries.longs().between(1, 4000))));
    return Arbitraries.frequencyOf(
        List.of(
            Tuple.of(5, Combinators.combine(hosts, modes, leases, timeouts).as(Acquire::new)),
            Tuple.of(2, Combinators.combine(hosts, modes, leases).as(TryAcquire::new)),
            Tuple.of(3, Combinators.combine(hosts, tokens).as(ReleaseSlot::new)),
            Tuple.of(2, Combinators.combine(hosts, tokens).as(Renew::new)),
            Tuple.of(1, Arbitraries.just(new Restart())),
            Tuple.of(1, Combinators.combine(hosts, tokens).as(Withdraw::new)),
            Tuple.of(2, hosts.map(Cancel::new)),
            Tuple.of(4, advances.map(Advance::new))));
  }

  /** One try: the pool's settings ({@code maxShared} 0: no bound) and the calls to make. */
  public record Scenario(int maxlocks, int maxShared, long expireMillis, List<Action> actions) {
    @Override
    public String toString() {
      return "maxlocks=" + maxlocks + " maxshared=" + maxShared + " expire=" + expireMillis + " "
          + actions;
    }
  }

  /** Which token a release or renewal names. */
  public enum TokenUse {
    /** None. */
    NONE,
    /** The host's current grant's token; when it holds nothing, its latest earlier one. */
    OWN,
    /** Another holder's token, else an earlier one of the host's, else one never issued. */
    OTHER
  }

  /** One call, or a move of the clock. */
  public sealed interface Action {}

  /** {@code tryAcquire(host, mode, lease)}; lease 0: none. */
  public record TryAcquire(String host, Mode mode, long leaseMillis) implements Action {
    @Override
    public String toString() {
      return "tryAcquire(" + host + ", " + mode.label() + ", lease=" + millis(leaseMillis) + ")";
    }
  }

  /** {@code acquire(host, mode, lease, timeout)}; lease 0: none; timeout -1: none. */
  public record Acquire(String host, Mode mode, long leaseMillis, long timeoutMillis)
      implements Action {
    @Override
    public String toString() {
      return "acquire(" + host + ", " + mode.label() + ", lease=" + millis(leaseMillis) + ", timeout="
          + (timeoutMillis < 0 ? "none" : Long.toString(timeoutMillis)) + ")";
    }
  }

  /** {@code release(host, token)}. */
  public record ReleaseSlot(String host, TokenUse token) implements Action {
    @Override
    public String toString() {
      return "release(" + host + ", token=" + token + ")";
    }
  }

  /** {@code renew(host, token)}. */
  public record Renew(String host, TokenUse token) implements Action {
    @Override
    public String toString() {
      return "renew(" + host + ", token=" + token + ")";
    }
  }

  /** {@code withdraw(host, token)}; no token means the host's own. */
  public record Withdraw(String host, TokenUse token) implements Action {
    @Override
    public String toString() {
      return "withdraw(" + host + ", token=" + token + ")";
    }
  }

  /** Cancels the future of the host's latest acquire (nothing when it never acquired). */
  public record Cancel(String host) implements Action {
    @Override
    public String toString() {
      return "cancel(" + host + ")";
    }
  }

  /** Closes the backend and opens its store again; skipped for a backend that keeps nothing. */
  public record Restart() implements Action {
    @Override
    public String toString() {
      return "restart()";
    }
  }

  /** Moves the clock forward. */
  public record Advance(long millis) implements Action {
    @Override
    public String toString() {
      return "advance(" + millis + ")";
    }
  }

  private static String millis(long millis) {
    return millis == 0 ? "none" : Long.toString(millis);
  }

  private static Optional<Duration> lease(long millis) {
    return millis == 0 ? Optional.empty() : Optional.of(Duration.ofMillis(millis));
  }

  private static Optional<Duration> timeout(long millis) {
    return millis < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(millis));
  }

  // ------------------------------------------------------------------ one try

  /** The backend and the model side by side. */
  private static final class Run {
    private final Scenario scenario;
    private final Pool pool;
    private final ManualTimeSource time;
    private LockBackend backend;
    private final UnaryOperator<LockBackend> restarter;
    private final LockModel model;
    /** The backend's futures, index for index with {@link LockModel#futures()}. */
    private final List<CompletableFuture<Optional<Grant>>> futures = new ArrayList<>();
    private final Map<String, LockModel.FutureModel> latestFuture = new HashMap<>();
    private final List<String> trace = new ArrayList<>();

    Run(
        Scenario scenario,
        Pool pool,
        ManualTimeSource time,
        LockBackend backend,
        UnaryOperator<LockBackend> restarter) {
      this.restarter = restarter;
      this.scenario = scenario;
      this.pool = pool;
      this.time = time;
      this.backend = backend;
      this.model = new LockModel(pool, START_MILLIS);
    }

    void step(Action action) {
      String answer = "";
      if (action instanceof TryAcquire call && model.conflict(call.host(), call.mode()).isPresent()) {
        Mode held = model.conflict(call.host(), call.mode()).get();
        trace.add(action + " -> refused: holds " + held.label());
        checkRefused(held, () -> {
          backend.tryAcquire(pool.name(), call.host(), call.mode(), lease(call.leaseMillis()));
          return null;
        });
      } else if (action instanceof Acquire call && model.conflict(call.host(), call.mode()).isPresent()) {
        Mode held = model.conflict(call.host(), call.mode()).get();
        trace.add(action + " -> refused: holds " + held.label());
        checkRefused(held, () -> backend.acquire(
            pool.name(), call.host(), call.mode(), lease(call.leaseMillis()), timeout(call.timeoutMillis())));
      } else if (action instanceof TryAcquire call) {
        Optional<Grant> actual =
            backend.tryAcquire(pool.name(), call.host(), call.mode(), lease(call.leaseMillis()));
        Optional<LockModel.ExpectedGrant> expected =
            model.tryAcquire(call.host(), call.mode(), lease(call.leaseMillis()));
        answer = " -> " + actual;
        trace.add(action + answer);
        checkAnswer(expected, actual);
      } else if (action instanceof Acquire call) {
        CompletableFuture<Optional<Grant>> actual =
            backend.acquire(
                pool.name(), call.host(), call.mode(), lease(call.leaseMillis()),
                timeout(call.timeoutMillis()));
        LockModel.FutureModel expected =
            model.acquire(
                call.host(), call.mode(), lease(call.leaseMillis()), timeout(call.timeoutMillis()));
        futures.add(actual);
        latestFuture.put(call.host(), expected);
        trace.add(action + " -> future#" + expected.id);
      } else if (action instanceof ReleaseSlot call) {
        OptionalLong token = token(call.host(), call.token());
        Release actual = backend.release(pool.name(), call.host(), token);
        Release expected = model.release(call.host(), token);
        trace.add(action + " [" + token + "] -> " + actual);
        check(expected == actual, () -> "release answered " + actual + ", expected " + expected);
      } else if (action instanceof Renew call) {
        OptionalLong token = token(call.host(), call.token());
        Optional<Grant> actual = backend.renew(pool.name(), call.host(), token);
        Optional<LockModel.ExpectedGrant> expected = model.renew(call.host(), token);
        trace.add(action + " [" + token + "] -> " + actual);
        checkAnswer(expected, actual);
      } else if (action instanceof Withdraw call) {
        TokenUse use = call.token() == TokenUse.NONE ? TokenUse.OWN : call.token();
        long token = token(call.host(), use).getAsLong();
        boolean actual = backend.withdraw(pool.name(), call.host(), token);
        boolean expected = model.withdraw(call.host(), token);
        trace.add(action + " [" + token + "] -> " + actual);
        check(expected == actual, () -> "withdraw answered " + actual + ", expected " + expected);
      } else if (action instanceof Cancel call) {
        LockModel.FutureModel target = latestFuture.get(call.host());
        if (target == null) {
          trace.add(action + " -> no future");
        } else {
          boolean actual = futures.get(target.id).cancel(false);
          boolean expected = model.cancel(target);
          trace.add(action + " future#" + target.id + " -> " + actual);
          check(actual == expected,
              () -> "cancel of future#" + target.id + " returned " + actual + ", expected " + expected);
        }
      } else if (action instanceof Restart) {
        LockBackend next = restarter.apply(backend);
        if (next == null) {
          trace.add(action + " -> not kept across restarts: skipped");
        } else {
          backend = next;
          model.restart();
          trace.add(action + " -> waiters failed, holds kept");
        }
      } else if (action instanceof Advance call) {
        time.advance(call.millis());
        model.advance(call.millis());
        trace.add(action + " -> now " + time.currentTimeMillis());
        check(time.currentTimeMillis() == model.now(), () -> "the clock and the model disagree");
      } else {
        throw new IllegalArgumentException("unknown action " + action);
      }
      verify();
    }

    /** The token to send for {@code use}, from what was observed so far. */
    private OptionalLong token(String host, TokenUse use) {
      Optional<LockModel.Holder> holder = model.holder(host);
      Optional<LockModel.GrantRecord> own =
          holder.map(held -> held.grant).or(() -> model.lastGrant(host));
      switch (use) {
        case NONE:
          return OptionalLong.empty();
        case OWN:
          return OptionalLong.of(own.map(grant -> grant.token).orElse(1L));
        case OTHER:
          for (LockModel.Holder other : model.holders()) {
            if (!other.host().equals(host)) {
              return OptionalLong.of(other.grant.token);
            }
          }
          List<LockModel.GrantRecord> grants = model.grants();
          for (int i = grants.size() - 1; i >= 0; i--) {
            LockModel.GrantRecord earlier = grants.get(i);
            if (earlier.host.equals(host) && own.isPresent() && earlier != own.get()) {
              return OptionalLong.of(earlier.token);
            }
          }
          return OptionalLong.of(own.map(grant -> grant.token + 1).orElse(2L));
        default:
          throw new IllegalArgumentException(use.toString());
      }
    }

    /** Compares everything observable with the model. */
    void verify() {
      model.checkInvariants();
      List<PoolSnapshot> snapshots = backend.snapshot();
      check(snapshots.size() == 1, () -> "snapshot has " + snapshots.size() + " pools");
      PoolSnapshot snapshot = snapshots.get(0);
      check(snapshot.pool().equals(pool), () -> "snapshot of another pool: " + snapshot.pool());

      // The guarantees, on the backend's own picture.
      long exclusive = snapshot.holders().stream().filter(g -> g.mode() == Mode.EXCLUSIVE).count();
      long shared = snapshot.holders().size() - exclusive;
      check(exclusive <= pool.maxlocks(), () -> "more exclusive holders than maxlocks");
      check(pool.maxShared().isEmpty() || shared <= pool.maxShared().getAsInt(),
          () -> "more shared holders than maxshared");
      check(exclusive == 0 || shared == 0, () -> "shared and exclusive holders at once");
      Set<String> holding = snapshot.holders().stream().map(Grant::host).collect(Collectors.toSet());
      Set<String> waiting =
          snapshot.waiters().stream().map(Waiter::host).collect(Collectors.toSet());
      check(holding.size() == snapshot.holders().size(), () -> "a host holds twice");
      check(waiting.size() == snapshot.waiters().size(), () -> "a host waits twice");
      Set<String> both = new HashSet<>(holding);
      both.retainAll(waiting);
      check(both.isEmpty(), () -> "hosts both hold and wait: " + both);

      // Holders, in grant order.
      List<LockModel.Holder> holders = model.holders();
      check(holders.size() == snapshot.holders().size(),
          () -> "snapshot holders " + snapshot.holders() + ", expected " + holders);
      for (int i = 0; i < holders.size(); i++) {
        checkGrant("holder " + i, holders.get(i).expected(), snapshot.holders().get(i));
      }

      // Waiters, in queue order.
      List<Waiter> waiters =
          model.queue().stream()
              .map(place -> new Waiter(place.host, Instant.ofEpochMilli(place.since), place.mode))
              .toList();
      check(waiters.equals(snapshot.waiters()),
          () -> "snapshot waiters " + snapshot.waiters() + ", expected " + waiters);

      // Every future ever returned.
      List<LockModel.FutureModel> expectedFutures = model.futures();
      check(expectedFutures.size() == futures.size(), () -> "futures out of step");
      for (int i = 0; i < futures.size(); i++) {
        checkFuture(expectedFutures.get(i), futures.get(i));
      }

      // Tokens: exactly the current grants' are current.
      for (LockModel.GrantRecord grant : model.grants()) {
        check(grant.token != 0, () -> grant + " was never observed");
        boolean current = model.isCurrent(grant);
        check(backend.isCurrent(pool.name(), grant.token) == current,
            () -> "isCurrent(" + grant.token + ") of " + grant + " should be " + current);
      }
    }

    /** After close: every acquire still pending failed with {@link BackendClosedException}. */
    void verifyClosed() {
      for (LockModel.FutureModel expected : model.futures()) {
        if (expected.state != LockModel.FutureState.PENDING) {
          continue;
        }
        CompletableFuture<Optional<Grant>> actual = futures.get(expected.id);
        check(failedBecauseClosed(actual),
            () -> "after close, pending future#" + expected.id + " should fail with "
                + "BackendClosedException, is " + describe(actual));
      }
    }

    private static boolean failedBecauseClosed(CompletableFuture<Optional<Grant>> actual) {
      if (!actual.isDone() || !actual.isCompletedExceptionally() || actual.isCancelled()) {
        return false;
      }
      try {
        actual.get();
        return false;
      } catch (ExecutionException e) {
        return e.getCause() instanceof BackendClosedException;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    /**
     * A get or wait in the mode the host does not hold: refused with {@link
     * ModeConflictException} naming the mode held, at once or by the future it returns.
     */
    private void checkRefused(Mode held, Supplier<CompletableFuture<Optional<Grant>>> call) {
      Throwable refusal;
      try {
        CompletableFuture<Optional<Grant>> future = call.get();
        check(future != null && future.isCompletedExceptionally(),
            () -> "a get or wait in the other mode was not refused"
                + (future == null ? "" : ": " + describe(future)));
        refusal = future.handle((granted, failure) -> failure).join();
        if (refusal instanceof CompletionException wrapped) {
          refusal = wrapped.getCause();
        }
      } catch (ModeConflictException refused) {
        refusal = refused;
      }
      Throwable seen = refusal;
      check(seen instanceof ModeConflictException conflict && conflict.held() == held,
          () -> "refused with " + seen + ", expected ModeConflictException (holds " + held + ")");
    }

    private void checkAnswer(Optional<LockModel.ExpectedGrant> expected, Optional<Grant> actual) {
      check(expected.isPresent() == actual.isPresent(),
          () -> "answered " + actual + ", expected " + expected.map(Object::toString).orElse("empty"));
      if (expected.isPresent()) {
        checkGrant("answer", expected.get(), actual.get());
      }
    }

    private void checkFuture(
        LockModel.FutureModel expected, CompletableFuture<Optional<Grant>> actual) {
      Supplier<String> problem =
          () -> "future#" + expected.id + " is " + describe(actual) + ", expected " + expected;
      switch (expected.state) {
        case PENDING:
          check(!actual.isDone(), problem);
          break;
        case CANCELLED:
          check(actual.isCancelled(), problem);
          break;
        case CLOSED:
          check(failedBecauseClosed(actual), problem);
          break;
        case EMPTY:
          check(actual.isDone() && !actual.isCompletedExceptionally(), problem);
          check(actual.join().isEmpty(), problem);
          break;
        case GRANTED:
          check(actual.isDone() && !actual.isCompletedExceptionally(), problem);
          check(actual.join().isPresent(), problem);
          checkGrant("future#" + expected.id, expected.result, actual.join().get());
          break;
        default:
          throw new IllegalStateException(expected.state.toString());
      }
    }

    private void checkGrant(String what, LockModel.ExpectedGrant expected, Grant actual) {
      LockModel.GrantRecord record = expected.record();
      Supplier<String> problem = () -> what + " is " + actual + ", expected " + expected;
      check(actual.pool().equals(pool.name()), problem);
      check(actual.host().equals(record.host), problem);
      check(actual.mode() == record.mode, problem);
      check(actual.acquired().equals(Instant.ofEpochMilli(record.acquired)), problem);
      Optional<Instant> expires =
          expected.expires().isPresent()
              ? Optional.of(Instant.ofEpochMilli(expected.expires().getAsLong()))
              : Optional.empty();
      check(actual.expires().equals(expires), problem);
      bind(record, actual.token(), what);
    }

    /**
     * Notes the token of {@code record} on first sight: positive, larger than the tokens of every
     * earlier grant and smaller than those of every later one; afterwards it must stay the same.
     */
    private void bind(LockModel.GrantRecord record, long token, String what) {
      if (record.token != 0) {
        check(record.token == token,
            () -> what + ": token " + token + ", but " + record + " carries " + record.token);
        return;
      }
      check(token > 0, () -> what + ": token " + token + " is not positive");
      for (LockModel.GrantRecord other : model.grants()) {
        if (other.token == 0 || other == record) {
          continue;
        }
        if (other.number < record.number) {
          check(token > other.token,
              () -> what + ": token " + token + " of " + record + " is not above the earlier "
                  + other);
        } else {
          check(token < other.token,
              () -> what + ": token " + token + " of " + record + " is not below the later "
                  + other);
        }
      }
      record.token = token;
    }

    private static String describe(CompletableFuture<Optional<Grant>> future) {
      if (!future.isDone()) {
        return "pending";
      }
      if (future.isCancelled()) {
        return "cancelled";
      }
      try {
        return "done " + future.get();
      } catch (ExecutionException e) {
        return "failed " + e.getCause();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }

    private void check(boolean condition, Supplier<String> problem) {
      if (condition) {
        return;
      }
      StringBuilder message = new StringBuilder(problem.get());
      message.append("\nafter ").append(trace.size()).append(" of ")
          .append(scenario.actions().size()).append(" steps (maxlocks=").append(pool.maxlocks())
          .append(", maxshared=").append(pool.maxShared())
          .append(", expire=").append(pool.expire().toMillis()).append(", start=")
          .append(START_MILLIS).append("):");
      for (int i = 0; i < trace.size(); i++) {
        message.append("\n  ").append(i + 1).append(". ").append(trace.get(i));
      }
      message.append('\n');
      model.describeTo(line -> message.append(line).append('\n'));
      try {
        message.append("backend: ").append(backend.snapshot());
      } catch (RuntimeException e) {
        message.append("backend snapshot failed: ").append(e);
      }
      throw new AssertionError(message.toString());
    }
  }
}
