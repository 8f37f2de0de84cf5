package io.distributex.bench;

import io.distributex.testing.RawHttpConnection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Pairs per second over {@value TestBed#SLOTS} keep-alive connections, one thread and one host
 * each; the score is pairs/s, each pair checked.
 *
 * <p>{@link #server}: {@code distributex}, {@code /get/} + {@code /release/} of pool {@code t}
 * (as many slots as clients, so nobody ever waits) on an in-memory server; {@code bare}, the same
 * calls to a {@link BareServer} that answers {@code YES} to everything, the JDK server's own
 * floor; {@code memcached}, the pairs through server A of a memcached test bed ({@link TestBed});
 * {@code memcached-raw}, that test bed's floor: {@code add} + {@code delete} of a key of the
 * client's own, straight to the same memcached, one raw text-protocol connection per client.
 * Public, as JMH requires of a benchmark.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 2, time = 2500, timeUnit = TimeUnit.MILLISECONDS)
@Threads(TestBed.SLOTS)
public class ThroughputBenchmark {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** What answers: {@code distributex}, {@code bare}, {@code memcached} or {@code memcached-raw}. */
  @Param({"distributex", "bare", "memcached", "memcached-raw"})
  public String server;

  /** For the memcached servers: {@code HOST:PORT} of a running memcached, or empty to start one. */
  @Param("")
  public String memcached;

  private TestBed bed;

  @Setup(Level.Trial)
  public void start() throws Exception {
    String kind = switch (server) {
      case "distributex" -> "in-memory";
      case "memcached", "memcached-raw" -> "memcached";
      default -> server;
    };
    bed = TestBed.start(kind, memcached);
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    bed.close();
  }

  /** One client: its connection and its pair of calls. */
  @State(Scope.Thread)
  public static class Client {
    private AutoCloseable connection;
    private Pair pair;

    @Setup(Level.Trial)
    public void open(ThroughputBenchmark benchmark, ThreadParams thread) throws Exception {
      int index = thread.getThreadIndex();
      if (benchmark.server.equals("memcached-raw")) {
        String key = "distributex-bench:raw:" + index;
        String add = "add " + key + " 0 0 1\r\nx\r\n";
        String delete = "delete " + key + "\r\n";
        MemcachedConn conn = MemcachedConn.open(benchmark.bed.memcached(), TIMEOUT);
        connection = conn;
        conn.expect(delete, "DELETED", "NOT_FOUND"); // left by a run that failed half-way
        pair = () -> {
          conn.expect(add, "STORED");
          conn.expect(delete, "DELETED");
        };
      } else {
        String host = "h" + index;
        String get = "/get/?pool=t&host=" + host;
        String release = "/release/?pool=t&host=" + host;
        String released = benchmark.server.equals("bare") ? "YES" : "OK";
        RawHttpConnection conn = RawHttpConnection.open(benchmark.bed.a(), TIMEOUT);
        connection = conn;
        pair = () -> {
          Protocol.expect(conn.call(get), "YES", host + "'s /get/");
          Protocol.expect(conn.call(release), released, host + "'s /release/");
        };
      }
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
      connection.close();
    }
  }

  /** A client's two calls, each checked. */
  @FunctionalInterface
  interface Pair {
    void run() throws Exception;
  }

  @Benchmark
  public void pair(Client client) throws Exception {
    client.pair.run();
  }
}
