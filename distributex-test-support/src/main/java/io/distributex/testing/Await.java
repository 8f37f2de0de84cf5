package io.distributex.testing;

import io.distributex.core.BackendUnavailableException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Bounded polling: ask again and again until the answer is the one awaited, and fail with an
 * {@link AssertionError} that names what was awaited and the last answer once the limit has
 * passed. Nothing here waits without a deadline.
 */
public final class Await {
  /** The pause between two questions of {@link #value} and {@link #atMost}. */
  private static final Duration PAUSE = Duration.ofMillis(10);

  /** What a wait asks again and again; it may throw {@code E}. */
  @FunctionalInterface
  public interface Probe<T, E extends Exception> {
    T get() throws E;
  }

  private Await() {}

  /** Polls {@code actual} every 10 ms until it equals {@code expected}; fails after {@code limit}. */
  public static <T, E extends Exception> void value(String what, Duration limit, Probe<T, E> actual, T expected)
      throws E {
    until(what + ": expected " + expected, limit, PAUSE, actual, value -> Objects.equals(value, expected));
  }

  /** Polls {@code actual} every 10 ms until it is at most {@code bound}; fails after {@code limit}. */
  public static <E extends Exception> void atMost(String what, Duration limit, Probe<Long, E> actual, long bound)
      throws E {
    until(what + ": expected at most " + bound, limit, PAUSE, actual, value -> value <= bound);
  }

  /**
   * Polls {@code actual} until {@code done} accepts its answer, which it returns, and fails after
   * {@code limit}. Between two questions it sleeps {@code pause}, or, when that is zero, only
   * spins ({@link Thread#onSpinWait}): for waits that a timed measurement follows, where a
   * sleeping thread would wake too late.
   */
  public static <T, E extends Exception> T until(
      String what, Duration limit, Duration pause, Probe<T, E> actual, Predicate<? super T> done) throws E {
    long deadline = System.nanoTime() + limit.toNanos();
    T last = actual.get();
    while (!done.test(last)) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(what + " within " + limit + ", still " + last);
      }
      if (pause.isZero()) {
        Thread.onSpinWait();
      } else {
        sleep(pause);
      }
      last = actual.get();
    }
    return last;
  }

  /**
   * The first answer of {@code call} that is not a {@link BackendUnavailableException} (a store
   * coming back), asked every 50 ms; once {@code limit} has passed, that exception.
   */
  public static <T> T available(Duration limit, Supplier<T> call) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      try {
        return call.get();
      } catch (BackendUnavailableException reconnecting) {
        if (System.nanoTime() - deadline > 0) {
          throw reconnecting;
        }
        sleep(Duration.ofMillis(50));
      }
    }
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}
