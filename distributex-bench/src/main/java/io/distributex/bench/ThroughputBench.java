package io.distributex.bench;

import io.distributex.server.DistributexServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code throughput}: {@code /get/} + {@code /release/} pairs per second over 16 keep-alive
 * connections, one thread and one host each, on a pool of 16 slots (nobody is ever busy), against
 * the same load on a {@link BareServer} that answers {@code YES} to everything: the ratio is how
 * much of the JDK server's capacity Distributex keeps. Both servers run in this JVM.
 */
final class ThroughputBench implements Measure {
  private static final int CLIENTS = 16;
  private static final String YAML = "pools:\n  - name: t\n    maxlocks: 16\n    expire: 0\n";
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Override
  public String name() {
    return "throughput";
  }

  @Override
  public void run(boolean quick, Report report) throws Exception {
    Duration warmup = quick ? Duration.ofMillis(200) : Duration.ofMillis(500);
    Duration window = quick ? Duration.ofMillis(500) : Duration.ofMillis(2_500);
    double bare = 0;
    double distributex = 0;
    try (BareServer bareServer = BareServer.start(BareServer.Mode.ANSWER);
        DistributexServer server = Servers.distributex(YAML)) {
      InetSocketAddress bareAddress = bareServer.address();
      InetSocketAddress address = Servers.address(server);
      // Both share the JDK's server code and this JVM's JIT: warm both up, then alternate
      // (bare, distributex, distributex, bare) so neither gains from going second.
      drive(bareAddress, "YES", warmup, warmup);
      drive(address, "OK", warmup, warmup);
      bare += drive(bareAddress, "YES", warmup, window);
      distributex += drive(address, "OK", warmup, window);
      distributex += drive(address, "OK", warmup, window);
      bare += drive(bareAddress, "YES", warmup, window);
    }
    bare /= 2;
    distributex /= 2;
    String setup = CLIENTS + " connections, 2 x " + window.toMillis() / 1000.0 + " s";
    report.add(name(), "distributex get+release pairs/s", Stats.count(distributex) + " (" + setup + ")");
    report.add(name(), "bare HttpServer pairs/s (floor)", Stats.count(bare));
    report.add(name(), "ratio distributex/bare", String.format(Locale.ROOT, "%.2f", distributex / bare));
  }

  /** Runs the clients for warm-up plus window; returns the pairs per second within the window. */
  private static double drive(InetSocketAddress server, String releaseAnswer, Duration warmup, Duration window)
      throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    LongAdder pairs = new LongAdder();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long[] bounds = new long[2];
    Thread[] threads = new Thread[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
      String host = "h" + i;
      threads[i] = new Thread(() -> {
        try (HttpConn conn = HttpConn.open(server, TIMEOUT)) {
          go.await();
          long from = bounds[0];
          long until = bounds[1];
          long counted = 0;
          while (failure.get() == null) {
            HandoffBench.expect(conn.call("/get/?pool=t&host=" + host), "YES", host + "'s /get/");
            HandoffBench.expect(conn.call("/release/?pool=t&host=" + host), releaseAnswer, host + "'s /release/");
            long now = System.nanoTime();
            if (now >= until) {
              break;
            }
            if (now >= from) {
              counted++;
            }
          }
          pairs.add(counted);
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }, "throughput-" + host);
      threads[i].setDaemon(true);
      threads[i].start();
    }
    bounds[0] = System.nanoTime() + warmup.toNanos();
    bounds[1] = bounds[0] + window.toNanos();
    go.countDown(); // publishes bounds to the clients
    long joinBy = bounds[1] + TIMEOUT.toNanos() * 2;
    for (Thread thread : threads) {
      thread.join(Math.max(1, (joinBy - System.nanoTime()) / 1_000_000));
      if (thread.isAlive()) {
        failure.compareAndSet(null, new IllegalStateException(thread.getName() + " did not stop"));
      }
    }
    if (failure.get() != null) {
      throw new IllegalStateException("client failed: " + failure.get(), failure.get());
    }
    return pairs.sum() / (window.toNanos() / 1e9);
  }
}
