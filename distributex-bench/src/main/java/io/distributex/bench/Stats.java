package io.distributex.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Percentiles (nearest rank) of a set of durations in nanoseconds, and how to print durations.
 *
 * @param count how many samples
 * @param p50 median
 * @param p90 90th percentile
 * @param p99 99th percentile
 * @param max the largest sample
 */
record Stats(int count, long p50, long p90, long p99, long max) {
  /** The percentiles of {@code nanos}, which must not be empty. */
  static Stats of(long[] nanos) {
    if (nanos.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return new Stats(
        sorted.length, rank(sorted, 0.50), rank(sorted, 0.90), rank(sorted, 0.99), sorted[sorted.length - 1]);
  }

  private static long rank(long[] sorted, double p) {
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  /** A duration in the unit that suits it: {@code 87.3 us}, {@code 1.24 ms}, {@code 2.31 s}. */
  static String time(long nanos) {
    long size = Math.abs(nanos);
    if (size < 1_000_000) {
      return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
    }
    if (size < 1_000_000_000) {
      return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  /** A byte count with its KiB/MiB reading: {@code 10240 B (10.0 KiB)}. */
  static String bytes(double bytes) {
    double kib = bytes / 1024;
    String unit = Math.abs(kib) >= 1024 ? String.format(Locale.ROOT, "%.1f MiB", kib / 1024)
        : String.format(Locale.ROOT, "%.1f KiB", kib);
    return String.format(Locale.ROOT, "%.0f B (%s)", bytes, unit);
  }

  /** A size in MiB: {@code 416.7 MiB}. */
  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }

  /** A rate with thousands separators: {@code 12,345}. */
  static String count(double value) {
    return String.format(Locale.ROOT, "%,.0f", value);
  }
}
