package io.distributex.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Many threads at once on one task, for the tests that hammer a lock (also used by the server's). */
public final class Concurrently {
  /** How long the threads may take to end once every task is done. */
  private static final Duration END = Duration.ofSeconds(10);

  /** What thread number {@code index} (0, 1, ...) does. */
  @FunctionalInterface
  public interface Task {
    void run(int index) throws Exception;
  }

  private Concurrently() {}

  /**
   * Runs {@code task} on {@code threads} threads of its own, all released at the same moment, and
   * waits for each in turn for up to {@code limit}: the first failure (an {@link
   * java.util.concurrent.ExecutionException}) or time out ends the run, and the threads are
   * interrupted. When every task is done, the threads must end within 10 s.
   */
  public static void run(int threads, Duration limit, Task task) throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int index = t;
        done.add(
            executor.submit(
                () -> {
                  start.await();
                  task.run(index);
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> each : done) {
        each.get(limit.toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      executor.shutdownNow();
    }
    if (!executor.awaitTermination(END.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the threads did not end within " + END + " of their tasks");
    }
  }
}
