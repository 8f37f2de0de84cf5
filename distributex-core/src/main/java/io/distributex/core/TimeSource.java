package io.distributex.core;

/**
 * Where a backend reads the time and schedules its deadlines (expiry, wait timeouts). Injected so
 * that tests move time by hand instead of sleeping.
 */
public interface TimeSource {

  /** The wall-clock time in epoch milliseconds. */
  long currentTimeMillis();

  /**
   * A monotonic clock in milliseconds, from an arbitrary origin: only differences mean anything,
   * and it never jumps when the wall clock is set. Delays of {@link #schedule} run on it.
   */
  long elapsedMillis();

  /**
   * Runs {@code task} once, {@code delayMillis} from now, on a thread of the time source.
   *
   * @return a handle whose {@link Cancellable#cancel()} stops the task if it has not started
   */
  Cancellable schedule(Runnable task, long delayMillis);

  /** A scheduled task that can still be called off. */
  @FunctionalInterface
  interface Cancellable {
    void cancel();
  }

  /** The system clock with one daemon scheduler thread. */
  static TimeSource system() {
    return SystemTimeSource.INSTANCE;
  }
}
