package io.distributex.bench;

import io.distributex.server.DistributexServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code contention}: {@value #CLIENTS} clients, each its own host, keep-alive connection and
 * thread, hammering one mutex (a strict pool of an in-process server): {@code /wait/}, then the
 * {@link Critical} section (is anybody else inside? bump a plain counter), then {@code /release/}
 * with the grant's token. Grants per second, fairness (most and fewest grants of one client in
 * the window), overlaps (must be none), and the handoff from one client's release to the next
 * one's grant; the reference is the same threads and section on a fair {@link ReentrantLock}.
 */
final class ContentionBench implements Measure {
  static final int CLIENTS = 64;
  private static final String YAML = "pools:\n  - name: mutex\n    maxlocks: 1\n    expire: 0\n    strict: true\n";
  /** Far above a turn of the queue (64 handoffs), so only a stuck server trips it. */
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Override
  public String name() {
    return "contention";
  }

  @Override
  public void run(boolean quick, Report report) throws Exception {
    Duration warmup = quick ? Duration.ofMillis(300) : Duration.ofSeconds(1);
    Duration window = quick ? Duration.ofSeconds(1) : Duration.ofSeconds(5);
    String m = name();
    Critical dx = new Critical();
    ThroughputBench.Counts dxCounts;
    try (DistributexServer server = Servers.distributex(YAML)) {
      InetSocketAddress address = Servers.address(server);
      dxCounts = ThroughputBench.drive("contention", CLIENTS, http(address, dx), warmup, window);
      try (HttpConn status = HttpConn.open(address, TIMEOUT)) {
        String text = status.call("/status").text();
        report.check(m, "pool free after", text.contains("\"holders\":[],\"waiters\":[]"), "yes", text);
      }
    }
    Critical ref = new Critical();
    ReentrantLock lock = new ReentrantLock(true);
    ThroughputBench.Counts refCounts = ThroughputBench.drive("contention-ref", CLIENTS, index ->
        new ThroughputBench.PairClient() {
          @Override
          public void pair() {
            lock.lock();
            try {
              ref.enterAndLeave();
            } finally {
              lock.unlock();
            }
          }

          @Override
          public void close() {}
        }, warmup, window);

    report.add(m, "grants/s", Stats.count(dxCounts.rate()) + " (" + CLIENTS + " clients, "
        + window.toMillis() / 1000.0 + " s)");
    report.add(m, "fair ReentrantLock grants/s (reference)", Stats.count(refCounts.rate()) + " (" + CLIENTS
        + " threads, same section)");
    report.add(m, "fairness: max/min grants per client", fairness(dxCounts.pairs()));
    report.add(m, "fair ReentrantLock max/min", fairness(refCounts.pairs()));
    report.add(m, "handoff release -> next YES p50 / p99", dx.handoffs(dxCounts));
    report.add(m, "fair ReentrantLock unlock -> lock p50 / p99", ref.handoffs(refCounts));
    long dxGrants = dx.grants.get();
    report.checkGoal(m, "overlaps (two inside at once)", dx.overlaps.get() + " in " + Stats.count(dxGrants)
        + " grants", "0", dx.overlaps.get() == 0);
    report.check(m, "plain counter = grants", dx.counter == dxGrants, "yes",
        dx.counter + " counted, " + dxGrants + " grants: updates lost");
    report.check(m, "reference overlaps", ref.overlaps.get() == 0 && ref.counter == ref.grants.get(), "none",
        ref.overlaps.get() + " overlaps, counter " + ref.counter + " of " + ref.grants.get());
  }

  /** Client {@code index}: host {@code c<index>}, {@code /wait/}, the section, {@code /release/?token=}. */
  private static ThroughputBench.Opener http(InetSocketAddress server, Critical critical) {
    return index -> {
      String host = "c" + index;
      String wait = "/wait/?pool=mutex&host=" + host;
      String release = "/release/?pool=mutex&host=" + host + "&token=";
      HttpConn conn = HttpConn.open(server, TIMEOUT);
      return new ThroughputBench.PairClient() {
        @Override
        public void pair() throws Exception {
          HttpResponse granted = conn.call(wait);
          HandoffBench.expect(granted, "YES", host + "'s /wait/");
          critical.enterAndLeave();
          HandoffBench.expect(conn.call(release + granted.header("X-Distributex-Token")), "OK",
              host + "'s /release/");
        }

        @Override
        public void close() {
          conn.close();
        }
      };
    };
  }

  /** {@code 1.02 (min 230, max 235)}: the most grants of one client over the fewest. */
  private static String fairness(long[] grants) {
    long min = Arrays.stream(grants).min().orElse(0);
    long max = Arrays.stream(grants).max().orElse(0);
    String ratio = min == 0 ? "inf" : String.format(Locale.ROOT, "%.2f", (double) max / min);
    return ratio + " (min " + min + ", max " + max + ")";
  }

  /**
   * The section run under the lock, for any lock: it counts overlaps (another thread inside) and
   * bumps a plain counter, which comes out short of the grants if two ever ran at once; it also
   * samples the handoff, from the previous holder leaving to this grant.
   */
  static final class Critical {
    private static final int MAX_SAMPLES = 1 << 20;

    private final AtomicInteger inside = new AtomicInteger();
    final AtomicLong overlaps = new AtomicLong();
    final AtomicLong grants = new AtomicLong();
    /** Plain on purpose: only ever changed inside the lock. */
    long counter;
    private volatile long leftAt;
    private final long[] sampledAt = new long[MAX_SAMPLES];
    private final long[] handoff = new long[MAX_SAMPLES];
    private final AtomicInteger samples = new AtomicInteger();

    /** Runs the section; call it holding the lock, just after the grant, just before the release. */
    void enterAndLeave() {
      long now = System.nanoTime();
      long previous = leftAt;
      if (previous != 0) {
        int i = samples.getAndIncrement();
        if (i < MAX_SAMPLES) {
          sampledAt[i] = now;
          handoff[i] = now - previous;
        }
      }
      grants.incrementAndGet();
      if (inside.incrementAndGet() != 1) {
        overlaps.incrementAndGet();
      }
      counter++;
      inside.decrementAndGet();
      leftAt = System.nanoTime();
    }

    /** p50 / p99 of the handoffs sampled within the window of {@code counts}. */
    String handoffs(ThroughputBench.Counts counts) {
      int n = Math.min(samples.get(), MAX_SAMPLES);
      long[] within = new long[n];
      int kept = 0;
      for (int i = 0; i < n; i++) {
        if (sampledAt[i] >= counts.from() && sampledAt[i] < counts.until()) {
          within[kept++] = handoff[i];
        }
      }
      if (kept == 0) {
        return "no samples";
      }
      Stats stats = Stats.of(Arrays.copyOf(within, kept));
      return Stats.time(stats.p50()) + " / " + Stats.time(stats.p99());
    }
  }
}
