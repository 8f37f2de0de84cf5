package io.distributex.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Carries the figures a JMH benchmark has beside its score out of its fork, as secondary
 * results: counts ({@link #counter}, summed over the measured iterations) and durations ({@link
 * #durations}, reported as {@code NAME p50} and {@code NAME p99} in microseconds, averaged over
 * the measured iterations). Each iteration starts from zero. JMH runs one benchmark per fork, so
 * the figures can live in this class. Public with a public constructor because JMH makes it by
 * name ({@code -prof io.distributex.bench.FigureProfiler} when running JMH directly).
 */
public final class FigureProfiler implements InternalProfiler {
  private static final Map<String, LongAdder> COUNTERS = new ConcurrentHashMap<>();
  private static final Map<String, Durations> DURATIONS = new ConcurrentHashMap<>();

  /** Count {@code name}: a benchmark keeps it and adds to it. */
  static LongAdder counter(String name) {
    return COUNTERS.computeIfAbsent(name, n -> new LongAdder());
  }

  /** Durations {@code name}: a benchmark keeps them and adds to them. */
  static Durations durations(String name) {
    return DURATIONS.computeIfAbsent(name, n -> new Durations());
  }

  @Override
  public String getDescription() {
    return "Distributex benchmark figures: counts and duration percentiles the benchmark records";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    COUNTERS.values().forEach(LongAdder::reset);
    DURATIONS.values().forEach(Durations::reset);
  }

  @Override
  @SuppressWarnings("rawtypes") // JMH's interface has the raw type
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    List<ScalarResult> figures = new ArrayList<>();
    COUNTERS.forEach((name, count) -> figures.add(new ScalarResult(name, count.sum(), "#", AggregationPolicy.SUM)));
    DURATIONS.forEach((name, durations) -> {
      long[] values = durations.values();
      if (values.length > 0) {
        Stats stats = Stats.of(values);
        figures.add(new ScalarResult(name + " p50", stats.p50() / 1e3, "us", AggregationPolicy.AVG));
        figures.add(new ScalarResult(name + " p99", stats.p99() / 1e3, "us", AggregationPolicy.AVG));
      }
    });
    return figures;
  }

  /**
   * The durations of one name, in a fixed array so that recording never allocates; beyond about a
   * million in one iteration, the rest are left out.
   */
  static final class Durations {
    private static final int MAX = 1 << 20;

    private final long[] nanos = new long[MAX];
    private final AtomicInteger size = new AtomicInteger();

    void add(long value) {
      int i = size.getAndIncrement();
      if (i < MAX) {
        nanos[i] = value;
      }
    }

    private long[] values() {
      return Arrays.copyOf(nanos, Math.min(size.get(), MAX));
    }

    private void reset() {
      size.set(0);
    }
  }
}
