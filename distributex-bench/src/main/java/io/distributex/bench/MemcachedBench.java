package io.distributex.bench;

import io.distributex.server.DistributexServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * {@code memcached}: the {@code memcache} backend against its own memcached ({@link
 * MemcachedProcess}), served by two Distributex servers A and B in this JVM.
 *
 * <ul>
 *   <li>Throughput: {@code /get/} + {@code /release/} pairs per second through server A over
 *       {@link ThroughputBench#CLIENTS} keep-alive connections (one thread and host each, a pool
 *       of as many slots, so nobody waits), against the floor: {@code add} + {@code delete} pairs
 *       per second straight to the same memcached, one raw text-protocol connection per thread,
 *       one key per thread. Each side first warms up until its rate is steady ({@link
 *       ThroughputBench#warmUp}); then runs alternate (raw, distributex, distributex, raw).
 *   <li>Handoff latency ({@link HandoffBench#measure}): holder and waiter both on A (the release
 *       on A answers A's waiter at once), and holder on A, waiter on B (B learns of the grant by
 *       polling memcached, every 10 ms).
 * </ul>
 */
final class MemcachedBench implements Measure {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** The goal for distributex pairs/s over raw memcached pairs/s. */
  private static final double RATIO_GOAL = 0.3;
  /** The goal for cross-server handoffs: p99 under 50 ms (the poll is every 10 ms). */
  private static final long CROSS_P99_GOAL_NANOS = 50_000_000;
  /** The backend's default poll interval: cross-server releases are spread over one of them. */
  private static final Duration POLL = Duration.ofMillis(10);
  /** The longest warm-up of either side before the measured runs (see {@link ThroughputBench#warmUp}). */
  private static final Duration STEADY_WITHIN = Duration.ofSeconds(30);

  @Override
  public String name() {
    return "memcached";
  }

  @Override
  public void run(boolean quick, Report report) throws Exception {
    Duration warmup = quick ? Duration.ofMillis(200) : Duration.ofMillis(1_000);
    Duration window = quick ? Duration.ofMillis(500) : Duration.ofMillis(2_500);
    int sameWarmup = quick ? 100 : 1_000;
    int crossWarmup = quick ? 20 : 200;
    int measured = quick ? 100 : 1_000;
    String m = name();
    try (MemcachedProcess memcached = MemcachedProcess.start()) {
      report.note("memcached pid " + memcached.pid() + " at " + memcached.hostAndPort());
      String yaml = yaml(memcached.hostAndPort());
      try (DistributexServer serverA = Servers.distributex(yaml);
          DistributexServer serverB = Servers.distributex(yaml);
          MemcachedConn stats = MemcachedConn.open(memcached.address(), TIMEOUT)) {
        InetSocketAddress a = Servers.address(serverA);
        InetSocketAddress b = Servers.address(serverB);

        ThroughputBench.Opener raw = raw(memcached.address());
        ThroughputBench.Opener distributex = ThroughputBench.http(a, "t", "OK");
        Duration most = quick ? warmup : STEADY_WITHIN;
        Duration rawWarmup = ThroughputBench.warmUp("memcached-raw", raw, warmup, most);
        Map<String, String> before = stats.stats();
        Duration dxWarmup = ThroughputBench.warmUp("memcached-dx", distributex, warmup, most);
        double rawRate = ThroughputBench.drive("memcached-raw", raw, warmup, window);
        double dxRate = ThroughputBench.drive("memcached-dx", distributex, warmup, window);
        dxRate += ThroughputBench.drive("memcached-dx", distributex, warmup, window);
        rawRate += ThroughputBench.drive("memcached-raw", raw, warmup, window);
        Map<String, String> after = stats.stats();
        rawRate /= 2;
        dxRate /= 2;
        String setup = ThroughputBench.CLIENTS + " connections, 2 x " + window.toMillis() / 1000.0 + " s";
        report.add(m, "distributex get+release pairs/s", Stats.count(dxRate) + " (" + setup + ")");
        report.add(m, "raw memcached add+delete pairs/s", Stats.count(rawRate));
        report.add(m, "warm-up until steady (distributex, raw)",
            String.format(Locale.ROOT, "%.1f s, %.1f s", dxWarmup.toMillis() / 1e3, rawWarmup.toMillis() / 1e3));
        double ratio = dxRate / rawRate;
        report.goal(m, "ratio distributex/raw", String.format(Locale.ROOT, "%.2f", ratio),
            String.format(Locale.ROOT, ">= %.1f", RATIO_GOAL), ratio >= RATIO_GOAL);
        // The raw runs between the two stats are add and delete, never cas: these are Distributex's.
        long casHits = delta(before, after, "cas_hits");
        long casConflicts = delta(before, after, "cas_badval");
        report.add(m, "cas conflicts per cas written", String.format(Locale.ROOT, "%.2f (%,d of %,d)",
            casConflicts / (double) Math.max(1, casHits), casConflicts, casHits));

        HandoffBench.measure(a, a, "p1", sameWarmup, measured, true, Duration.ZERO)
            .report(report, m, "same-server handoff ", 0, 0);
        HandoffBench.measure(a, b, "p1", crossWarmup, measured, false, POLL)
            .report(report, m, "cross-server handoff ", 0, CROSS_P99_GOAL_NANOS);

        try (HttpConn status = HttpConn.open(a, TIMEOUT)) {
          String text = status.call("/status").text();
          boolean free = text.split("\"holders\":\\[\\],\"waiters\":\\[\\]", -1).length - 1 == 2;
          report.check(m, "pools free after (A's /status)", free, "yes", text);
        }
      }
      report.check(m, "memcached still running after", memcached.isAlive(), "yes", "no: it exited");
    }
  }

  /** Servers A and B: the memcache backend, pool {@code t} for throughput, {@code p1} for handoffs. */
  private static String yaml(String memcached) {
    return "backend: memcache\n"
        + "memcache:\n"
        + "  servers: [\"" + memcached + "\"]\n"
        + "pools:\n"
        + "  - name: t\n"
        + "    maxlocks: " + ThroughputBench.CLIENTS + "\n"
        + "    expire: 0\n"
        + "  - name: p1\n"
        + "    maxlocks: 1\n"
        + "    expire: 0\n";
  }

  /** Client {@code index} straight to memcached: {@code add} then {@code delete} of its own key. */
  private static ThroughputBench.Opener raw(InetSocketAddress memcached) {
    return index -> {
      String key = "distributex-bench:raw:" + index;
      String add = "add " + key + " 0 0 1\r\nx\r\n";
      String delete = "delete " + key + "\r\n";
      MemcachedConn conn = MemcachedConn.open(memcached, TIMEOUT);
      try {
        conn.expect(delete, "DELETED", "NOT_FOUND"); // left by a run that failed half-way
      } catch (Exception e) {
        conn.close();
        throw e;
      }
      return new ThroughputBench.PairClient() {
        @Override
        public void pair() throws Exception {
          conn.expect(add, "STORED");
          conn.expect(delete, "DELETED");
        }

        @Override
        public void close() {
          conn.close();
        }
      };
    };
  }

  private static long delta(Map<String, String> before, Map<String, String> after, String stat) {
    return Long.parseLong(after.getOrDefault(stat, "0")) - Long.parseLong(before.getOrDefault(stat, "0"));
  }
}
