package io.distributex.bench;

import io.distributex.server.DistributexServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code handoff}: how long a waiter takes to learn that the lock passed to it. Host A holds
 * pool {@code p1}; host B's {@code /wait/} is parked on its own keep-alive connection (confirmed
 * through {@code /status} on a third connection); the clock runs from just before A's {@code
 * /release/} is written until B's {@code YES} is parsed. Then the roles swap. An in-process
 * server with the in-memory backend; raw blocking sockets, so the figure is the server's.
 *
 * <p>{@link #measure} runs the same handoffs between any two servers that share pool state
 * (the {@code memcached} measure uses it for handoffs within one server and across two).
 */
final class HandoffBench implements Measure {
  private static final String YAML = "pools:\n  - name: p1\n    maxlocks: 1\n    expire: 0\n";
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** The goals: p50 under 0.5 ms, p99 under 2 ms. */
  private static final long P50_GOAL_NANOS = 500_000;
  private static final long P99_GOAL_NANOS = 2_000_000;

  @Override
  public String name() {
    return "handoff";
  }

  @Override
  public void run(boolean quick, Report report) throws Exception {
    int warmup = quick ? 100 : 1_500; // on 2 cores the JIT needs a while
    int measured = quick ? 300 : 2_000;
    Handoffs handoffs;
    try (DistributexServer server = Servers.distributex(YAML)) {
      InetSocketAddress address = Servers.address(server);
      handoffs = measure(address, address, "p1", warmup, measured, true, Duration.ZERO);
    }
    handoffs.report(report, name(), "", P50_GOAL_NANOS, P99_GOAL_NANOS);
  }

  /**
   * The samples of one run of {@link #measure}.
   *
   * @param samples nanoseconds from the holder's {@code /release/} to the waiter's {@code YES}
   * @param warmup handoffs made before the measured ones
   * @param chunked measured {@code YES} answers that came chunked
   */
  record Handoffs(long[] samples, int warmup, int chunked) {
    /**
     * Adds the count, p50/p90/p99/max and the chunked count to {@code report}, each figure's
     * name after {@code prefix} (empty for the {@code handoff} measure's own names).
     *
     * @param p50Goal the goal for p50 (below it), in nanoseconds; 0 for none
     * @param p99Goal the same for p99
     */
    void report(Report report, String measure, String prefix, long p50Goal, long p99Goal) {
      Stats stats = Stats.of(samples);
      report.add(measure, prefix + "handoffs measured", samples.length + " (after " + warmup + " warm-up)");
      percentile(report, measure, prefix + "p50", stats.p50(), p50Goal);
      report.add(measure, prefix + "p90", Stats.time(stats.p90()));
      percentile(report, measure, prefix + "p99", stats.p99(), p99Goal);
      report.add(measure, prefix + "max", Stats.time(stats.max()));
      report.add(measure, prefix + "parked answers sent chunked", chunked + "/" + samples.length);
    }

    private static void percentile(Report report, String measure, String figure, long nanos, long goal) {
      if (goal > 0) {
        report.goal(measure, figure, Stats.time(nanos), "< " + Stats.limit(goal), nanos < goal);
      } else {
        report.add(measure, figure, Stats.time(nanos));
      }
    }
  }

  /**
   * Makes {@code warmup + measured} handoffs of {@code pool} (one slot, free at the start, free
   * again at the end) between host A, on a keep-alive connection to {@code serverA}, and host B,
   * on one to {@code serverB}. Each handoff: the waiter's {@code /wait/} is written, its place is
   * seen in {@code /status} (asked of the waiter's server), the clock starts, the holder's {@code
   * /release/} is written, the clock stops when the waiter's {@code YES} is parsed. Fencing tokens
   * must rise. Every read gives up after 5 s.
   *
   * @param swap true: the new holder is the next handoff's releaser, so the roles alternate (A to
   *     B, B to A, ...); false: A always releases and B always waits, B handing the lock back to A
   *     (release, then A's {@code /get/}) between handoffs, outside the clock
   * @param spread when positive, the holder waits a random time below it (uniform) between seeing
   *     the waiter queued and releasing, outside the clock: a waiter's server that learns of
   *     grants by polling then sees each release at a random point of its poll cycle, instead of
   *     always just after the wait was queued (and the poll timer armed)
   */
  static Handoffs measure(
      InetSocketAddress serverA,
      InetSocketAddress serverB,
      String pool,
      int warmup,
      int measured,
      boolean swap,
      Duration spread)
      throws IOException {
    long[] samples = new long[measured];
    int chunked = 0;
    try (HttpConn a = HttpConn.open(serverA, TIMEOUT);
        HttpConn b = HttpConn.open(serverB, TIMEOUT);
        HttpConn statusA = HttpConn.open(serverA, TIMEOUT);
        HttpConn statusB = serverB.equals(serverA) ? statusA : HttpConn.open(serverB, TIMEOUT)) {
      String get = "/get/?pool=" + pool + "&host=";
      String release = "/release/?pool=" + pool + "&host=";
      expect(a.call(get + "A"), "YES", "A's first /get/");
      HttpConn holder = a;
      HttpConn waiter = b;
      HttpConn waiterStatus = statusB;
      HttpConn holderStatus = statusA;
      String holderName = "A";
      String waiterName = "B";
      long lastToken = 0;
      for (int i = 0; i < warmup + measured; i++) {
        waiter.send("/wait/?pool=" + pool + "&host=" + waiterName);
        awaitQueued(waiterStatus, pool, waiterName);
        if (spread.toNanos() > 0) {
          LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(spread.toNanos()));
        }
        long start = System.nanoTime();
        holder.send(release + holderName);
        HttpResponse granted = waiter.read();
        long end = System.nanoTime();
        expect(granted, "YES", waiterName + "'s /wait/ (handoff " + i + ")");
        long token = Long.parseLong(granted.header("X-Distributex-Token"));
        if (token <= lastToken) {
          throw new IllegalStateException("token " + token + " not above the previous " + lastToken);
        }
        lastToken = token;
        expect(holder.read(), "OK", holderName + "'s /release/");
        if (i >= warmup) {
          samples[i - warmup] = end - start;
          chunked += granted.chunked() ? 1 : 0;
        }
        if (swap) {
          HttpConn conn = holder;
          holder = waiter;
          waiter = conn;
          conn = holderStatus;
          holderStatus = waiterStatus;
          waiterStatus = conn;
          String name = holderName;
          holderName = waiterName;
          waiterName = name;
        } else {
          expect(waiter.call(release + waiterName), "OK", waiterName + "'s /release/ back (handoff " + i + ")");
          expect(holder.call(get + holderName), "YES", holderName + "'s /get/ back (handoff " + i + ")");
        }
      }
      expect(holder.call(release + holderName), "OK", "the last release");
    }
    return new Handoffs(samples, warmup, chunked);
  }

  /** Polls {@code /status} until {@code host} is the first waiter of {@code pool}; at most 5 s. */
  private static void awaitQueued(HttpConn status, String pool, String host) throws IOException {
    String queued = "\"waiters\":[{\"host\":\"" + host + "\"";
    String named = "\"name\":\"" + pool + "\"";
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      HttpResponse response = status.call("/status");
      if (response.status() == 200 && queuedIn(response.text(), named, queued)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(host + " not queued after " + TIMEOUT.toSeconds() + " s: " + response.summary());
      }
      Thread.onSpinWait();
    }
  }

  /** Whether the pool object that starts with {@code named} lists {@code queued} first. */
  static boolean queuedIn(String status, String named, String queued) {
    int at = status.indexOf(named);
    if (at < 0) {
      return false;
    }
    int next = status.indexOf("{\"name\":", at + named.length());
    int found = status.indexOf(queued, at);
    return found >= 0 && (next < 0 || found < next);
  }

  static void expect(HttpResponse response, String word, String what) {
    if (!response.is(word)) {
      throw new IllegalStateException(what + ": expected 200 " + word + ", got " + response.summary());
    }
  }
}
