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
 *
 * <p>A platform thread woken from idle (it had answered nothing for {@link #IDLE}) yields its CPU
 * between the waiters' answers and its own. A socket that becomes readable wakes its reader as a
 * "sync" wake-up: Linux often puts the reader on the writer's CPU, expecting the writer to sleep.
 * This thread does not sleep yet, it still has the releaser's answer to write, and without the
 * yield a client on the same machine waits for that (on a 2-core VM after a real wait, the woken
 * client waited 3-91 µs for it, see docs/performance.md). A busy thread does not yield: there,
 * other threads are runnable too, and the yield measured slower (a chain of handoffs 18-24% slower
 * per handoff). Nor does a virtual thread, whose yield only lets another virtual thread have the
 * carrier, and measured slower too.
 */
final class WaitersFirst {
  private static final System.Logger LOG = System.getLogger(WaitersFirst.class.getName());

  /** A request's own answer, to write once. */
  interface OwnAnswer {
    void write() throws IOException;
  }

  /** A request thread that answered nothing for this long is idle: it yields to the waiters. */
  static final Duration IDLE = Duration.ofMillis(10);

  private final Executor answers;
  private final long patienceNanos;
  private final boolean yieldBeforeOwn;
  /** Per request thread: when it last answered. */
  private final ThreadLocal<long[]> lastAnswered =
      ThreadLocal.withInitial(() -> new long[] {System.nanoTime() - IDLE.toNanos()});
  private final Set<InTurn> writing = ConcurrentHashMap.newKeySet();

  /**
   * @param answers where answers held up by a slow write are written
   * @param watch the thread that looks for slow writes, every {@code patience}
   * @param yieldBeforeOwn whether a request's thread woken from idle yields between the waiters'
   *     answers and its own: true when requests are served on platform threads
   */
  WaitersFirst(Executor answers, ScheduledExecutorService watch, Duration patience, boolean yieldBeforeOwn) {
    this.answers = answers;
    this.patienceNanos = patience.toNanos();
    this.yieldBeforeOwn = yieldBeforeOwn;
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
    boolean yieldToWaiters = yieldBeforeOwn && wokenFromIdle();
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
      if (yieldToWaiters) {
        Thread.yield(); // the waiters' clients first
      }
      own.write();
    }
  }

  /** Whether this thread had answered nothing for {@link #IDLE}; it has now. */
  private boolean wokenFromIdle() {
    long[] last = lastAnswered.get();
    long now = System.nanoTime();
    boolean idle = now - last[0] >= IDLE.toNanos();
    last[0] = now;
    return idle;
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
