package io.distributex.server;

import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram of durations in milliseconds, written in seconds: one counter per bucket
 * (cumulated when written, so {@code _count} always equals the {@code +Inf} bucket) and the sum.
 */
final class Histogram {
  /** Upper bounds, from a handoff on one machine (5 ms) to a build that waits half an hour. */
  private static final long[] BOUNDS_MS = {
    5, 10, 50, 100, 500, 1_000, 5_000, 10_000, 30_000, 60_000, 300_000, 1_800_000
  };

  private final LongAdder[] buckets = new LongAdder[BOUNDS_MS.length + 1];
  private final LongAdder sumMillis = new LongAdder();

  Histogram() {
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  void observe(long millis) {
    int bucket = 0;
    while (bucket < BOUNDS_MS.length && millis > BOUNDS_MS[bucket]) {
      bucket++;
    }
    buckets[bucket].increment();
    sumMillis.add(millis);
  }

  /** The {@code _bucket}, {@code _sum} and {@code _count} samples, with one more label pair. */
  void write(PrometheusText out, String name, String label, String value) {
    long cumulative = 0;
    for (int i = 0; i < buckets.length; i++) {
      cumulative += buckets[i].sum();
      String le = i < BOUNDS_MS.length ? PrometheusText.seconds(BOUNDS_MS[i]) : "+Inf";
      out.sample(name + "_bucket", cumulative, label, value, "le", le);
    }
    out.sample(name + "_sum", PrometheusText.seconds(sumMillis.sum()), label, value);
    out.sample(name + "_count", cumulative, label, value);
  }
}
