package io.distributex.testing;

import io.distributex.core.TimeSource;
import java.util.PriorityQueue;

/**
 * A clock that moves only when a test says so. Tasks run in the calling thread of
 * {@link #advance}, in deadline order, ties in the order they were scheduled, with the clock set
 * to each task's deadline while it runs. {@link #jumpWallClock} moves the wall clock alone, as an
 * operator or a faulty time sync would; the monotonic clock and the tasks do not notice.
 */
public final class ManualTimeSource implements TimeSource {
  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private long now;
  private long wallOffset;
  private long sequence;

  public ManualTimeSource(long startMillis) {
    this.now = startMillis;
  }

  @Override
  public synchronized long currentTimeMillis() {
    return now + wallOffset;
  }

  @Override
  public synchronized long elapsedMillis() {
    return now;
  }

  /** Moves the wall clock by {@code millis} (back when negative) without running any task. */
  public synchronized void jumpWallClock(long millis) {
    wallOffset += millis;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delayMillis) {
    Task scheduled = new Task(now + Math.max(0, delayMillis), sequence++, task);
    tasks.add(scheduled);
    return () -> {
      synchronized (this) {
        tasks.remove(scheduled);
      }
    };
  }

  /** Moves the clock forward by {@code millis}, running every task that falls due. */
  public void advance(long millis) {
    long target;
    synchronized (this) {
      target = now + millis;
    }
    while (true) {
      Task due;
      synchronized (this) {
        due = tasks.peek();
        if (due == null || due.deadline > target) {
          now = target;
          return;
        }
        tasks.poll();
        now = due.deadline;
      }
      due.action.run();
    }
  }

  /** The number of tasks still scheduled. */
  public synchronized int pending() {
    return tasks.size();
  }

  private record Task(long deadline, long sequence, Runnable action) implements Comparable<Task> {
    @Override
    public int compareTo(Task other) {
      int byDeadline = Long.compare(deadline, other.deadline);
      return byDeadline != 0 ? byDeadline : Long.compare(sequence, other.sequence);
    }
  }
}
