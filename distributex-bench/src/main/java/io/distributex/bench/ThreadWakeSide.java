package io.distributex.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The floor of every hop between threads, in the same rounds as the lock services: an idle pool
 * thread, parked as long as the waiters, is handed a task, and the time until it runs it is timed.
 * Not a lock service: {@link #park} and {@link #reset} do nothing.
 */
final class ThreadWakeSide implements HandoffSide {
  private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
    Thread daemon = new Thread(task, "bench-idle-thread");
    daemon.setDaemon(true);
    return daemon;
  });

  @Override
  public String name() {
    return "one idle thread woken (floor of a hop)";
  }

  @Override
  public void park() {}

  @Override
  public long handOff() {
    long[] ran = new long[1];
    CountDownLatch done = new CountDownLatch(1);
    long start = System.nanoTime();
    thread.execute(() -> {
      ran[0] = System.nanoTime();
      done.countDown();
    });
    try {
      if (!done.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("an idle thread did not run its task within 10 s");
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(interrupted);
    }
    return ran[0] - start;
  }

  @Override
  public void reset() {}

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
