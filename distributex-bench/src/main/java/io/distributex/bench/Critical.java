package io.distributex.bench;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The section run under a lock, for any lock: it counts the grants and the overlaps (another
 * thread inside), and bumps a plain counter, which comes out short of the grants if two ever ran
 * at once. It records the handoff, from the previous holder leaving to this grant, as {@code
 * handoff} with {@link FigureProfiler}, with {@code grants} and {@code overlaps}.
 */
final class Critical {
  private final AtomicInteger inside = new AtomicInteger();
  private final AtomicLong grants = new AtomicLong();
  private final AtomicLong overlaps = new AtomicLong();
  private final FigureProfiler.Durations handoffs = FigureProfiler.durations("handoff");
  private final LongAdder grantCount = FigureProfiler.counter("grants");
  private final LongAdder overlapCount = FigureProfiler.counter("overlaps");
  /** Plain on purpose: only ever changed inside the lock. */
  private long counter;
  private volatile long leftAt;

  /** Runs the section; call it holding the lock, just after the grant, just before the release. */
  void enterAndLeave() {
    long now = System.nanoTime();
    long previous = leftAt;
    if (previous != 0) {
      handoffs.add(now - previous);
    }
    grants.incrementAndGet();
    grantCount.increment();
    if (inside.incrementAndGet() != 1) {
      overlaps.incrementAndGet();
      overlapCount.increment();
    }
    counter++;
    inside.decrementAndGet();
    leftAt = System.nanoTime();
  }

  /** Throws when two were ever inside at once, or an update of the plain counter was lost. */
  void check() {
    long granted = grants.get();
    if (overlaps.get() != 0 || counter != granted) {
      throw new IllegalStateException(overlaps.get() + " overlaps in " + granted + " grants; plain counter "
          + counter + ": two were inside at once");
    }
  }
}
