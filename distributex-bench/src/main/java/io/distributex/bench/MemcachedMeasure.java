package io.distributex.bench;

import io.distributex.server.DistributexServer;
import io.distributex.testing.MemcachedProcess;
import io.distributex.testing.RawHttpConnection;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;

/**
 * {@code memcached}: the {@code memcache} backend on a memcached of the driver's own ({@link
 * MemcachedProcess}), which every fork's memcached test bed ({@link TestBed}) uses.
 *
 * <ul>
 *   <li>Throughput ({@link ThroughputBenchmark}): {@code /get/} + {@code /release/} pairs per
 *       second through server A, against the floor: {@code add} + {@code delete} pairs per
 *       second straight to the same memcached. Both warm up long: the JIT takes many seconds of
 *       full load to compile this path on 2 cores. Memcached's own counters, read before and
 *       after the Distributex run, tell the compare-and-set conflicts.
 *   <li>Handoff latency ({@link HandoffBenchmark}): holder and waiter both on A (the release on A
 *       answers A's waiter at once), and holder on A, waiter on B (B learns of the grant by
 *       polling memcached, every 10 ms).
 * </ul>
 *
 * A server started afterwards on the same memcached must see every pool free.
 */
final class MemcachedMeasure implements Measure {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Jmh.Plan FULL_PAIRS = new Jmh.Plan(12, Duration.ofSeconds(1), 2, Duration.ofMillis(2_500));
  private static final Jmh.Plan QUICK_PAIRS = new Jmh.Plan(1, Duration.ofMillis(200), 1, Duration.ofMillis(500));
  private static final Jmh.Plan FULL_SAME = new Jmh.Plan(10, Duration.ofSeconds(1), 1, Duration.ofMillis(1_500));
  private static final Jmh.Plan QUICK_SAME = new Jmh.Plan(1, Duration.ofMillis(200), 1, Duration.ofMillis(300));
  private static final Jmh.Plan FULL_CROSS = new Jmh.Plan(5, Duration.ofSeconds(1), 1, Duration.ofSeconds(15));
  private static final Jmh.Plan QUICK_CROSS = new Jmh.Plan(1, Duration.ofMillis(300), 1, Duration.ofSeconds(1));

  @Override
  public String name() {
    return "memcached";
  }

  @Override
  public void run(boolean quick, Report report) throws Exception {
    String m = name();
    try (MemcachedProcess memcached = MemcachedProcess.start()) {
      String at = memcached.hostAndPort();
      report.note("memcached at " + at);
      try (MemcachedConn stats = MemcachedConn.open(memcached.address(), TIMEOUT)) {
        Jmh.Plan pairs = quick ? QUICK_PAIRS : FULL_PAIRS;
        double raw = score(run(ThroughputBenchmark.class, pairs, "server", "memcached-raw", at, report));
        Map<String, String> before = stats.stats();
        double distributex = score(run(ThroughputBenchmark.class, pairs, "server", "memcached", at, report));
        Map<String, String> after = stats.stats();
        report.add(m, "distributex get+release pairs/s",
            Stats.count(distributex) + " (" + TestBed.SLOTS + " connections, " + pairs.describe() + ")");
        report.add(m, "raw memcached add+delete pairs/s", Stats.count(raw));
        report.add(m, "ratio distributex/raw", String.format(Locale.ROOT, "%.2f", distributex / raw));
        // The raw run is add and delete, never cas: these are Distributex's.
        long casHits = delta(before, after, "cas_hits");
        long casConflicts = delta(before, after, "cas_badval");
        report.add(m, "cas conflicts per cas written", String.format(Locale.ROOT, "%.2f (%,d of %,d)",
            casConflicts / (double) Math.max(1, casHits), casConflicts, casHits));
      }
      Jmh.Plan same = quick ? QUICK_SAME : FULL_SAME;
      HandoffMeasure.report(report, m, "same-server handoff ",
          run(HandoffBenchmark.class, same, "servers", "memcached", at, report), same);
      Jmh.Plan cross = quick ? QUICK_CROSS : FULL_CROSS;
      HandoffMeasure.report(report, m, "cross-server handoff ",
          run(HandoffBenchmark.class, cross, "servers", "memcached-cross", at, report), cross);

      try (DistributexServer server = Servers.distributex(TestBed.memcachedYaml(at));
          RawHttpConnection status = RawHttpConnection.open(Servers.address(server), TIMEOUT)) {
        String text = status.call("/status").body();
        report.check(m, "pools free after (a new server's /status)", Protocol.allFree(text), "yes", text);
      }
      report.check(m, "memcached still running after", memcached.isRunning(), "yes", "no: it exited");
    }
  }

  /** Runs {@code benchmark} with parameter {@code param} set to {@code value} on the memcached at {@code at}. */
  private static RunResult run(Class<?> benchmark, Jmh.Plan plan, String param, String value, String at,
      Report report) throws Exception {
    return Jmh.find(Jmh.run(benchmark, plan, Map.of(param, List.of(value), "memcached", List.of(at)), report),
        param, value);
  }

  private static double score(RunResult result) {
    return result.getPrimaryResult().getScore();
  }

  private static long delta(Map<String, String> before, Map<String, String> after, String stat) {
    return Long.parseLong(after.getOrDefault(stat, "0")) - Long.parseLong(before.getOrDefault(stat, "0"));
  }
}
