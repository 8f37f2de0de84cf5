package io.distributex.core;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Fencing tokens that keep increasing across restarts without any stored state: each token is at
 * least the current time in microseconds-since-epoch resolution ({@code millis * 1000}) and
 * always above the previous one. A restarted server starts above every token the previous run
 * could have issued unless that run granted more than 1,000 slots per millisecond on average, or
 * the clock was set back between the runs.
 */
final class TokenSequence {
  static final long PER_MILLI = 1000;

  private final TimeSource time;
  private final AtomicLong last = new AtomicLong();

  TokenSequence(TimeSource time) {
    this.time = time;
  }

  long next() {
    long floor = time.currentTimeMillis() * PER_MILLI;
    return last.accumulateAndGet(floor, (previous, now) -> Math.max(previous + 1, now));
  }
}
