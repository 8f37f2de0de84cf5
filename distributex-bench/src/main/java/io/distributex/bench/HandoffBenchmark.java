package io.distributex.bench;

import io.distributex.testing.Await;
import io.distributex.testing.RawHttpConnection;
import io.distributex.testing.RawHttpResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long a waiter takes to learn that the lock passed to it, over real HTTP on loopback. Host A
 * holds pool {@code p1} on a keep-alive connection; before each measured call host B's {@code
 * /wait/} is written on its own connection and seen parked in {@code /status} (asked on a third
 * connection); the measured call writes A's {@code /release/} and returns when B's {@code YES} is
 * parsed. Outside the clock, B's token must be above the last one and A's {@code OK} is read.
 *
 * <p>{@link #servers}: {@code in-memory}, one server, the roles swapping after each handoff;
 * {@code memcached}, the same on server A of a memcached test bed ({@link TestBed}); {@code
 * memcached-cross}, A on server A and B on server B, which learns of the grant by polling
 * memcached: A always releases and B hands the lock back outside the clock, and A waits a random
 * time below one poll interval (10 ms) before releasing, so that releases fall anywhere in B's
 * poll cycle. Counts {@code handoffs} and {@code chunked} answers (the parked answer's form) with
 * {@link FigureProfiler}. Public, as JMH requires of a benchmark.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 2, time = 1)
public class HandoffBenchmark {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final String POOL = "p1";
  /** The memcache backend's default poll interval. */
  private static final Duration POLL = Duration.ofMillis(10);

  /** Where A and B are: {@code in-memory}, {@code memcached} or {@code memcached-cross}. */
  @Param({"in-memory", "memcached", "memcached-cross"})
  public String servers;

  /** For the memcached servers: {@code HOST:PORT} of a running memcached, or empty to start one. */
  @Param("")
  public String memcached;

  private TestBed bed;
  private boolean swap;
  private Duration spread;
  private RawHttpConnection holder;
  private RawHttpConnection waiter;
  private RawHttpConnection holderStatus;
  private RawHttpConnection waiterStatus;
  private String holderName = "A";
  private String waiterName = "B";
  private final LongAdder handoffs = FigureProfiler.counter("handoffs");
  private final LongAdder chunked = FigureProfiler.counter("chunked");
  private RawHttpResponse granted;
  private long lastToken;

  @Setup(Level.Trial)
  public void start() throws Exception {
    bed = TestBed.start(servers.equals("in-memory") ? "in-memory" : "memcached", memcached);
    boolean cross = servers.equals("memcached-cross");
    InetSocketAddress b = cross ? bed.b() : bed.a();
    swap = !cross;
    spread = cross ? POLL : Duration.ZERO;
    holder = RawHttpConnection.open(bed.a(), TIMEOUT);
    waiter = RawHttpConnection.open(b, TIMEOUT);
    holderStatus = RawHttpConnection.open(bed.a(), TIMEOUT);
    waiterStatus = cross ? RawHttpConnection.open(b, TIMEOUT) : holderStatus;
    Protocol.expect(holder.call(get(holderName)), "YES", "A's first /get/");
  }

  /** B's {@code /wait/} is written and seen queued; then A waits its random time, if any. */
  @Setup(Level.Invocation)
  public void parkWaiter() throws IOException {
    waiter.send("/wait/?pool=" + POOL + "&host=" + waiterName);
    Await.until(waiterName + " queued in " + POOL, TIMEOUT, Duration.ZERO, () -> waiterStatus.call("/status"),
        status -> status.status() == 200 && Protocol.queuedFirst(status.body(), POOL, waiterName));
    if (!spread.isZero()) {
      LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(spread.toNanos()));
    }
  }

  /** The holder releases; the waiter's answer is returned once parsed. */
  @Benchmark
  public RawHttpResponse handoff() throws IOException {
    holder.send(release(holderName));
    granted = waiter.read();
    return granted;
  }

  /** Checks the grant and the release, then gets ready for the next handoff. */
  @TearDown(Level.Invocation)
  public void check() throws IOException {
    Protocol.expect(granted, "YES", waiterName + "'s /wait/");
    long token = Long.parseLong(granted.header("X-Distributex-Token"));
    if (token <= lastToken) {
      throw new IllegalStateException("token " + token + " not above the previous " + lastToken);
    }
    lastToken = token;
    handoffs.increment();
    if (granted.chunked()) {
      chunked.increment();
    }
    Protocol.expect(holder.read(), "OK", holderName + "'s /release/");
    if (swap) {
      RawHttpConnection connection = holder;
      holder = waiter;
      waiter = connection;
      connection = holderStatus;
      holderStatus = waiterStatus;
      waiterStatus = connection;
      String name = holderName;
      holderName = waiterName;
      waiterName = name;
    } else {
      Protocol.expect(waiter.call(release(waiterName)), "OK", waiterName + "'s /release/ back");
      Protocol.expect(holder.call(get(holderName)), "YES", holderName + "'s /get/ back");
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    try {
      Protocol.expect(holder.call(release(holderName)), "OK", "the last release");
    } finally {
      holder.close();
      waiter.close();
      holderStatus.close();
      waiterStatus.close();
      bed.close();
    }
  }

  private static String get(String host) {
    return "/get/?pool=" + POOL + "&host=" + host;
  }

  private static String release(String host) {
    return "/release/?pool=" + POOL + "&host=" + host;
  }
}
