package io.distributex.shedlock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;

/**
 * ShedLock's {@code FuzzTester}, with the same figures: 8 threads, half on each of two locks, each
 * incrementing its job's plain counter under the lock (read, sleep 1 ms, write) 100 times (one
 * thread 10 times), every lock with {@code lockAtLeastFor} 5 ms. A lost increment means two threads
 * held one lock at once.
 */
final class FuzzTester {
  private static final int THREADS = 8;
  private static final int SHORT_ITERATION = 10;

  private final LockProvider lockProvider;
  private final Duration sleepFor = Duration.ofMillis(1);
  private final Duration lockAtMostFor = Duration.ofMinutes(5);
  private final int iterations = 100;

  FuzzTester(LockProvider lockProvider) {
    this.lockProvider = lockProvider;
  }

  void doFuzzTest() throws InterruptedException, ExecutionException {
    ExecutorService executor = Executors.newFixedThreadPool(THREADS);
    try {
      int[] iters = new int[THREADS];
      Arrays.fill(iters, iterations);
      iters[0] = SHORT_ITERATION;
      Job job1 = new Job("lock1", lockAtMostFor);
      Job job2 = new Job("lock2", lockAtMostFor);

      List<Callable<Void>> tasks = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        int count = iters[i];
        Job job = i % 2 == 0 ? job1 : job2;
        tasks.add(() -> task(count, job));
      }
      for (Future<Void> done : executor.invokeAll(tasks)) {
        done.get();
      }

      assertEquals(THREADS / 2 * iterations, job2.counter);
      assertEquals((THREADS / 2 - 1) * iterations + SHORT_ITERATION, job1.counter);
      sleep(job1.lockConfiguration().getLockAtLeastFor());
    } finally {
      executor.shutdownNow();
    }
  }

  private Void task(int iterations, Job job) throws InterruptedException {
    for (int i = 0; i < iterations; ) {
      Optional<SimpleLock> lock = lockProvider.lock(job.lockConfiguration());
      if (lock.isPresent()) {
        int n = job.counter;
        sleep(sleepFor);
        job.counter = n + 1;
        lock.get().unlock();
        i++;
      }
    }
    return null;
  }

  private static void sleep(Duration duration) throws InterruptedException {
    Thread.sleep(duration.toMillis());
  }

  /** A job: a lock name and a counter that only its lock's holder touches. */
  private static final class Job {
    private final String lockName;
    private final Duration lockAtMostFor;
    private int counter;

    Job(String lockName, Duration lockAtMostFor) {
      this.lockName = lockName;
      this.lockAtMostFor = lockAtMostFor;
    }

    LockConfiguration lockConfiguration() {
      return new LockConfiguration(ClockProvider.now(), lockName, lockAtMostFor, Duration.ofMillis(5));
    }
  }
}
