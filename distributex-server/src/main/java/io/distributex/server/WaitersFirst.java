package io.distributex.server;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes the answers of the waits that a request completed (a {@code /release/} handing its slot
 * on, to one writer or to several readers) before that request's own answer, on the same thread:
 * the waiters, whose handoff is the point of a lock service, hear first, and the releaser's
 * answer costs them nothing.
 *
 * <p>An answer can block: a client that stops reading, with its connection's buffers full, holds
 * the write for as long as it likes. Such a waiter must delay neither the releaser nor the other
 * waiters, so a watch looks every {@code patience}: when one write has taken longer than {@code
 * patience}, the answers still behind it are handed to the answer threads, each on its own. The
 * delay one client can cause the others is thus at most twice {@code patience}.
 */
final class WaitersFirst {
  private static final System.Logger LOG = System.getLogger(WaitersFirst.class.getName());

  /** A request's own answer, to write once. */
  interface OwnAnswer {
    void write() throws IOException;
  }

  private final Executor answers;
  private final long patienceNanos;
  private final Set<InTurn> writing = ConcurrentHashMap.newKeySet();

  /**
   * @param answers where answers held up by a slow write are written
   * @param watch the thread that looks for slow writes, every {@code patience}
   */
  WaitersFirst(Executor answers, ScheduledExecutorService watch, Duration patience) {
    this.answers = answers;
    this.patienceNanos = patience.toNanos();
    watch.scheduleWithFixedDelay(this::handOnOverdue, patienceNanos, patienceNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Runs {@code waiters} (each writes one waiter's answer and handles its own failure) in order,
   * then writes {@code own}, unless the watch has handed them to the answer threads meanwhile.
   *
   * @param own this request's answer; null when it has none to write now (it was parked)
   * @throws IOException when {@code own}, written here, cannot be written
   */
  void answer(Collection<Runnable> waiters, OwnAnswer own) throws IOException {
    if (waiters.size() + (own == null ? 0 : 1) <= 1) {
      waiters.forEach(Runnable::run); // nothing behind it to hold up
      if (own != null) {
        own.write();
      }
      return;
    }
    InTurn turn = new InTurn(waiters, own);
    writing.add(turn);
    try {
      for (Runnable waiter = turn.next(); waiter != null; waiter = turn.next()) {
        waiter.run();
      }
    } finally {
      writing.remove(turn);
    }
    if (turn.keepOwn()) {
      own.write();
    }
  }

  private void handOnOverdue() {
    long now = System.nanoTime();
    for (InTurn turn : writing) {
      List<Runnable> behind = turn.handOnIfOverdue(now - patienceNanos);
      if (!behind.isEmpty()) {
        writing.remove(turn);
        LOG.log(Level.DEBUG, "an answer is slow to write: the " + behind.size() + " behind it go to the answer threads");
        behind.forEach(answers::execute);
      }
    }
  }

  /** The answers one thread writes in turn; the watch may take those not begun yet. */
  private static final class InTurn {
    private final Deque<Runnable> waiters;
    private final OwnAnswer own;
    private long writeBegan = System.nanoTime();
    private boolean handedOn;

    InTurn(Collection<Runnable> waiters, OwnAnswer own) {
      this.waiters = new ArrayDeque<>(waiters);
      this.own = own;
    }

    /** The next waiter's answer to write, or null when none is left here. */
    synchronized Runnable next() {
      writeBegan = System.nanoTime();
      return handedOn ? null : waiters.poll();
    }

    /** Whether the own answer is still this thread's to write. */
    synchronized boolean keepOwn() {
      boolean keep = !handedOn && own != null;
      handedOn = true;
      return keep;
    }

    /** When the write under way began before {@code overdueBefore}: every answer behind it. */
    synchronized List<Runnable> handOnIfOverdue(long overdueBefore) {
      if (handedOn || writeBegan - overdueBefore > 0) {
        return List.of();
      }
      handedOn = true;
      List<Runnable> behind = new ArrayList<>(waiters);
      waiters.clear();
      if (own != null) {
        behind.add(() -> writeQuietly(own));
      }
      return behind;
    }

    private static void writeQuietly(OwnAnswer own) {
      try {
        own.write();
      } catch (IOException gone) {
        // The client left: the exchange is closed, there is nobody to tell.
      }
    }
  }
}
