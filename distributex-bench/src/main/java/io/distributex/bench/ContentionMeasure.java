package io.distributex.bench;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * {@code contention}: {@link ContentionBenchmark}, {@value ContentionBenchmark#CLIENTS} clients on
 * one strict mutex of an in-memory server, against the same threads and section on a fair {@code
 * ReentrantLock}: grants per second, fairness (the most and fewest grants of one client within a
 * measured iteration), the handoff from one holder to the next, overlaps. The benchmark itself
 * fails the run on an overlap, a lost update or a server not free at the end.
 */
final class ContentionMeasure implements Measure {
  private static final Jmh.Plan FULL = new Jmh.Plan(8, Duration.ofSeconds(1), 1, Duration.ofSeconds(5));
  private static final Jmh.Plan QUICK = new Jmh.Plan(1, Duration.ofMillis(300), 1, Duration.ofSeconds(1));

  @Override
  public String name() {
    return "contention";
  }

  @Override
  public void run(boolean quick, Report report) throws Exception {
    Jmh.Plan plan = quick ? QUICK : FULL;
    Collection<RunResult> results = Jmh.run(ContentionBenchmark.class, plan,
        Map.of("lock", List.of("distributex", "reentrantlock")), report);
    RunResult dx = Jmh.find(results, "lock", "distributex");
    RunResult ref = Jmh.find(results, "lock", "reentrantlock");
    String m = name();
    report.add(m, "pool free after", "yes");
    report.add(m, "grants/s", Stats.count(dx.getPrimaryResult().getScore()) + " ("
        + ContentionBenchmark.CLIENTS + " clients, " + plan.describe() + ")");
    report.add(m, "fair ReentrantLock grants/s (reference)", Stats.count(ref.getPrimaryResult().getScore())
        + " (" + ContentionBenchmark.CLIENTS + " threads, same section)");
    report.add(m, "fairness: max/min grants per client", fairness(dx));
    report.add(m, "fair ReentrantLock max/min", fairness(ref));
    report.add(m, "handoff release -> next YES p50 / p99", handoffs(dx));
    report.add(m, "fair ReentrantLock unlock -> lock p50 / p99", handoffs(ref));
    long overlaps = (long) Jmh.figure(dx, "overlaps");
    report.check(m, "overlaps (two inside at once)", overlaps == 0,
        "0 in " + Stats.count(Jmh.figure(dx, "grants")) + " grants", overlaps + " overlaps");
    report.add(m, "plain counter = grants", "yes");
    long refOverlaps = (long) Jmh.figure(ref, "overlaps");
    report.check(m, "reference overlaps", refOverlaps == 0, "none", refOverlaps + " overlaps");
  }

  /**
   * {@code 1.02 (min 230, max 235)}: the most grants of one client over the fewest, from each
   * thread's own score within each measured iteration.
   */
  private static String fairness(RunResult result) {
    long min = Long.MAX_VALUE;
    long max = 0;
    for (BenchmarkResult fork : result.getBenchmarkResults()) {
      for (IterationResult iteration : fork.getIterationResults()) {
        double seconds = iteration.getParams().getTime().convertTo(TimeUnit.MILLISECONDS) / 1e3;
        for (Result<?> thread : iteration.getRawPrimaryResults()) {
          long grants = Math.round(thread.getScore() * seconds);
          min = Math.min(min, grants);
          max = Math.max(max, grants);
        }
      }
    }
    String ratio = min == 0 ? "inf" : String.format(Locale.ROOT, "%.2f", (double) max / min);
    return ratio + " (min " + min + ", max " + max + ")";
  }

  private static String handoffs(RunResult result) {
    return Stats.time(Math.round(Jmh.figure(result, "handoff p50") * 1e3)) + " / "
        + Stats.time(Math.round(Jmh.figure(result, "handoff p99") * 1e3));
  }
}
