package io.distributex.cli;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Interrupts a thread once a time has passed, unless called off before: a time limit for a
 * blocking call that has none of its own but ends when interrupted ({@code FileChannel.lock()}).
 */
final class Alarm {
  private final Thread sleeper;

  // Guarded by this.
  private boolean rang;
  private boolean off;

  private Alarm(Thread sleeper) {
    this.sleeper = sleeper;
  }

  /** An alarm that interrupts the calling thread after {@code delay}. */
  static Alarm interruptAfter(Duration delay) {
    Alarm alarm = new Alarm(Thread.currentThread());
    CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS).execute(alarm::ring);
    return alarm;
  }

  private synchronized void ring() {
    if (!off) {
      rang = true;
      sleeper.interrupt();
    }
  }

  /**
   * Calls the alarm off, from the thread it would interrupt; true when it has rung. Its interrupt
   * is then cleared, so that it cannot stop what the thread does next (an interrupt from elsewhere
   * that came at the same time is cleared with it: its sender must record why).
   */
  synchronized boolean callOff() {
    if (!off) {
      off = true;
      if (rang) {
        Thread.interrupted();
      }
    }
    return rang;
  }
}
