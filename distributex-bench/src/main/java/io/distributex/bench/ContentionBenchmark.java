package io.distributex.bench;

import io.distributex.testing.RawHttpConnection;
import io.distributex.testing.RawHttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
 * {@value #CLIENTS} clients on one lock; the score is grants per second, each thread's own score
 * its share (fairness). Each grant runs the {@link Critical} section, which records the handoff
 * from one holder to the next and fails the run on an overlap or a lost update.
 *
 * <p>{@link #lock}: {@code distributex}, each client its own host and keep-alive connection to an
 * in-memory server's strict mutex {@code mutex}: {@code /wait/}, the section, {@code
 * /release/?token=} with the grant's token; {@code reentrantlock}, the same threads and section
 * on a fair {@link ReentrantLock}. Public, as JMH requires of a benchmark.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 1, time = 5)
@Threads(ContentionBenchmark.CLIENTS)
public class ContentionBenchmark {
  static final int CLIENTS = 64;
  /** Far above a turn of the queue (64 handoffs), so only a stuck server trips it. */
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Which lock: {@code distributex} or {@code reentrantlock}. */
  @Param({"distributex", "reentrantlock"})
  public String lock;

  private final Critical critical = new Critical();
  private final ReentrantLock fair = new ReentrantLock(true);
  private TestBed bed;

  @Setup(Level.Trial)
  public void start() throws Exception {
    if (lock.equals("distributex")) {
      bed = TestBed.start("in-memory", "");
    }
  }

  @TearDown(Level.Iteration)
  public void check() {
    critical.check();
  }

  /** Stops the server, which must have neither holder nor waiter left. */
  @TearDown(Level.Trial)
  public void stop() throws Exception {
    if (bed == null) {
      return;
    }
    try (RawHttpConnection status = RawHttpConnection.open(bed.a(), TIMEOUT)) {
      String text = status.call("/status").body();
      if (!Protocol.allFree(text)) {
        throw new IllegalStateException("not free after the run: " + text);
      }
    } finally {
      bed.close();
    }
  }

  /** One client: host {@code c<index>} and its connection. */
  @State(Scope.Thread)
  public static class Client {
    private RawHttpConnection connection;
    private String host;
    private String waitTarget;
    private String releaseTarget;

    @Setup(Level.Trial)
    public void open(ContentionBenchmark benchmark, ThreadParams thread) throws Exception {
      host = "c" + thread.getThreadIndex();
      waitTarget = "/wait/?pool=mutex&host=" + host;
      releaseTarget = "/release/?pool=mutex&host=" + host + "&token=";
      if (benchmark.bed != null) {
        connection = RawHttpConnection.open(benchmark.bed.a(), TIMEOUT);
      }
    }

    @TearDown(Level.Trial)
    public void close() {
      if (connection != null) {
        connection.close();
      }
    }
  }

  @Benchmark
  public void grant(Client client) throws Exception {
    if (client.connection == null) {
      fair.lock();
      try {
        critical.enterAndLeave();
      } finally {
        fair.unlock();
      }
      return;
    }
    RawHttpResponse granted = Protocol.expect(client.connection.call(client.waitTarget), "YES",
        client.host + "'s /wait/");
    critical.enterAndLeave();
    Protocol.expect(client.connection.call(client.releaseTarget + granted.header("X-Distributex-Token")), "OK",
        client.host + "'s /release/");
  }
}
