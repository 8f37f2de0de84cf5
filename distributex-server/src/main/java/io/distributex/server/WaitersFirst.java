package io.distributex.server;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes the answers of the waits that a request completed (a {@code /release/} handing its slot
 * on) before that request's own answer, on the same thread: the waiter, whose handoff is the
 * point of a lock service, hears first, and the releaser's answer costs it nothing.
 *
 * <p>A waiter's answer can block: a client that stops reading, with its connection's buffers
 * full, holds the write for as long as it likes. Such a waiter must not delay the releaser, so a
 * watch looks every {@code patience}: a request's own answer still behind its waiters' answers
 * after {@code patience} is written by one of the answer threads instead, whichever claims it
 * first. The delay a waiter can cause a releaser is thus at most twice {@code patience}.
 */
final class WaitersFirst {
  private static final System.Logger LOG = System.getLogger(WaitersFirst.class.getName());

  /** A request's own answer, to write once. */
  interface OwnAnswer {
    void write() throws IOException;
  }

  private final Executor answers;
  private final long patienceNanos;
  private final Set<Behind> behind = ConcurrentHashMap.newKeySet();

  /**
   * @param answers where an overdue own answer is written
   * @param watch the thread that looks for overdue answers, every {@code patience}
   */
  WaitersFirst(Executor answers, ScheduledExecutorService watch, Duration patience) {
    this.answers = answers;
    this.patienceNanos = patience.toNanos();
    watch.scheduleWithFixedDelay(this::handOverdue, patienceNanos, patienceNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Runs {@code waiters} (each writes one waiter's answer and handles its own failure), then
   * writes {@code own} unless the watch has handed it to an answer thread meanwhile.
   *
   * @param own this request's answer; null when it has none to write now (it was parked)
   * @throws IOException when {@code own}, written here, cannot be written
   */
  void answer(Collection<Runnable> waiters, OwnAnswer own) throws IOException {
    if (waiters.isEmpty() || own == null) {
      waiters.forEach(Runnable::run);
      if (own != null) {
        own.write();
      }
      return;
    }
    Behind late = new Behind(own, System.nanoTime() + patienceNanos);
    behind.add(late);
    try {
      waiters.forEach(Runnable::run);
    } finally {
      behind.remove(late);
      if (late.claim()) {
        own.write();
      }
    }
  }

  private void handOverdue() {
    long now = System.nanoTime();
    for (Behind late : behind) {
      if (now - late.deadline >= 0 && late.claim()) {
        behind.remove(late);
        LOG.log(Level.DEBUG, "a waiter's answer is slow to write: the answer behind it goes first");
        answers.execute(late::writeQuietly);
      }
    }
  }

  /** An own answer behind its waiters' answers, until {@code deadline} (nanoTime). */
  private static final class Behind {
    private final OwnAnswer own;
    private final long deadline;
    private final AtomicBoolean claimed = new AtomicBoolean();

    Behind(OwnAnswer own, long deadline) {
      this.own = own;
      this.deadline = deadline;
    }

    /** Whether the caller is the one to write it. */
    boolean claim() {
      return claimed.compareAndSet(false, true);
    }

    void writeQuietly() {
      try {
        own.write();
      } catch (IOException gone) {
        // The client left: the exchange is closed, there is nobody to tell.
      }
    }
  }
}
