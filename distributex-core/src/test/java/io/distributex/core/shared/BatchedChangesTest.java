package io.distributex.core.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Flat combining of one pool's changes: who writes a change, and when its caller goes on. */
@Timeout(30)
class BatchedChangesTest {
  /**
   * A change written by another thread's turn returns only once that thread has handed its state
   * to {@link BatchedChanges.Writer#written} (where the local waits are answered). Before the fix
   * it returned as soon as its result was set: a release through a server could answer before the
   * wait it ended did, and the model test of the etcd backend saw that wait still pending.
   */
  @Test
  void aChangeWrittenByAnotherThreadReturnsAfterItsStateWasHandedOn() throws Exception {
    CountDownLatch secondQueued = new CountDownLatch(1);
    CountDownLatch handingOn = new CountDownLatch(1);
    CountDownLatch handedOn = new CountDownLatch(1);
    BatchedChanges batches =
        new BatchedChanges(
            new BatchedChanges.Writer() {
              @Override
              public StoredPool write(List<BatchedChanges.Change<?>> batch) {
                batch.forEach(BatchedChangesTest::complete);
                return StoredPool.empty(1);
              }

              @Override
              public void written(StoredPool state) {
                handingOn.countDown();
                await(handedOn);
              }
            });
    Thread first =
        new Thread(
            () ->
                batches.apply(
                    edit -> {
                      await(secondQueued); // holds the turn until the second change waits for it
                      return "first";
                    },
                    state -> {}));
    first.start();
    AtomicReference<String> secondResult = new AtomicReference<>();
    Thread second = new Thread(() -> secondResult.set(batches.apply(edit -> "second", state -> {})));
    awaitParked(first);
    second.start();
    awaitParked(second);
    secondQueued.countDown();

    assertTrue(handingOn.await(10, TimeUnit.SECONDS), "the first thread writes both and hands on");
    second.join(200);
    assertTrue(second.isAlive(), "the second change returned before its state was handed on");
    handedOn.countDown();
    second.join(10_000);
    first.join(10_000);
    assertEquals("second", secondResult.get());
  }

  @SuppressWarnings("unchecked")
  private static <T> void complete(BatchedChanges.Change<T> change) {
    change.result.complete(change.operation.apply(null));
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(10, TimeUnit.SECONDS));
    } catch (InterruptedException interrupted) {
      throw new AssertionError(interrupted);
    }
  }

  /** Waits (at most 10 s) until {@code thread} is parked: blocked in a latch or a join. */
  private static void awaitParked(Thread thread) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TIMED_WAITING) {
      assertTrue(System.nanoTime() < deadline, thread + " never parked");
      Thread.sleep(5);
    }
  }
}
