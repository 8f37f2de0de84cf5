package io.distributex.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server's threads: requests never queue for a thread; beyond the platform limit, refused. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServerThreadsTest {
  @Test
  void platformThreadsRunEveryTaskAtOnceUpToTheirLimitAndRefuseTheNext() throws Exception {
    ExecutorService threads = ServerThreads.platform(3);
    CountDownLatch running = new CountDownLatch(3);
    CountDownLatch release = new CountDownLatch(1);
    try {
      for (int i = 0; i < 3; i++) {
        threads.execute(
            () -> {
              running.countDown();
              await(release);
            });
      }
      assertTrue(running.await(10, TimeUnit.SECONDS), "three blocked tasks should all be running");
      assertThrows(RejectedExecutionException.class, () -> threads.execute(() -> {}));
      release.countDown();
      CountDownLatch later = new CountDownLatch(1);
      assertEventuallyAccepted(threads, later);
      assertTrue(later.await(10, TimeUnit.SECONDS), "a task after the others ended should run");
    } finally {
      release.countDown();
      threads.shutdownNow();
    }
  }

  @Test
  void requestsGetVirtualThreadsFromJdk24On() throws Exception {
    ExecutorService threads = ServerThreads.forRequests();
    try {
      boolean[] virtual = new boolean[1];
      CountDownLatch ran = new CountDownLatch(1);
      threads.execute(
          () -> {
            virtual[0] = Thread.currentThread().getClass().getSimpleName().equals("VirtualThread");
            ran.countDown();
          });
      assertTrue(ran.await(10, TimeUnit.SECONDS));
      assertEquals(Runtime.version().feature() >= 24, virtual[0]);
    } finally {
      threads.shutdownNow();
    }
  }

  /** The pool may still be handing its threads back: try a few times. */
  private static void assertEventuallyAccepted(ExecutorService threads, CountDownLatch ran) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        threads.execute(ran::countDown);
        return;
      } catch (RejectedExecutionException stillBusy) {
        if (System.nanoTime() > deadline) {
          throw stillBusy;
        }
        Thread.sleep(10);
      }
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(20, TimeUnit.SECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
