package io.distributex.core.spi;

import io.distributex.core.TimeSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fencing tokens that keep increasing across restarts without any stored state: each token is at
 * least the current time in microseconds-since-epoch resolution ({@code millis * 1000}) and
 * always above the previous one. A restarted server starts above every token the previous run
 * could have issued unless that run granted more than 1,000 slots per millisecond on average, or
 * the clock was set back between the runs.
 */
public final class TokenSequence {
  /** Tokens per millisecond of the clock: a token is at least {@code epochMillis * PER_MILLI}. */
  public static final long PER_MILLI = 1000;

  private final TimeSource time;
  private final AtomicLong last = new AtomicLong();

  public TokenSequence(TimeSource time) {
    this(time, 0);
  }

  /** Tokens above {@code floor} too: every token answered before a restart, say. */
  public TokenSequence(TimeSource time, long floor) {
    this.time = time;
    this.last.set(floor);
  }

  public long next() {
    long floor = time.currentTimeMillis() * PER_MILLI;
    return last.accumulateAndGet(floor, (previous, now) -> Math.max(previous + 1, now));
  }
}
