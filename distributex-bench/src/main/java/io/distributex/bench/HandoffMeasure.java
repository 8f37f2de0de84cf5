package io.distributex.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.Statistics;

/**
 * {@code handoff}: {@link HandoffBenchmark} on one in-memory server, release to the next waiter's
 * {@code YES}: its percentiles, and how many parked answers came chunked.
 */
final class HandoffMeasure implements Measure {
  private static final Jmh.Plan FULL = new Jmh.Plan(5, Duration.ofSeconds(1), 2, Duration.ofSeconds(1));
  private static final Jmh.Plan QUICK = new Jmh.Plan(1, Duration.ofMillis(200), 1, Duration.ofMillis(500));

  @Override
  public String name() {
    return "handoff";
  }

  @Override
  public void run(boolean quick, Report report) throws Exception {
    Jmh.Plan plan = quick ? QUICK : FULL;
    RunResult result = Jmh.find(
        Jmh.run(HandoffBenchmark.class, plan, Map.of("servers", List.of("in-memory")), report), "servers",
        "in-memory");
    report(report, name(), "", result, plan);
  }

  /**
   * Adds the count, p50/p90/p99/max and the chunked count of a {@link HandoffBenchmark} run to
   * {@code report}, each figure's name after {@code prefix}.
   */
  static void report(Report report, String measure, String prefix, RunResult result, Jmh.Plan plan) {
    Statistics micros = result.getPrimaryResult().getStatistics();
    report.add(measure, prefix + "handoffs measured", micros.getN() + " (" + plan.describe() + ")");
    report.add(measure, prefix + "p50", time(micros.getPercentile(50)));
    report.add(measure, prefix + "p90", time(micros.getPercentile(90)));
    report.add(measure, prefix + "p99", time(micros.getPercentile(99)));
    report.add(measure, prefix + "max", time(micros.getMax()));
    report.add(measure, prefix + "parked answers sent chunked",
        (long) Jmh.figure(result, "chunked") + "/" + (long) Jmh.figure(result, "handoffs"));
  }

  private static String time(double micros) {
    return Stats.time(Math.round(micros * 1e3));
  }
}
