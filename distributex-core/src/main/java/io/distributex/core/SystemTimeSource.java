package io.distributex.core;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The real clock; deadlines run on one shared daemon thread. */
final class SystemTimeSource implements TimeSource {
  static final SystemTimeSource INSTANCE = new SystemTimeSource();

  private final ScheduledThreadPoolExecutor scheduler;

  private SystemTimeSource() {
    scheduler =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread = new Thread(task, "distributex-deadlines");
              thread.setDaemon(true);
              return thread;
            });
    // Tens of thousands of waiters with timeouts are cancelled far more often than they fire.
    scheduler.setRemoveOnCancelPolicy(true);
  }

  @Override
  public long currentTimeMillis() {
    return System.currentTimeMillis();
  }

  @Override
  public long elapsedMillis() {
    return System.nanoTime() / 1_000_000;
  }

  @Override
  public Cancellable schedule(Runnable task, long delayMillis) {
    var future = scheduler.schedule(task, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
    return () -> future.cancel(false);
  }
}
