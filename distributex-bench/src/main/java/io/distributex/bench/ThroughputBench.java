package io.distributex.bench;

import io.distributex.server.DistributexServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code throughput}: {@code /get/} + {@code /release/} pairs per second over 16 keep-alive
 * connections, one thread and one host each, on a pool of 16 slots (nobody is ever busy), against
 * the same load on a {@link BareServer} that answers {@code YES} to everything: the ratio is how
 * much of the JDK server's capacity Distributex keeps. Both servers run in this JVM.
 */
final class ThroughputBench implements Measure {
  /** Connections, threads and hosts; also the pool's slots, so nobody ever waits. */
  static final int CLIENTS = 16;
  private static final String YAML = "pools:\n  - name: t\n    maxlocks: 16\n    expire: 0\n";
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** The goal: at least this share of the bare server's pairs per second. */
  private static final double RATIO_GOAL = 0.8;

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
    double ratio = distributex / bare;
    report.goal(name(), "ratio distributex/bare", String.format(Locale.ROOT, "%.2f", ratio),
        String.format(Locale.ROOT, ">= %.1f", RATIO_GOAL), ratio >= RATIO_GOAL);
  }

  /** One client's connection: each {@link #pair} is one pair of calls, checked. */
  interface PairClient extends AutoCloseable {
    void pair() throws Exception;

    @Override
    void close();
  }

  /** Opens the connection of client {@code index} (0 to the number of clients - 1). */
  interface Opener {
    PairClient open(int index) throws Exception;
  }

  /**
   * Client {@code index} of a Distributex server: host {@code h<index>}, {@code /get/} (must be
   * {@code YES}) then {@code /release/} (must be {@code releaseAnswer}) of {@code pool}.
   */
  static Opener http(InetSocketAddress server, String pool, String releaseAnswer) {
    return index -> {
      String host = "h" + index;
      String get = "/get/?pool=" + pool + "&host=" + host;
      String release = "/release/?pool=" + pool + "&host=" + host;
      HttpConn conn = HttpConn.open(server, TIMEOUT);
      return new PairClient() {
        @Override
        public void pair() throws Exception {
          HandoffBench.expect(conn.call(get), "YES", host + "'s /get/");
          HandoffBench.expect(conn.call(release), releaseAnswer, host + "'s /release/");
        }

        @Override
        public void close() {
          conn.close();
        }
      };
    };
  }

  /** Runs the clients for warm-up plus window; returns the pairs per second within the window. */
  private static double drive(InetSocketAddress server, String releaseAnswer, Duration warmup, Duration window)
      throws Exception {
    return drive("throughput", http(server, "t", releaseAnswer), warmup, window);
  }

  /**
   * Runs the clients in windows of {@code step} until the rate is steady (three windows in a row
   * no better than 3% over the best so far) or {@code most} has passed: on two cores the JIT
   * compiles a code path this busy for many seconds, and a rate measured before it is done says
   * more about the compiler than about the code. Returns how long it took.
   */
  static Duration warmUp(String name, Opener opener, Duration step, Duration most) throws Exception {
    long start = System.nanoTime();
    double best = 0;
    int notBetter = 0;
    while (notBetter < 3 && System.nanoTime() - start < most.toNanos()) {
      double rate = drive(name, opener, Duration.ZERO, step);
      if (rate > best * 1.03) {
        notBetter = 0;
      } else {
        notBetter++;
      }
      best = Math.max(best, rate);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** {@link #drive(String, int, Opener, Duration, Duration)} with {@link #CLIENTS} clients: pairs per second. */
  static double drive(String name, Opener opener, Duration warmup, Duration window) throws Exception {
    return drive(name, CLIENTS, opener, warmup, window).rate();
  }

  /**
   * What each client did within the window.
   *
   * @param pairs per client, the pairs completed within the window
   * @param from the window's start ({@link System#nanoTime()})
   * @param until the window's end
   */
  record Counts(long[] pairs, long from, long until) {
    /** All clients' pairs per second. */
    double rate() {
      return Arrays.stream(pairs).sum() / ((until - from) / 1e9);
    }
  }

  /**
   * Runs {@code clients} threads, each on its own connection from {@code opener}, making pairs
   * for warm-up plus window; returns what each completed within the window. Every thread stops
   * after its first pair that ends past the window (or at the first failure, which is thrown),
   * and is given 10 s more.
   */
  static Counts drive(String name, int clients, Opener opener, Duration warmup, Duration window) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    long[] pairs = new long[clients];
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long[] bounds = new long[2];
    Thread[] threads = new Thread[clients];
    for (int i = 0; i < clients; i++) {
      int index = i;
      threads[i] = new Thread(() -> {
        try (PairClient client = opener.open(index)) {
          go.await();
          long from = bounds[0];
          long until = bounds[1];
          long counted = 0;
          while (failure.get() == null) {
            client.pair();
            long now = System.nanoTime();
            if (now >= until) {
              break;
            }
            if (now >= from) {
              counted++;
            }
          }
          pairs[index] = counted; // read after join
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }, name + "-" + index);
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
    return new Counts(pairs, bounds[0], bounds[1]);
  }
}
