package io.distributex.bench;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;

/**
 * {@code throughput}: {@link ThroughputBenchmark} on an in-memory Distributex server and on a
 * bare JDK server, each in its own fork: the ratio is how much of the JDK server's capacity
 * Distributex keeps.
 */
final class ThroughputMeasure implements Measure {
  private static final Jmh.Plan FULL = new Jmh.Plan(8, Duration.ofSeconds(1), 2, Duration.ofMillis(2_500));
  private static final Jmh.Plan QUICK = new Jmh.Plan(1, Duration.ofMillis(200), 1, Duration.ofMillis(500));

  @Override
  public String name() {
    return "throughput";
  }

  @Override
  public void run(boolean quick, Report report) throws Exception {
    Jmh.Plan plan = quick ? QUICK : FULL;
    Collection<RunResult> results =
        Jmh.run(ThroughputBenchmark.class, plan, Map.of("server", List.of("distributex", "bare")), report);
    double distributex = Jmh.find(results, "server", "distributex").getPrimaryResult().getScore();
    double bare = Jmh.find(results, "server", "bare").getPrimaryResult().getScore();
    report.add(name(), "distributex get+release pairs/s",
        Stats.count(distributex) + " (" + TestBed.SLOTS + " connections, " + plan.describe() + ")");
    report.add(name(), "bare HttpServer pairs/s (floor)", Stats.count(bare));
    report.add(name(), "ratio distributex/bare", String.format(Locale.ROOT, "%.2f", distributex / bare));
  }
}
