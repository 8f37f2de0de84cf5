package io.distributex.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request's own answer is written after the waiters' answers it completed, on the same thread;
 * a waiter's answer that cannot be written (its client does not read: here a write that blocks
 * until the test lets it go) holds neither the own answer nor the other waiters' answers beyond
 * the watch's patience. Without the watch's hand-over, the answers behind the blocked one wait
 * for it and the tests time out.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WaitersFirstTest {
  private final ExecutorService answers = ServerThreads.forAnswers(2);
  private final ScheduledExecutorService watch = ServerThreads.forWatch();
  private final List<String> written = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    answers.shutdownNow();
    watch.shutdownNow();
  }

  @Test
  void theWaitersAnswersGoFirstThenTheOwnOnTheSameThread() throws Exception {
    WaitersFirst waitersFirst = new WaitersFirst(answers, watch, Duration.ofMinutes(1));
    Thread caller = Thread.currentThread();

    waitersFirst.answer(List.of(() -> written.add("YES b"), () -> written.add("YES c")), () -> {
      assertEquals(caller, Thread.currentThread(), "the own answer's thread");
      written.add("OK");
    });

    assertEquals(List.of("YES b", "YES c", "OK"), written);
  }

  @Test
  void withoutWaitersOrWithoutAnOwnAnswerEachIsWrittenAtOnce() throws Exception {
    WaitersFirst waitersFirst = new WaitersFirst(answers, watch, Duration.ofMinutes(1));

    waitersFirst.answer(List.of(), () -> written.add("OK"));
    waitersFirst.answer(List.of(() -> written.add("YES b")), null);

    assertEquals(List.of("OK", "YES b"), written);
  }

  /** Readers granted together by one release: one that does not read holds up no other. */
  @Test
  void aWaiterWhoseAnswerBlocksDoesNotHoldTheWaitersBehindIt() throws Exception {
    WaitersFirst waitersFirst = new WaitersFirst(answers, watch, Duration.ofMillis(20));
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch othersWritten = new CountDownLatch(2);
    Runnable unreadWaiter = unread(reading, "YES b");
    Thread releaser = new Thread(() -> {
      try {
        waitersFirst.answer(
            List.of(unreadWaiter, () -> {
              written.add("YES c");
              othersWritten.countDown();
            }),
            () -> {
              written.add("OK");
              othersWritten.countDown();
            });
      } catch (Exception unexpected) {
        written.add("failed: " + unexpected);
      }
    }, "releaser");
    releaser.start();

    assertTrue(othersWritten.await(10, TimeUnit.SECONDS), "c's answer and the own answer are written while b's blocks");
    reading.countDown();
    releaser.join(TimeUnit.SECONDS.toMillis(10));
    assertEquals(3, written.size(), () -> "written once each: " + written);
    assertEquals("YES b", written.get(2));
  }

  @Test
  void aWaiterWhoseAnswerBlocksDoesNotHoldTheOwnAnswer() throws Exception {
    WaitersFirst waitersFirst = new WaitersFirst(answers, watch, Duration.ofMillis(20));
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch ownWritten = new CountDownLatch(1);
    Runnable unreadWaiter = unread(reading, "YES b");
    Thread releaser = new Thread(() -> {
      try {
        waitersFirst.answer(List.of(unreadWaiter), () -> {
          written.add("OK from " + Thread.currentThread().getName());
          ownWritten.countDown();
        });
      } catch (Exception unexpected) {
        written.add("failed: " + unexpected);
      }
    }, "releaser");
    releaser.start();

    assertTrue(ownWritten.await(10, TimeUnit.SECONDS), "the own answer is written while the waiter blocks");
    reading.countDown();
    releaser.join(TimeUnit.SECONDS.toMillis(10));

    assertEquals(2, written.size(), () -> "written once each: " + written);
    assertTrue(written.get(0).startsWith("OK from distributex-answer-"), () -> "written: " + written);
    assertEquals("YES b", written.get(1));
  }

  /** A waiter's answer whose write blocks until {@code reading} opens (its client reads again). */
  private Runnable unread(CountDownLatch reading, String answer) {
    return () -> {
      try {
        reading.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      written.add(answer);
    };
  }
}
